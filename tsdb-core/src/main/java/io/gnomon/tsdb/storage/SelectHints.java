package io.gnomon.tsdb.storage;

/**
 * Optional hints from the engine to {@link Querier#select}: the time range actually needed,
 * the step and function, and a series limit. An implementation may ignore every hint except
 * that it must return at least the samples in {@code [start, end]}; with {@code limit > 0} it may
 * return at most that many series.
 */
public record SelectHints(long start, long end, long step, String func, int limit) {

    /** No hints: the querier's whole range, no limit. */
    public static final SelectHints NONE = new SelectHints(Long.MIN_VALUE, Long.MAX_VALUE, 0, "", 0);

    public static SelectHints range(long start, long end) {
        return new SelectHints(start, end, 0, "", 0);
    }
}
