package io.gnomon.tsdb.head;

import io.gnomon.tsdb.chunkenc.StSampleIterator;
import io.gnomon.tsdb.chunkenc.StStream;
import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunkenc.XorIterator;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Rejection;
import io.gnomon.tsdb.storage.SampleIterator;
import java.util.Arrays;

/**
 * One series in the head: its labels, its full (cut) chunks and its open chunk, which is the
 * series itself: it extends {@link XorChunk}, so the open chunk's encoder state sits in this
 * object and an append touches the series and the chunk's bytes only (with the state in a
 * separate object, a third cache line per sample when every sample is of another series; about
 * half the cost per sample, measured). A series without samples holds no chunk bytes.
 *
 * <p>Memory: this object (the open chunk's array reference and encoder state, ref, labels, the
 * cut-chunk array, the cut prediction, the newest timestamp, the pin count and the last logged
 * value) is 88 bytes with compressed oops, where the series and its open chunk were 48 + 48;
 * the newest value and the open chunk's first timestamp are read from the chunk rather than kept
 * twice. Samples live only inside the chunks' byte arrays, never as objects. Cut chunks are trimmed to their exact size. Start timestamps live in a {@link StColumn}
 * that only series with such samples have, kept in the head's {@link StColumns} beside the series,
 * so a series without start timestamps pays nothing for them (checked by
 * {@code HeadStartTimestampTest.memSeriesHasNoStartTimestampFieldAndColumnsAreDroppedWithTheirChunks}).
 *
 * <p>Thread-safety: every method that reads or writes chunks is {@code synchronized} on the
 * series. Appenders hold the lock for the few nanoseconds of one encode; readers hold it only to
 * take a {@link Snapshot} of the chunk list, then decode without it (chunks grow by copy, so a
 * snapshot's arrays never change under it).
 */
final class MemSeries extends XorChunk {

    /** Target number of samples per chunk, as Prometheus's {@code samplesPerChunk}. */
    static final int SAMPLES_PER_CHUNK = 120;

    private static final XorChunk[] NO_CHUNKS = new XorChunk[0];

    /** The series ref; below 2^31 (StripeSeries hands out no more), kept as an int to save 8 bytes. */
    private final int ref32;
    final Labels labels;

    /** Full chunks, oldest first; each is trimmed and never appended to again. */
    private XorChunk[] cut = NO_CHUNKS;
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
        super(0);
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
        if (hasOpen() || cut.length > 0 || maxT >= mint) {
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
    synchronized int truncateBefore(long mint, StColumns columns) {
        int from = 0;
        XorChunk[] cs = cut;
        while (from < cs.length && cs[from].lastTimestamp() < mint) {
            from++;
        }
        int dropped = from;
        if (from > 0) {
            cut = from == cs.length ? NO_CHUNKS : Arrays.copyOfRange(cs, from, cs.length);
        }
        if (hasOpen() && cut.length == 0 && maxT < mint) {
            clear();
            dropped++;
        }
        if (dropped > 0) {
            StColumn starts = columns.get(this);
            if (starts != null && !starts.retain(cut, hasOpen() ? this : null)) {
                columns.remove(this);
            }
        }
        return dropped;
    }

    /**
     * Loads, without the lock, the cache lines an append to this series touches (this object,
     * which can span two lines, and the open chunk's last bytes), for {@link HeadAppender}'s
     * commit to overlap the misses of a group of series before it appends to them one by one
     * under their locks (a locked instruction lets no later load start early, so misses taken
     * inside the appends come one after another). Returns a value of no meaning for the caller to
     * keep, so that the loads are not optimized away.
     */
    int touch() {
        return touchTail() + (int) nextAt + (cut == NO_CHUNKS ? 1 : 0);
    }

    /** Series {@link #touch}ed ahead of a loop of appends: their lines fit in L1 and L2 with room. */
    static final int TOUCH_AHEAD = 256;

    /**
     * {@link #touch}es the series in {@code batch[from, to)} (once per run of one series); returns
     * a value of no meaning for the caller to keep. Measured with 100k series, one sample each:
     * about 20% of the cost of the appends that follow.
     */
    static int touchAll(MemSeries[] batch, int from, int to) {
        int sink = 0;
        MemSeries prev = null;
        for (int k = from; k < to; k++) {
            MemSeries s = batch[k];
            if (s != prev && s != null) {
                sink += s.touch();
                prev = s;
            }
        }
        return sink;
    }

    /** Whether the open chunk (this) holds samples. */
    private boolean hasOpen() {
        return numSamples() > 0;
    }

    /**
     * Appends a committed sample. Returns -1 when appended, 0 when it repeats the newest sample
     * exactly (ignored), or the {@link Rejection} ordinal + 1 when refused. Under the lock.
     *
     * @param chunkRange the head's block range in ms; chunks never span a range boundary
     * @param columns the head's start-timestamp columns: a cut moves the open chunk's stream
     */
    int append(long t, double v, long chunkRange, StColumns columns) {
        long bits = Double.doubleToRawLongBits(v);
        long mt = maxT;
        int n = numSamples();
        if (t <= mt) {
            if (n == 0) {
                // Every chunk was truncated away: the series' newest sample is in a block.
                return Rejection.TOO_OLD.ordinal() + 1;
            }
            if (t < mt) {
                return Rejection.OUT_OF_ORDER.ordinal() + 1;
            }
            return bits == lastValueBits() ? 0 : Rejection.DUPLICATE.ordinal() + 1;
        }
        if (n == 0) {
            nextAt = rangeEnd(t, chunkRange);
        } else {
            if (n == SAMPLES_PER_CHUNK / 4) {
                nextAt = computeChunkEndTime(firstTimestamp(), mt, nextAt, 4);
            }
            if (t >= nextAt || n >= SAMPLES_PER_CHUNK * 2) {
                cutOpen(columns);
                nextAt = rangeEnd(t, chunkRange);
            }
        }
        append(t, v);
        MAX_T.setRelease(this, t);
        return -1;
    }

    /**
     * Appends a committed sample with its start timestamp {@code st} ({@code 0}: none), as
     * {@link #append(long, double, long, StColumns)}. The ST is recorded (in {@code columns}) only
     * when the sample is appended. Under the lock.
     */
    int append(long t, double v, long st, long chunkRange, StColumns columns) {
        int code = append(t, v, chunkRange, columns);
        if (code < 0 && st != SampleIterator.NO_START_TIMESTAMP) {
            // A sample without ST needs no entry: a stream's missing trailing entries mean "none".
            StStream s = columns.getOrCreate(this).getOrCreate(this);
            s.padTo(numSamples() - 1);
            s.append(t, st);
        }
        return code;
    }

    /** Moves the open chunk's samples (and start timestamps) into a new cut chunk. */
    private void cutOpen(StColumns columns) {
        XorChunk done = cutOff();
        cut = appendChunk(cut, done);
        StColumn starts = columns.get(this);
        if (starts != null) {
            starts.rekey(this, done);
        }
    }

    /** Bytes held by start-timestamp streams (0 for a series without start timestamps). */
    synchronized long startTimestampBytes(StColumns columns) {
        StColumn c = columns.get(this);
        return c == null ? 0 : c.bytes();
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
    synchronized int deleteRange(long mint, long maxt, long chunkRange, StColumns columns) {
        int deleted = 0;
        StColumn oldStarts = columns.get(this);
        StColumn newStarts = oldStarts == null ? null : new StColumn();
        java.util.ArrayList<XorChunk> kept = new java.util.ArrayList<>(cut.length);
        for (XorChunk c : cut) {
            StStream cs = oldStarts == null ? null : oldStarts.get(c);
            if (c.lastTimestamp() < mint || c.firstTimestamp() > maxt) {
                kept.add(c);
                if (cs != null) {
                    newStarts.put(c, cs);
                }
                continue;
            }
            XorChunk n = new XorChunk();
            StStream ns = cs == null ? null : new StStream();
            deleted += copyWithout(withStarts(c.iterator(null), cs), n, ns, mint, maxt);
            if (n.numSamples() > 0) {
                n.trim();
                kept.add(n);
                if (ns != null) {
                    ns.trim();
                    newStarts.put(n, ns);
                }
            }
        }
        if (deleted > 0 || kept.size() != cut.length) {
            cut = kept.toArray(NO_CHUNKS);
        }
        StStream os = oldStarts == null || !hasOpen() ? null : oldStarts.get(this);
        if (hasOpen() && lastTimestamp() >= mint && firstTimestamp() <= maxt) {
            XorChunk n = new XorChunk();
            StStream ns = os == null ? null : new StStream();
            deleted += copyWithout(withStarts(snapshotIterator(null), os), n, ns, mint, maxt);
            if (n.numSamples() > 0) {
                assign(n);
                nextAt = rangeEnd(firstTimestamp(), chunkRange);
                if (ns != null) {
                    newStarts.put(this, ns);
                }
            } else {
                clear();
            }
        } else if (os != null) {
            newStarts.put(this, os);
        }
        if (oldStarts != null) {
            if (newStarts.size() > 0) {
                columns.put(this, newStarts);
            } else {
                columns.remove(this);
            }
        }
        return deleted;
    }

    private static int copyWithout(SampleIterator it, XorChunk dst, StStream stDst, long mint, long maxt) {
        int deleted = 0;
        while (it.next() != io.gnomon.tsdb.storage.ValueType.NONE) {
            long t = it.atT();
            if (t >= mint && t <= maxt) {
                deleted++;
            } else {
                dst.append(t, it.atV());
                if (stDst != null) {
                    stDst.append(t, it.atST());
                }
            }
        }
        return deleted;
    }

    /** {@code it} with the start timestamps of {@code st}, or {@code it} itself when there are none. */
    private static SampleIterator withStarts(SampleIterator it, StStream st) {
        return st == null ? it : new StSampleIterator(it, st.reader());
    }

    /** The start-timestamp stream of chunk {@code c} in {@code starts} (may be null), or null. */
    private static StStream startsOf(StColumn starts, XorChunk c) {
        return starts == null ? null : starts.get(c);
    }

    /** Number of chunks, the open one included. */
    synchronized int chunkCount() {
        return cut.length + (hasOpen() ? 1 : 0);
    }

    /** Minimum timestamp held, or Long.MAX_VALUE when empty. */
    synchronized long minTime() {
        if (cut.length > 0) {
            return cut[0].firstTimestamp();
        }
        return hasOpen() ? firstTimestamp() : Long.MAX_VALUE;
    }

    /**
     * Captures the chunks that overlap {@code [mint, maxt]}; the snapshot stays valid while
     * appends continue. Returns null when none overlap.
     */
    synchronized Snapshot snapshot(long mint, long maxt, StColumns columns) {
        if ((!hasOpen() && cut.length == 0) || maxT < mint) { // under the lock: a plain read is current
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
        boolean withOpen = hasOpen() && (lastTimestamp() <= maxt || firstTimestamp() <= maxt);
        int n = (to - from) + (withOpen ? 1 : 0);
        if (n == 0) {
            return null;
        }
        XorIterator[] its = new XorIterator[n];
        StStream.Reader[] starts = null;
        StColumn column = columns.get(this);
        int k = 0;
        for (int i = from; i < to; i++) {
            StStream st = startsOf(column, cs[i]);
            if (st != null) {
                starts = starts == null ? new StStream.Reader[n] : starts;
                starts[k] = st.reader();
            }
            its[k++] = cs[i].snapshotIterator(null);
        }
        if (withOpen) {
            StStream st = startsOf(column, this);
            if (st != null) {
                starts = starts == null ? new StStream.Reader[n] : starts;
                starts[k] = st.reader();
            }
            its[k] = snapshotIterator(null);
        }
        return new Snapshot(its, starts);
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
        if (hasOpen() && lastTimestamp() >= mint && firstTimestamp() <= maxt) {
            out.add(new io.gnomon.tsdb.chunks.ChunkMeta(ref32, firstTimestamp(), lastTimestamp()));
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
        if (hasOpen() && firstTimestamp() == firstT) {
            return snapshotIterator(null);
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
        /** Start-timestamp readers per chunk (null entries: none); null when the series has none. */
        private final StStream.Reader[] starts;
        private boolean used;

        Snapshot(XorIterator[] chunks, StStream.Reader[] starts) {
            this.chunks = chunks;
            this.starts = starts;
        }

        SampleIterator[] iterators() {
            if (!used && starts == null) {
                used = true;
                return chunks;
            }
            SampleIterator[] fresh = new SampleIterator[chunks.length];
            for (int i = 0; i < chunks.length; i++) {
                XorIterator c = used ? chunks[i].rewound() : chunks[i];
                fresh[i] = starts == null || starts[i] == null ? c
                    : new StSampleIterator(c, used ? starts[i].rewound() : starts[i]);
            }
            used = true;
            return fresh;
        }
    }
}
