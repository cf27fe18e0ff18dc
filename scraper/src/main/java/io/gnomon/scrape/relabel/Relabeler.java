package io.gnomon.scrape.relabel;

import io.gnomon.scrape.config.RelabelConfig;
import io.gnomon.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;

/**
 * Applies relabel rules as Prometheus's {@code relabel.Process} does: in order, on a working copy
 * of the labels; {@code keep}/{@code drop}/{@code keepequal}/{@code dropequal} end processing with
 * "dropped"; a {@code replace} whose regex does not match, or whose expanded target is not a valid
 * label name, changes nothing; an empty replacement result deletes the target label.
 *
 * <p>{@code $1}, {@code ${1}}, {@code $name} and {@code ${name}} in {@code target_label} and
 * {@code replacement} expand as Go's {@code Regexp.Expand}: a name is the longest run of letters,
 * digits and underscores ({@code $1x} means the group named {@code 1x}, which is empty), an unknown
 * group expands to nothing, {@code $$} is a literal {@code $}, and a {@code $} not followed by a name
 * is kept as written.
 *
 * <p>Not thread-safe (it reuses a working buffer); one per scrape loop or discovery update.
 */
public final class Relabeler {

    private final Work work = new Work();
    private final StringBuilder sb = new StringBuilder();
    private final MessageDigest md5;

    public Relabeler() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java runtime", e);
        }
    }

    /** The relabeled labels, or {@code null} when a rule dropped them. No rules: {@code in} itself. */
    public Labels process(Labels in, List<RelabelConfig> rules) {
        if (rules.isEmpty()) {
            return in;
        }
        work.load(in);
        for (RelabelConfig r : rules) {
            if (!apply(r)) {
                return null;
            }
        }
        return work.changed ? work.build() : in;
    }

    private boolean apply(RelabelConfig r) {
        String val = sourceValue(r);
        switch (r.action()) {
            case DROP -> {
                if (r.regex().matches(val)) {
                    return false;
                }
            }
            case KEEP -> {
                if (!r.regex().matches(val)) {
                    return false;
                }
            }
            case DROPEQUAL -> {
                if (work.get(r.targetLabel()).equals(val)) {
                    return false;
                }
            }
            case KEEPEQUAL -> {
                if (!work.get(r.targetLabel()).equals(val)) {
                    return false;
                }
            }
            case REPLACE -> {
                java.util.regex.Matcher m = r.regex().matcher(val);
                if (!m.matches()) {
                    break;
                }
                String target = expand(r, r.targetLabel(), m);
                if (target.isEmpty() || !Labels.isValidUtf8(target)) {
                    break;
                }
                String res = expand(r, r.replacement(), m);
                if (res.isEmpty()) {
                    work.del(target);
                } else {
                    work.set(target, res);
                }
            }
            case LOWERCASE -> work.set(r.targetLabel(), val.toLowerCase(Locale.ROOT));
            case UPPERCASE -> work.set(r.targetLabel(), val.toUpperCase(Locale.ROOT));
            case HASHMOD -> {
                byte[] h = md5.digest(val.getBytes(StandardCharsets.UTF_8));
                long low = ByteBuffer.wrap(h, 8, 8).getLong();
                work.set(r.targetLabel(), Long.toUnsignedString(Long.remainderUnsigned(low, r.modulus())));
            }
            case LABELMAP -> {
                int n = work.n;
                String[] snapshot = java.util.Arrays.copyOf(work.kv, n);
                for (int i = 0; i < n; i += 2) {
                    java.util.regex.Matcher m = r.regex().matcher(snapshot[i]);
                    if (m.matches()) {
                        String name = expand(r, r.replacement(), m);
                        work.set(name, snapshot[i + 1]);
                    }
                }
            }
            case LABELDROP -> {
                for (int i = 0; i < work.n; i += 2) {
                    if (r.regex().matches(work.kv[i])) {
                        work.removeAt(i);
                        i -= 2;
                    }
                }
            }
            case LABELKEEP -> {
                for (int i = 0; i < work.n; i += 2) {
                    if (!r.regex().matches(work.kv[i])) {
                        work.removeAt(i);
                        i -= 2;
                    }
                }
            }
            default -> throw new IllegalStateException("unknown relabel action " + r.action());
        }
        return true;
    }

    private String sourceValue(RelabelConfig r) {
        List<String> src = r.sourceLabels();
        if (src.isEmpty()) {
            return "";
        }
        if (src.size() == 1) {
            return work.get(src.get(0));
        }
        sb.setLength(0);
        for (int i = 0; i < src.size(); i++) {
            if (i > 0) {
                sb.append(r.separator());
            }
            sb.append(work.get(src.get(i)));
        }
        return sb.toString();
    }

    /** Go's {@code Regexp.Expand} of {@code template} with the groups of {@code m}. */
    static String expand(RelabelConfig r, String template, java.util.regex.Matcher m) {
        int dollar = template.indexOf('$');
        if (dollar < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        out.append(template, 0, dollar);
        int i = dollar;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 1 < template.length() && template.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (i + 1 < template.length() && template.charAt(i + 1) == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0 || close == i + 2 || !isNameRun(template, i + 2, close)) {
                    out.append('$');
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                end = close + 1;
            } else {
                int j = i + 1;
                while (j < template.length() && isNameChar(template.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    out.append('$');
                    i++;
                    continue;
                }
                name = template.substring(i + 1, j);
                end = j;
            }
            int group = groupOf(r, name, m.groupCount());
            if (group >= 0) {
                String g = m.group(group);
                if (g != null) {
                    out.append(g);
                }
            }
            i = end;
        }
        return out.toString();
    }

    private static int groupOf(RelabelConfig r, String name, int count) {
        boolean digits = true;
        for (int k = 0; k < name.length(); k++) {
            if (name.charAt(k) < '0' || name.charAt(k) > '9') {
                digits = false;
                break;
            }
        }
        if (digits) {
            if (name.length() > 9) {
                return -1;
            }
            int n = Integer.parseInt(name);
            return n <= count ? n : -1;
        }
        return r.regex().groupIndex(name);
    }

    private static boolean isNameRun(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (!isNameChar(s.charAt(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The working label set: unsorted pairs, names unique. */
    private static final class Work {
        String[] kv = new String[32];
        int n;
        boolean changed;

        void load(Labels l) {
            n = 0;
            changed = false;
            if (kv.length < l.size() * 2) {
                kv = new String[l.size() * 2 + 8];
            }
            for (int i = 0; i < l.size(); i++) {
                kv[n++] = l.name(i);
                kv[n++] = l.value(i);
            }
        }

        String get(String name) {
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(name)) {
                    return kv[i + 1];
                }
            }
            return "";
        }

        void set(String name, String value) {
            changed = true;
            if (value.isEmpty()) {
                del(name);
                return;
            }
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(name)) {
                    kv[i + 1] = value;
                    return;
                }
            }
            if (n == kv.length) {
                kv = java.util.Arrays.copyOf(kv, kv.length * 2);
            }
            kv[n++] = name;
            kv[n++] = value;
        }

        void del(String name) {
            for (int i = 0; i < n; i += 2) {
                if (kv[i].equals(name)) {
                    removeAt(i);
                    return;
                }
            }
        }

        void removeAt(int i) {
            changed = true;
            System.arraycopy(kv, i + 2, kv, i, n - i - 2);
            n -= 2;
            kv[n] = null;
            kv[n + 1] = null;
        }

        Labels build() {
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < n; i += 2) {
                b.add(kv[i], kv[i + 1]);
            }
            return b.build();
        }
    }
}
