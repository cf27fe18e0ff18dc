package io.gnomon.scrape;

import io.gnomon.tsdb.labels.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The scrape loop's memory of series, keyed by the raw bytes of a series as exposed (name and
 * label set, before any relabeling), so a series seen before costs one hash and one byte
 * comparison: no strings, no label set, no relabeling. Each entry keeps the final labels (or
 * "dropped by metric relabeling"), the storage ref, and the iteration it was last seen in, which
 * is what staleness needs: seen in the previous scrape but not in this one means stale.
 *
 * <p>Open addressing with linear probing over a power-of-two table. Not thread-safe (one loop).
 */
final class SeriesCache {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static final class Entry {
        final byte[] key;
        final long keyHash;
        /** Final labels; null when metric relabeling dropped the series. */
        Labels labels;
        long ref;
        /** Iteration of the last scrape that exposed it without a timestamp (staleness-tracked). */
        long lastSeen = -1;
        /** Iteration of the last scrape that exposed it at all. */
        long lastTouched;
        /** Config generation the labels were computed for. */
        int generation;
        String family;

        Entry(byte[] key, long keyHash) {
            this.key = key;
            this.keyHash = keyHash;
        }
    }

    private Entry[] table = new Entry[64];
    private int size;

    static long hash(byte[] b, int s, int e) {
        long h = 0x9E3779B97F4A7C15L ^ (e - s);
        int i = s;
        for (; i + 8 <= e; i += 8) {
            h = (h ^ (long) LONGS.get(b, i)) * 0xff51afd7ed558ccdL;
            h ^= h >>> 29;
        }
        for (; i < e; i++) {
            h = (h ^ b[i]) * 0xc4ceb9fe1a85ec53L;
        }
        h ^= h >>> 32;
        h *= 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** The entry for {@code b[s..e)}, or null. */
    Entry get(byte[] b, int s, int e, long h) {
        int mask = table.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            Entry x = table[i];
            if (x == null) {
                return null;
            }
            if (x.keyHash == h && Arrays.equals(x.key, 0, x.key.length, b, s, e)) {
                return x;
            }
        }
    }

    Entry add(byte[] b, int s, int e, long h) {
        if ((size + 1) * 2 > table.length) {
            grow();
        }
        Entry x = new Entry(Arrays.copyOfRange(b, s, e), h);
        insert(x);
        size++;
        return x;
    }

    private void insert(Entry x) {
        int mask = table.length - 1;
        int i = (int) x.keyHash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = x;
    }

    private void grow() {
        Entry[] old = table;
        table = new Entry[old.length * 2];
        for (Entry x : old) {
            if (x != null) {
                insert(x);
            }
        }
    }

    int size() {
        return size;
    }

    /** Visits every entry. */
    void forEach(java.util.function.Consumer<Entry> f) {
        for (Entry x : table) {
            if (x != null) {
                f.accept(x);
            }
        }
    }

    /** Removes entries not exposed since iteration {@code minTouched} (rebuilds the table). */
    void evictOlderThan(long minTouched) {
        Entry[] old = table;
        int kept = 0;
        for (Entry x : old) {
            if (x != null && x.lastTouched >= minTouched) {
                kept++;
            }
        }
        if (kept == size) {
            return;
        }
        int cap = 64;
        while (cap < kept * 2 + 2) {
            cap <<= 1;
        }
        table = new Entry[cap];
        size = 0;
        for (Entry x : old) {
            if (x != null && x.lastTouched >= minTouched) {
                insert(x);
                size++;
            }
        }
    }
}
