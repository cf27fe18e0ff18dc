package io.gnomon.tsdb.index;

/**
 * A cursor over a sorted list of series refs (strictly increasing). Before the first
 * {@link #next()} or {@link #seek(long)} there is no current ref. Not thread-safe.
 */
public interface Postings {

    /** Advances; false at the end. */
    boolean next();

    /** Advances to the first ref {@code >= v}; never moves backwards; false at the end. */
    boolean seek(long v);

    /** The current ref. */
    long at();

    /** The first error met, or {@code null}. */
    default Throwable err() {
        return null;
    }
}
