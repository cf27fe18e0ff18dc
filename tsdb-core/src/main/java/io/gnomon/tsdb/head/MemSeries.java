package io.gnomon.tsdb.head;

import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunkenc.XorIterator;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Rejection;
import io.gnomon.tsdb.storage.SampleIterator;
import java.util.Arrays;

/**
 * One series in the head: its labels, its full (cut) chunks and its open chunk.
 *
 * <p>Memory: this object (ref, labels, two chunk references, the cut prediction, the newest
 * timestamp and the last logged value) is 48 bytes; the newest value and the open chunk's first timestamp are read from the
 * chunk rather than kept twice. Samples live only inside the chunks' byte arrays, never as
 * objects. Cut chunks are trimmed to their exact size.
 *
 * <p>Thread-safety: every method that reads or writes chunks is {@code synchronized} on the
 * series. Appenders hold the lock for the few nanoseconds of one encode; readers hold it only to
 * take a {@link Snapshot} of the chunk list, then decode without it (chunks grow by copy, so a
 * snapshot's arrays never change under it).
 */
final class MemSeries {

    /** Target number of samples per chunk, as Prometheus's {@code samplesPerChunk}. */
    static final int SAMPLES_PER_CHUNK = 120;

    private static final XorChunk[] NO_CHUNKS = new XorChunk[0];

    /** The series ref; below 2^31 (StripeSeries hands out no more), kept as an int to save 8 bytes. */
    private final int ref32;
    final Labels labels;

    /** Full chunks, oldest first; each is trimmed and never appended to again. */
    private XorChunk[] cut = NO_CHUNKS;
    /** The chunk being appended to, or null before the first sample. */
    private XorChunk open;
    /**
     * Where the open chunk is cut (Prometheus's {@code nextAt}). Absolute, so that an append does
     * not decode the chunk's first timestamp (a read of the chunk's first cache line) to find it.
     */
    private long nextAt;
    /**
     * Newest committed timestamp; Long.MIN_VALUE when empty. Written under the lock with a
     * release store and read without it with an acquire load ({@link #MAX_T}): a full volatile
     * store would fence every append, and readers only need a recent value.
     */
    private long maxT = Long.MIN_VALUE;

    private static final java.lang.invoke.VarHandle MAX_T;
    private static final java.lang.invoke.VarHandle PINS;

    /**
     * Commits in flight that reference this series (logged or about to be, not yet applied), or
     * {@link #DEAD} once {@link Head#truncate} collected the series. A commit {@link #pin}s each
     * series before it logs and unpins it after applying; the collector turns 0 into DEAD with one
     * CAS, so a series is never collected between a commit's log record and its chunk append (the
     * record would then name a ref that the next checkpoint forgets).
     */
    private volatile int pins;
    static final int DEAD = -1;

    static {
        try {
            MAX_T = java.lang.invoke.MethodHandles.lookup().findVarHandle(MemSeries.class, "maxT", long.class);
            PINS = java.lang.invoke.MethodHandles.lookup().findVarHandle(MemSeries.class, "pins", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Bits of the value this series had in its last logged sample: the base of the next
     * XOR_SAMPLES entry. Guarded by {@link Head#walLock}, not by this series' lock.
     */
    long walLastBits;

    MemSeries(long ref, Labels labels) {
        if (ref <= 0 || ref > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("series ref out of range [ref=" + ref + "]");
        }
        this.ref32 = (int) ref;
        this.labels = labels;
    }

    long maxTime() {
        return (long) MAX_T.getAcquire(this);
    }

    /** Marks a commit in flight on this series; false when the series is already collected. */
    boolean pin() {
        while (true) {
            int p = pins;
            if (p == DEAD) {
                return false;
            }
            if (PINS.compareAndSet(this, p, p + 1)) {
                return true;
            }
        }
    }

    /** Ends what {@link #pin} started. */
    void unpin() {
        PINS.getAndAdd(this, -1);
    }

    /** Whether {@link Head#truncate} collected this series (it is no longer findable). */
    boolean dead() {
        return pins == DEAD;
    }

    /**
     * Marks the series collected when it holds no chunk, no commit is in flight on it, and its
     * newest sample is before {@code mint}. Called by the collector under the series' stripe lock.
     */
    synchronized boolean markDeadIfUnused(long mint) {
        if (open != null || cut.length > 0 || maxT >= mint) {
            return false;
        }
        return PINS.compareAndSet(this, 0, DEAD);
    }

    /**
     * Drops the chunks that end before {@code mint}: every cut chunk whose last sample is older,
     * and the open chunk too when all of its samples are. Queries holding a {@link Snapshot} keep
     * the chunks they captured; nothing else references a dropped chunk. Returns the number of
     * chunks dropped. The newest timestamp is kept, so later appends still see the series' order.
     */
    synchronized int truncateBefore(long mint) {
        int from = 0;
        XorChunk[] cs = cut;
        while (from < cs.length && cs[from].lastTimestamp() < mint) {
            from++;
        }
        int dropped = from;
        if (from > 0) {
            cut = from == cs.length ? NO_CHUNKS : Arrays.copyOfRange(cs, from, cs.length);
        }
        if (open != null && cut.length == 0 && maxT < mint) {
            open = null;
            dropped++;
        }
        return dropped;
    }

    /**
     * Appends a committed sample. Returns -1 when appended, 0 when it repeats the newest sample
     * exactly (ignored), or the {@link Rejection} ordinal + 1 when refused.
     *
     * @param chunkRange the head's block range in ms; chunks never span a range boundary
     */
    int append(long t, double v, long chunkRange) {
        long bits = Double.doubleToRawLongBits(v);
        long mt = maxT;
        if (t <= mt) {
            if (open == null) {
                // Every chunk was truncated away: the series' newest sample is in a block.
                return Rejection.TOO_OLD.ordinal() + 1;
            }
            if (t < mt) {
                return Rejection.OUT_OF_ORDER.ordinal() + 1;
            }
            return bits == open.lastValueBits() ? 0 : Rejection.DUPLICATE.ordinal() + 1;
        }
        XorChunk c = open;
        if (c == null) {
            c = cutNewChunk(t, chunkRange);
        } else {
            int n = c.numSamples();
            if (n == SAMPLES_PER_CHUNK / 4) {
                nextAt = computeChunkEndTime(c.firstTimestamp(), mt, nextAt, 4);
            }
            if (t >= nextAt || n >= SAMPLES_PER_CHUNK * 2) {
                c.trim();
                cut = appendChunk(cut, c);
                c = cutNewChunk(t, chunkRange);
            }
        }
        c.append(t, v);
        MAX_T.setRelease(this, t);
        return -1;
    }

    private XorChunk cutNewChunk(long t, long chunkRange) {
        XorChunk c = new XorChunk();
        open = c;
        nextAt = rangeEnd(t, chunkRange);
        return c;
    }

    /** The series ref. */
    long ref() {
        return ref32;
    }

    private static XorChunk[] appendChunk(XorChunk[] a, XorChunk c) {
        XorChunk[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = c;
        return b;
    }

    /** End of the aligned range of width {@code width} that contains {@code t}. */
    static long rangeEnd(long t, long width) {
        return Math.floorDiv(t, width) * width + width;
    }

    /**
     * Predicts where to cut so that the remaining chunks of the range get equal sample counts
     * (Prometheus's {@code computeChunkEndTime}): with {@code cur} the time at a quarter-full chunk.
     */
    static long computeChunkEndTime(long start, long cur, long max, int ratioToFull) {
        double n = (double) (max - start) / ((double) (cur - start + 1) * ratioToFull);
        if (n <= 1) {
            return max;
        }
        return (long) (start + (max - start) / Math.floor(n));
    }

    /**
     * Deletes the samples in {@code [mint, maxt]} (the head's eager form of a tombstone): each
     * chunk that holds some is re-encoded without them (a new object: snapshots taken before keep
     * the old one); a chunk left empty is dropped. The newest timestamp is kept, so the series'
     * order is unchanged for later appends. Returns the number of samples deleted.
     */
    synchronized int deleteRange(long mint, long maxt, long chunkRange) {
        int deleted = 0;
        java.util.ArrayList<XorChunk> kept = new java.util.ArrayList<>(cut.length);
        for (XorChunk c : cut) {
            if (c.lastTimestamp() < mint || c.firstTimestamp() > maxt) {
                kept.add(c);
                continue;
            }
            XorChunk n = new XorChunk();
            deleted += copyWithout(c.iterator(null), n, mint, maxt);
            if (n.numSamples() > 0) {
                n.trim();
                kept.add(n);
            }
        }
        if (deleted > 0 || kept.size() != cut.length) {
            cut = kept.toArray(NO_CHUNKS);
        }
        XorChunk o = open;
        if (o != null && o.lastTimestamp() >= mint && o.firstTimestamp() <= maxt) {
            XorChunk n = new XorChunk();
            deleted += copyWithout(o.snapshotIterator(null), n, mint, maxt);
            if (n.numSamples() > 0) {
                open = n;
                nextAt = rangeEnd(n.firstTimestamp(), chunkRange);
            } else {
                open = null;
            }
        }
        return deleted;
    }

    private static int copyWithout(SampleIterator it, XorChunk dst, long mint, long maxt) {
        int deleted = 0;
        while (it.next() != io.gnomon.tsdb.storage.ValueType.NONE) {
            long t = it.atT();
            if (t >= mint && t <= maxt) {
                deleted++;
            } else {
                dst.append(t, it.atV());
            }
        }
        return deleted;
    }

    /** Number of chunks, the open one included. */
    synchronized int chunkCount() {
        return cut.length + (open == null ? 0 : 1);
    }

    /** Minimum timestamp held, or Long.MAX_VALUE when empty. */
    synchronized long minTime() {
        if (cut.length > 0) {
            return cut[0].firstTimestamp();
        }
        return open == null ? Long.MAX_VALUE : open.firstTimestamp();
    }

    /**
     * Captures the chunks that overlap {@code [mint, maxt]}; the snapshot stays valid while
     * appends continue. Returns null when none overlap.
     */
    synchronized Snapshot snapshot(long mint, long maxt) {
        if ((open == null && cut.length == 0) || maxT < mint) { // under the lock: a plain read is current
            return null;
        }
        int from = 0;
        XorChunk[] cs = cut;
        // Skip cut chunks that end before mint.
        while (from < cs.length && cs[from].lastTimestamp() < mint) {
            from++;
        }
        int to = cs.length;
        // lastTimestamp() is a field; firstTimestamp() decodes the chunk's bytes (a cache miss
        // per chunk), so it is only asked when the chunk ends after maxt.
        while (to > from && cs[to - 1].lastTimestamp() > maxt && cs[to - 1].firstTimestamp() > maxt) {
            to--;
        }
        boolean withOpen = open != null && (open.lastTimestamp() <= maxt || open.firstTimestamp() <= maxt);
        int n = (to - from) + (withOpen ? 1 : 0);
        if (n == 0) {
            return null;
        }
        XorIterator[] its = new XorIterator[n];
        int k = 0;
        for (int i = from; i < to; i++) {
            its[k++] = cs[i].snapshotIterator(null);
        }
        if (withOpen) {
            its[k] = open.snapshotIterator(null);
        }
        return new Snapshot(its);
    }

    /**
     * Appends to {@code out} the metas of the chunks that overlap {@code [mint, maxt]}, oldest
     * first, for {@link RangeHead}: ref = this series' ref (a head chunk is found again by its
     * first timestamp, which survives truncation of older chunks), maxTime = the chunk's last
     * timestamp now.
     */
    synchronized void chunkMetas(long mint, long maxt, java.util.List<io.gnomon.tsdb.chunks.ChunkMeta> out) {
        for (XorChunk c : cut) {
            if (c.lastTimestamp() >= mint && c.firstTimestamp() <= maxt) {
                out.add(new io.gnomon.tsdb.chunks.ChunkMeta(ref32, c.firstTimestamp(), c.lastTimestamp()));
            }
        }
        if (open != null && open.numSamples() > 0 && open.lastTimestamp() >= mint && open.firstTimestamp() <= maxt) {
            out.add(new io.gnomon.tsdb.chunks.ChunkMeta(ref32, open.firstTimestamp(), open.lastTimestamp()));
        }
    }

    /**
     * The chunk whose first sample is at {@code firstT}, holding only its samples up to
     * {@code maxT}: a cut chunk as it is (immutable), the open chunk as a snapshot iterator the
     * caller re-encodes; null when no chunk starts there (truncated meanwhile).
     */
    synchronized Object chunkStartingAt(long firstT) {
        for (XorChunk c : cut) {
            // lastTimestamp is a field, firstTimestamp a varint decode: test the cheap one first.
            if (c.lastTimestamp() >= firstT) {
                return c.firstTimestamp() == firstT ? c : null;
            }
        }
        if (open != null && open.numSamples() > 0 && open.firstTimestamp() == firstT) {
            return open.snapshotIterator(null);
        }
        return null;
    }

    /** The chunk iterators of one series at one moment, oldest first. */
    /**
     * Iterators over the chunks of a series as they were when the snapshot was taken. The first
     * {@link #iterators()} hands out these; later calls get fresh ones over the same captured bytes.
     */
    static final class Snapshot {
        private final XorIterator[] chunks;
        private boolean used;

        Snapshot(XorIterator[] chunks) {
            this.chunks = chunks;
        }

        SampleIterator[] iterators() {
            if (!used) {
                used = true;
                return chunks;
            }
            SampleIterator[] fresh = new SampleIterator[chunks.length];
            for (int i = 0; i < chunks.length; i++) {
                fresh[i] = chunks[i].rewound();
            }
            return fresh;
        }
    }
}
