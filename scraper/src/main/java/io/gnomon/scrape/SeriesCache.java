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
 * null: dropped by metric relabeling), the storage ref, and the iteration it was last seen in,
 * which is what staleness needs: seen in the previous scrape but not in this one means stale.
 *
 * <p>Layout (measured: with one object and one key array per entry, cache misses on lookup were
 * the top of the scrape profile): entries are ids {@code 0..size-1} into parallel primitive
 * arrays; keys are appended to one byte arena in exposition order, so a scrape that exposes its
 * series in the same order as last time reads the arena sequentially; the open-addressing table
 * (linear probing, load at most 1/2) holds the id and the full 64-bit hash side by side, so a
 * probe touches one array until the hash matches.
 *
 * <p>Not thread-safe (one loop).
 */
final class SeriesCache {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] arena = new byte[16 * 1024];
    private int arenaLen;
    private int[] keyOff = new int[64];
    private int[] keyLen = new int[64];
    private long[] keyHash = new long[64];
    private Labels[] labels = new Labels[64];
    private long[] ref = new long[64];
    private long[] lastSeen = new long[64];
    private long[] lastTouched = new long[64];
    private int[] generation = new int[64];
    private int size;

    /** Slots: entry id + 1 (0 = empty) and the entry's hash. */
    private int[] slotId = new int[128];
    private long[] slotHash = new long[128];

    /**
     * A 64-bit hash of {@code b[s..e)}: 8 bytes at a time through MurmurHash3's mixing steps,
     * then its finalizer, so that keys differing in one digit (as series of one family do) spread
     * over the low bits the table indexes by.
     */
    static long hash(byte[] b, int s, int e) {
        long h = 0x9E3779B97F4A7C15L ^ (e - s);
        int i = s;
        for (; i + 8 <= e; i += 8) {
            h ^= mixK((long) LONGS.get(b, i));
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        long k = 0;
        for (int shift = 0; i < e; i++, shift += 8) {
            k |= (b[i] & 0xffL) << shift;
        }
        h ^= mixK(k);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    private static long mixK(long k) {
        k *= 0x87c37b91114253d5L;
        k = Long.rotateLeft(k, 31);
        return k * 0x4cf5ad432745937fL;
    }

    /** The id of the entry for {@code b[s..e)} with hash {@code h}, or -1. */
    int get(byte[] b, int s, int e, long h) {
        int mask = slotId.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            int id = slotId[i] - 1;
            if (id < 0) {
                return -1;
            }
            if (slotHash[i] == h && keyLen[id] == e - s
                && Arrays.equals(arena, keyOff[id], keyOff[id] + keyLen[id], b, s, e)) {
                return id;
            }
        }
    }

    /** Adds a new entry (the caller checked it is absent) and returns its id. */
    int add(byte[] b, int s, int e, long h) {
        if ((size + 1) * 2 > slotId.length) {
            rehash(slotId.length * 2);
        }
        int id = size;
        if (id == keyOff.length) {
            int n = id * 2;
            keyOff = Arrays.copyOf(keyOff, n);
            keyLen = Arrays.copyOf(keyLen, n);
            keyHash = Arrays.copyOf(keyHash, n);
            labels = Arrays.copyOf(labels, n);
            ref = Arrays.copyOf(ref, n);
            lastSeen = Arrays.copyOf(lastSeen, n);
            lastTouched = Arrays.copyOf(lastTouched, n);
            generation = Arrays.copyOf(generation, n);
        }
        int len = e - s;
        if (arenaLen + len > arena.length) {
            arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaLen + len));
        }
        System.arraycopy(b, s, arena, arenaLen, len);
        keyOff[id] = arenaLen;
        keyLen[id] = len;
        keyHash[id] = h;
        arenaLen += len;
        labels[id] = null;
        ref[id] = 0;
        lastSeen[id] = -1;
        lastTouched[id] = 0;
        generation[id] = 0;
        size++;
        place(id, h);
        return id;
    }

    private void place(int id, long h) {
        int mask = slotId.length - 1;
        int i = (int) h & mask;
        while (slotId[i] != 0) {
            i = (i + 1) & mask;
        }
        slotId[i] = id + 1;
        slotHash[i] = h;
    }

    private void rehash(int capacity) {
        slotId = new int[capacity];
        slotHash = new long[capacity];
        for (int id = 0; id < size; id++) {
            place(id, keyHash[id]);
        }
    }

    int size() {
        return size;
    }

    Labels labels(int id) {
        return labels[id];
    }

    void labels(int id, Labels l) {
        labels[id] = l;
    }

    long ref(int id) {
        return ref[id];
    }

    void ref(int id, long r) {
        ref[id] = r;
    }

    long lastSeen(int id) {
        return lastSeen[id];
    }

    void lastSeen(int id, long iter) {
        lastSeen[id] = iter;
    }

    void touch(int id, long iter) {
        lastTouched[id] = iter;
    }

    int generation(int id) {
        return generation[id];
    }

    void generation(int id, int g) {
        generation[id] = g;
    }

    /**
     * Removes entries not exposed since iteration {@code minTouched}, compacting ids. Returns the
     * mapping from old ids to new ones (-1: removed), or null when nothing was removed.
     */
    int[] evictOlderThan(long minTouched) {
        int kept = 0;
        for (int id = 0; id < size; id++) {
            if (lastTouched[id] >= minTouched) {
                kept++;
            }
        }
        if (kept == size) {
            return null;
        }
        int[] map = new int[size];
        byte[] na = new byte[Math.max(16 * 1024, arenaLen)];
        int nl = 0;
        int n = 0;
        for (int id = 0; id < size; id++) {
            if (lastTouched[id] < minTouched) {
                map[id] = -1;
                continue;
            }
            map[id] = n;
            System.arraycopy(arena, keyOff[id], na, nl, keyLen[id]);
            keyOff[n] = nl;
            nl += keyLen[id];
            keyLen[n] = keyLen[id];
            keyHash[n] = keyHash[id];
            labels[n] = labels[id];
            ref[n] = ref[id];
            lastSeen[n] = lastSeen[id];
            lastTouched[n] = lastTouched[id];
            generation[n] = generation[id];
            n++;
        }
        Arrays.fill(labels, n, size, null);
        arena = na;
        arenaLen = nl;
        size = n;
        int cap = 128;
        while (cap < size * 2 + 2) {
            cap <<= 1;
        }
        rehash(cap);
        return map;
    }
}
