package io.gnomon.tsdb.labels;

import java.util.Arrays;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * An immutable set of label pairs, sorted by name, with unique non-empty names and non-empty
 * values. Every string is interned through {@link SymbolTable#GLOBAL} (weakly: see there).
 *
 * <p>Layout: one array {@code [name0, value0, name1, value1, ...]} sorted by name. With 10 labels
 * that is one object of 24 bytes and one array of 96 bytes (compressed oops); the strings are
 * shared. The 64-bit hash is computed once at construction from the strings' cached
 * {@link String#hashCode()}s, so hashing an interned label set costs no string scan.
 *
 * <p>Validation follows Prometheus 3: a name is any non-empty valid UTF-8 string (so names like
 * {@code http.server.duration} are allowed); a value is any valid UTF-8 string; an empty value
 * means the label is absent and is dropped by the builder; duplicate names are rejected.
 * "Valid UTF-8" for a Java string means it contains no unpaired surrogate.
 *
 * <p>Ordering ({@link #compareTo}) is Prometheus's {@code labels.Compare}: pairwise by name, then
 * by value, shorter set first when one is a prefix of the other. Strings compare by code point,
 * which equals Go's byte-wise order of their UTF-8 encodings.
 */
public final class Labels implements Comparable<Labels> {

    /** The label name that holds the metric name. */
    public static final String METRIC_NAME = "__name__";

    private static final String[] NO_STRINGS = new String[0];

    /** The empty label set. */
    public static final Labels EMPTY = new Labels(NO_STRINGS);

    private final String[] kv;
    private final long hash;

    private Labels(String[] kv) {
        this.kv = kv;
        this.hash = hash(kv);
    }

    /**
     * Builds labels from alternating names and values in any order. Empty values are dropped,
     * duplicates and invalid names rejected.
     *
     * @throws InvalidLabelsException when a name is invalid or repeated
     */
    public static Labels of(String... nameValues) {
        if ((nameValues.length & 1) != 0) {
            throw InvalidLabelsException.oddCount(nameValues.length);
        }
        Builder b = new Builder(nameValues.length / 2);
        for (int i = 0; i < nameValues.length; i += 2) {
            b.add(nameValues[i], nameValues[i + 1]);
        }
        return b.build();
    }

    /**
     * Labels from pairs that are already in their final form, as a block index stores them: sorted
     * by name without repeats, no empty name or value, and every string already interned through
     * {@link SymbolTable#GLOBAL} (an index reader interns each symbol once). The order and the
     * emptiness are checked here (cheap); when a check fails this falls back to
     * {@link #of(String...)}, which sorts or refuses. Strings decoded from UTF-8 bytes are valid
     * UTF-16 by construction, so they are not scanned again. The array is kept, not copied.
     */
    public static Labels ofSortedInterned(String[] kv) {
        if ((kv.length & 1) != 0 || kv.length == 0) {
            return of(kv);
        }
        for (int i = 0; i < kv.length; i += 2) {
            String name = kv[i];
            String value = kv[i + 1];
            if (name == null || name.isEmpty() || value == null || value.isEmpty()
                || i > 0 && compareStrings(kv[i - 2], name) >= 0) {
                return of(kv);
            }
        }
        return new Labels(kv);
    }

    /** Builds labels from a map; same rules as {@link #of(String...)}. */
    public static Labels fromMap(Map<String, String> map) {
        Builder b = new Builder(map.size());
        map.forEach(b::add);
        return b.build();
    }

    public static Builder builder() {
        return new Builder(8);
    }

    /** Number of label pairs. */
    public int size() {
        return kv.length >>> 1;
    }

    public boolean isEmpty() {
        return kv.length == 0;
    }

    public String name(int i) {
        return kv[i << 1];
    }

    public String value(int i) {
        return kv[(i << 1) + 1];
    }

    /** The value of {@code name}, or {@code ""} when the label is absent (Prometheus semantics). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : kv[(i << 1) + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /** Index of the pair with this name, or a negative number. Binary search over the names. */
    public int indexOf(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            String n = kv[mid << 1];
            int c = n == name ? 0 : compareStrings(n, name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The metric name, or {@code ""}. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < kv.length; i += 2) {
            action.accept(kv[i], kv[i + 1]);
        }
    }

    /** A 64-bit hash of the label set; equal sets have equal hashes in every process. */
    public long hash() {
        return hash;
    }

    /** A builder pre-filled with these labels, for set/del edits. */
    public Builder toBuilder() {
        Builder b = new Builder(size() + 2);
        for (int i = 0; i < kv.length; i += 2) {
            b.add(kv[i], kv[i + 1]);
        }
        return b;
    }

    /** These labels without {@code __name__}. */
    public Labels withoutMetricName() {
        int i = indexOf(METRIC_NAME);
        if (i < 0) {
            return this;
        }
        String[] out = new String[kv.length - 2];
        System.arraycopy(kv, 0, out, 0, i << 1);
        System.arraycopy(kv, (i << 1) + 2, out, i << 1, kv.length - (i << 1) - 2);
        return new Labels(out);
    }

    @Override
    public int hashCode() {
        return (int) (hash ^ (hash >>> 32));
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Labels other) || other.hash != hash || other.kv.length != kv.length) {
            return false;
        }
        for (int i = 0; i < kv.length; i++) {
            String a = kv[i];
            String b = other.kv[i];
            if (a != b && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Labels o) {
        int n = Math.min(kv.length, o.kv.length);
        for (int i = 0; i < n; i += 2) {
            int c = compareStrings(kv[i], o.kv[i]);
            if (c != 0) {
                return c;
            }
            c = compareStrings(kv[i + 1], o.kv[i + 1]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(kv.length, o.kv.length);
    }

    /** Prometheus's form: {@code {__name__="up", job="node"}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kv.length * 8 + 2).append('{');
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(isLegacyName(kv[i]) ? kv[i] : quote(kv[i])).append('=').append(quote(kv[i + 1]));
        }
        return sb.append('}').toString();
    }

    /**
     * Compares strings in the order of their UTF-8 bytes (Go's string order). Java's
     * {@link String#compareTo} orders by UTF-16 unit, which differs for supplementary characters
     * against U+E000..U+FFFF; this method handles that case.
     */
    public static int compareStrings(String a, String b) {
        if (a == b) {
            return 0; // the head interns its strings: names and shared values are one instance
        }
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (x >= 0xD800 && y >= 0xD800) {
                    // Surrogates (supplementary code points) sort after U+E000..U+FFFF in UTF-8.
                    return fixUp(x) - fixUp(y);
                }
                return x - y;
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /** True when {@code name} matches {@code [a-zA-Z_][a-zA-Z0-9_]*} (needs no quoting). */
    public static boolean isLegacyName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** True when the string has no unpaired surrogate, i.e. it encodes to valid UTF-8. */
    public static boolean isValidUtf8(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Quotes a string as Go's {@code strconv.Quote} does for printable text. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\x%02x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static long hash(String[] kv) {
        long h = 0x9E3779B97F4A7C15L ^ kv.length;
        for (String s : kv) {
            h = (h ^ (s.hashCode() & 0xffffffffL)) * 0xff51afd7ed558ccdL;
            h ^= h >>> 29;
            h += s.length();
        }
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * Collects pairs in any order and builds a validated, sorted, interned {@link Labels}.
     * {@link #set} replaces, {@link #del} removes; {@link #add} of a name already present is a
     * duplicate and fails at {@link #build()}. Not thread-safe; reusable after {@link #reset()}.
     */
    public static final class Builder {
        private String[] kv;
        private int n;

        Builder(int capacity) {
            kv = new String[Math.max(2, capacity * 2)];
        }

        /** Adds a pair; a repeated name is rejected by {@link #build()}. */
        public Builder add(String name, String value) {
            if (n == kv.length) {
                kv = Arrays.copyOf(kv, kv.length * 2);
            }
            kv[n++] = name;
            kv[n++] = value;
            return this;
        }

        /** Sets a label, replacing any previous value; an empty value deletes it. */
        public Builder set(String name, String value) {
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(name)) {
                    kv[i + 1] = value;
                    return this;
                }
            }
            return add(name, value);
        }

        /** Removes the labels with these names. */
        public Builder del(String... names) {
            for (String name : names) {
                for (int i = 0; i < n; i += 2) {
                    if (kv[i].equals(name)) {
                        System.arraycopy(kv, i + 2, kv, i, n - i - 2);
                        n -= 2;
                        i -= 2;
                    }
                }
            }
            return this;
        }

        /** The current value of {@code name} in this builder, or {@code ""}. */
        public String get(String name) {
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(name)) {
                    return kv[i + 1];
                }
            }
            return "";
        }

        public Builder reset() {
            Arrays.fill(kv, 0, n, null);
            n = 0;
            return this;
        }

        /**
         * Validates, sorts, drops empty values, interns and returns the labels.
         *
         * @throws InvalidLabelsException on an invalid or duplicate name or invalid UTF-8
         */
        public Labels build() {
            int m = 0;
            String[] out = new String[n];
            for (int i = 0; i < n; i += 2) {
                String name = kv[i];
                String value = kv[i + 1];
                if (name == null || name.isEmpty() || !isValidUtf8(name)) {
                    throw InvalidLabelsException.invalidName(name == null ? "" : name);
                }
                if (value == null || value.isEmpty()) {
                    continue;
                }
                if (!isValidUtf8(value)) {
                    throw InvalidLabelsException.invalidValue(name);
                }
                out[m++] = name;
                out[m++] = value;
            }
            if (m == 0) {
                return EMPTY;
            }
            sortPairs(out, m);
            SymbolTable symbols = SymbolTable.GLOBAL;
            for (int i = 0; i < m; i += 2) {
                if (i > 0 && out[i].equals(out[i - 2])) {
                    throw InvalidLabelsException.duplicateName(out[i]);
                }
                out[i] = symbols.intern(out[i]);
                out[i + 1] = symbols.intern(out[i + 1]);
            }
            return new Labels(m == out.length ? out : Arrays.copyOf(out, m));
        }

        /** Insertion sort of pairs by name: label sets are small and usually nearly sorted. */
        private static void sortPairs(String[] a, int m) {
            for (int i = 2; i < m; i += 2) {
                String name = a[i];
                String value = a[i + 1];
                int j = i - 2;
                while (j >= 0 && compareStrings(a[j], name) > 0) {
                    a[j + 2] = a[j];
                    a[j + 3] = a[j + 1];
                    j -= 2;
                }
                a[j + 2] = name;
                a[j + 3] = value;
            }
        }
    }
}
