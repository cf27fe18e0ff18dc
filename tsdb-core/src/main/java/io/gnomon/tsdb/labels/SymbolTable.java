package io.gnomon.tsdb.labels;

/**
 * Interns label names and values so that a million series share one copy of {@code job},
 * {@code instance} and every other repeated string.
 *
 * <p>Backed by the JVM's string table ({@link String#intern()}), which holds its strings weakly:
 * a string that no label set, exemplar or cache references any more is collected. That matters
 * because not every interned string is long-lived: exemplar labels carry unique trace ids, and a
 * hostile client can send any number of distinct values that are then refused. A strong map here
 * would grow without bound (it did: the first version was a ConcurrentHashMap). The table lives
 * off-heap in the JVM (about 16-24 bytes per distinct string); the strings themselves are on the
 * heap and counted by heap measurements.
 *
 * <p>Thread-safe. A string that is interned is returned as the identical instance while it is
 * referenced, so callers may compare interned strings with {@code ==} as a fast path before
 * {@code equals}.
 */
public final class SymbolTable {

    /** The table shared by all labels built in this process. */
    public static final SymbolTable GLOBAL = new SymbolTable();

    private SymbolTable() {
    }

    /** Returns the canonical instance equal to {@code s}. */
    public String intern(String s) {
        return s.intern();
    }
}
