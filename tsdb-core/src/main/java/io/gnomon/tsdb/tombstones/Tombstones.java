package io.gnomon.tsdb.tombstones;

import java.util.function.ObjLongConsumer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Deleted time ranges by series ref: what a block's {@code tombstones} file holds (format:
 * {@link TombstonesFile}). Queries skip the samples in these ranges; compaction drops them for good.
 *
 * <p>Thread-safe: additions and reads are serialised by the object's lock; the {@link Intervals}
 * handed out are immutable.
 */
public final class Tombstones {

    private final Long2ObjectHashMap<Intervals> byRef = new Long2ObjectHashMap<>();

    /** A tombstone set with nothing deleted. */
    public Tombstones() {
    }

    /** The deleted intervals of {@code ref}; {@link Intervals#EMPTY} when none. */
    public synchronized Intervals get(long ref) {
        Intervals iv = byRef.get(ref);
        return iv == null ? Intervals.EMPTY : iv;
    }

    /** Adds {@code [mint, maxt]} to the deleted ranges of {@code ref}. */
    public synchronized void add(long ref, long mint, long maxt) {
        Intervals cur = byRef.get(ref);
        byRef.put(ref, (cur == null ? Intervals.EMPTY : cur).add(mint, maxt));
    }

    /** Adds every interval of {@code iv} to {@code ref}. */
    public synchronized void add(long ref, Intervals iv) {
        Intervals cur = byRef.get(ref);
        byRef.put(ref, (cur == null ? Intervals.EMPTY : cur).addAll(iv));
    }

    /** Number of series with deletions. */
    public synchronized int numSeries() {
        return byRef.size();
    }

    /** Total number of intervals (meta.json's {@code numTombstones}). */
    public synchronized long numIntervals() {
        long n = 0;
        for (Intervals iv : byRef.values()) {
            n += iv.size();
        }
        return n;
    }

    public synchronized boolean isEmpty() {
        return byRef.isEmpty();
    }

    /** Calls {@code action(intervals, ref)} for every series with deletions, in ascending ref order. */
    public void forEach(ObjLongConsumer<Intervals> action) {
        long[] refs;
        Intervals[] ivs;
        synchronized (this) {
            refs = new long[byRef.size()];
            int k = 0;
            Long2ObjectHashMap<Intervals>.KeyIterator it = byRef.keySet().iterator();
            while (it.hasNext()) {
                refs[k++] = it.nextLong();
            }
            java.util.Arrays.sort(refs);
            ivs = new Intervals[refs.length];
            for (int i = 0; i < refs.length; i++) {
                ivs[i] = byRef.get(refs[i]);
            }
        }
        for (int i = 0; i < refs.length; i++) {
            action.accept(ivs[i], refs[i]);
        }
    }

    /** A copy (for a rewrite that must not disturb readers until it is on disk). */
    public synchronized Tombstones copy() {
        Tombstones t = new Tombstones();
        t.byRef.putAll(byRef);
        return t;
    }
}
