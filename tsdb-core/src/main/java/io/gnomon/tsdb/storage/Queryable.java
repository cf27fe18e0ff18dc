package io.gnomon.tsdb.storage;

/** Something that opens {@link Querier}s: the head, a block, or the whole database. */
public interface Queryable {

    /** Opens a querier over {@code [mint, maxt]}, both inclusive, in milliseconds. */
    Querier querier(long mint, long maxt);
}
