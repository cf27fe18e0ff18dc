package io.gnomon.tsdb.storage;

import java.util.List;

/**
 * A forward-only cursor over series. Before the first {@link #next()} {@link #at()} is undefined.
 * Not thread-safe. When {@code select} was asked for sorted output, series come in
 * {@link io.gnomon.tsdb.labels.Labels#compareTo} order.
 */
public interface SeriesSet {

    boolean next();

    Series at();

    /** The first error met, or {@code null}; checked after {@link #next()} returned false. */
    default Throwable err() {
        return null;
    }

    /** Non-fatal warnings, e.g. a truncated result. Never null. */
    default List<String> warnings() {
        return List.of();
    }

    SeriesSet EMPTY = new SeriesSet() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public Series at() {
            throw new IllegalStateException("empty series set");
        }
    };
}
