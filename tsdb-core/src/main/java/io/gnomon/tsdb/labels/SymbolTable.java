package io.gnomon.tsdb.labels;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Interns label names and values so that a million series share one copy of {@code job},
 * {@code instance} and every other repeated string.
 *
 * <p>Thread-safe. Strings are never evicted while the process runs: the set of distinct label
 * strings grows with the set of distinct label values, which the head bounds through series
 * limits. A string that was interned once is returned as the identical instance afterwards, so
 * callers may compare interned strings with {@code ==} as a fast path before {@code equals}.
 */
public final class SymbolTable {

    /** The table shared by all labels built in this process. */
    public static final SymbolTable GLOBAL = new SymbolTable();

    private final ConcurrentHashMap<String, String> strings = new ConcurrentHashMap<>(1 << 12);

    /** Returns the canonical instance equal to {@code s}. */
    public String intern(String s) {
        String prev = strings.get(s);
        if (prev != null) {
            return prev;
        }
        prev = strings.putIfAbsent(s, s);
        return prev == null ? s : prev;
    }

    /** Number of distinct strings held. */
    public int size() {
        return strings.size();
    }
}
