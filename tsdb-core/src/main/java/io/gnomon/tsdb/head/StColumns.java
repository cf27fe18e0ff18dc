package io.gnomon.tsdb.head;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The head's start-timestamp columns, one per series that has at least one sample with a start
 * timestamp, found by the series (identity). Kept beside the series rather than in them: a
 * reference field would grow every {@link MemSeries} from 56 to 64 bytes, and most series never
 * have a start timestamp. A series' column is read and written under that series' lock; the map
 * itself is concurrent, so series do not contend. When no series has one, a lookup is an
 * emptiness check.
 */
final class StColumns {
    private final ConcurrentHashMap<MemSeries, StColumn> map = new ConcurrentHashMap<>();

    /** The column of {@code s}, or null. */
    StColumn get(MemSeries s) {
        return map.isEmpty() ? null : map.get(s);
    }

    /** The column of {@code s}, created when missing. Under the series lock. */
    StColumn getOrCreate(MemSeries s) {
        StColumn c = map.get(s);
        if (c == null) {
            c = new StColumn();
            map.put(s, c);
        }
        return c;
    }

    /** Sets the column of {@code s}. Under the series lock. */
    void put(MemSeries s, StColumn c) {
        map.put(s, c);
    }

    /** Forgets the column of {@code s}. Under the series lock. */
    void remove(MemSeries s) {
        map.remove(s);
    }

    /** Series with a column. */
    int size() {
        return map.size();
    }
}
