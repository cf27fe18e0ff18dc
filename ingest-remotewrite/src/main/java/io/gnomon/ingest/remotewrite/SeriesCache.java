package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.labels.Labels;

/**
 * Remembers, for label pairs exactly as a sender writes them (canonical strings in arrival
 * order), the built {@link Labels} and the storage's series ref. A hit skips sorting, validation,
 * interning and the storage's label lookup; it costs one hash over the strings' cached hash codes
 * and an identity comparison per string.
 *
 * <p>Only label pairs that arrive sorted and without empty values are cached (the spec requires
 * senders to sort); other arrivals take the slow path every time, which is still correct.
 * Open addressing over parallel arrays; grows to {@code maxCapacity} slots, then starts over
 * empty. Owned by one thread.
 */
final class SeriesCache {

    private final int maxCapacity;
    private Labels[] labels;
    private long[] refs;
    private int[] hashes;
    private int size;

    SeriesCache(int initialCapacity, int maxCapacity) {
        this.maxCapacity = Integer.highestOneBit(Math.max(16, maxCapacity));
        allocate(Integer.highestOneBit(Math.max(16, Math.min(initialCapacity, this.maxCapacity))));
    }

    private void allocate(int cap) {
        labels = new Labels[cap];
        refs = new long[cap];
        hashes = new int[cap];
        size = 0;
    }

    static int hash(String[] kv, int n) {
        int h = n;
        for (int i = 0; i < n; i++) {
            h = h * 0x9E3779B1 + kv[i].hashCode();
        }
        return h ^ (h >>> 15);
    }

    /** The slot holding these pairs, or -1. */
    int find(String[] kv, int n, int hash) {
        int mask = labels.length - 1;
        int i = hash & mask;
        Labels l;
        while ((l = labels[i]) != null) {
            if (hashes[i] == hash && matches(l, kv, n)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static boolean matches(Labels l, String[] kv, int n) {
        if (l.size() * 2 != n) {
            return false;
        }
        for (int p = 0, i = 0; i < n; p++, i += 2) {
            String a = l.name(p);
            String b = kv[i];
            if (a != b && !a.equals(b)) {
                return false;
            }
            a = l.value(p);
            b = kv[i + 1];
            if (a != b && !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    Labels labels(int slot) {
        return labels[slot];
    }

    long ref(int slot) {
        return refs[slot];
    }

    void ref(int slot, long ref) {
        refs[slot] = ref;
    }

    /**
     * Caches {@code built} under these arrival pairs when they are exactly its pairs in order.
     * Returns the slot, or -1 when not cached.
     */
    int put(String[] kv, int n, int hash, Labels built, long ref) {
        if (!matches(built, kv, n)) {
            return -1;
        }
        if (size + 1 > (labels.length >> 1)) {
            allocate(labels.length < maxCapacity ? labels.length << 1 : labels.length);
        }
        int mask = labels.length - 1;
        int i = hash & mask;
        while (labels[i] != null) {
            i = (i + 1) & mask;
        }
        labels[i] = built;
        refs[i] = ref;
        hashes[i] = hash;
        size++;
        return i;
    }

    int size() {
        return size;
    }
}
