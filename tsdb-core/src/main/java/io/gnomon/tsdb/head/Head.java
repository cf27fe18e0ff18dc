package io.gnomon.tsdb.head;

import io.gnomon.tsdb.exemplar.ExemplarStorage;
import io.gnomon.tsdb.index.MemPostings;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.metrics.MetricSource;
import io.gnomon.tsdb.metrics.MetricWriter;
import io.gnomon.tsdb.record.RecordEncoder;
import io.gnomon.wal.Wal;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Rejection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The in-memory head of the database: the newest samples of every series, in XOR chunks, with
 * an inverted index, exemplars and metric metadata.
 *
 * <p>The head is split by concern: {@link StripeSeries} finds series, {@link MemSeries} holds
 * their chunks, {@link HeadAppender} is the write path, {@link HeadQuerier} and
 * {@link HeadIndexReader} the read path. This class wires them and owns the counters.
 *
 * <p>Thread-safe: any number of appenders and queriers run concurrently. Appends to one series
 * are serialised by that series' lock; everything else is lock-striped or lock-free.
 */
public final class Head implements Appendable, Queryable, MetricSource {

    private final HeadOptions options;
    /** The write-ahead log every commit goes through first; null for a memory-only head. */
    final Wal wal;
    /**
     * Serialises the encoding and queueing of samples records: each entry is XORed with its
     * series' previous logged value ({@link MemSeries#walLastBits}), so records must enter the log
     * in the order they were encoded. Held for the microseconds of encoding one commit.
     */
    final Object walLock = new Object();
    /**
     * Refs of series created but not yet logged; guarded by its own monitor, a leaf lock (taken
     * inside {@link #walLock} or a series stripe lock, never the other way round), so creating
     * a series does not wait for another commit to finish encoding its samples under walLock.
     * The first commit that references such a series removes it here and logs its SERIES entry
     * right before its samples, under walLock, so a series record always precedes every record
     * that uses it, and the series of one commit share one record (which LZ4 compresses well:
     * their labels repeat). A series a commit references was added here before the commit found
     * it (under the stripe lock that made it findable), so the commit cannot miss it.
     */
    final org.agrona.collections.LongHashSet unlogged = new org.agrona.collections.LongHashSet();
    /**
     * Logs one SERIES record for those of the series that {@code visit} hands out whose records
     * are not logged yet (each is then logged), before the caller logs a record naming them.
     * Under {@link #walLock}. {@code visit} may hand out a series more than once.
     */
    void logNewSeries(RecordEncoder enc, java.util.function.Consumer<java.util.function.Consumer<MemSeries>> visit) {
        enc.beginSeries();
        synchronized (unlogged) {
            if (!unlogged.isEmpty()) {
                visit.accept(s -> {
                    if (unlogged.remove(s.ref())) {
                        enc.series(s.ref(), s.labels);
                    }
                });
            }
        }
        if (enc.count() > 0) {
            wal.submit(enc.buffer(), 0, enc.finish());
        }
    }

    /** Batch arrays of ended appenders, for the next ones (see {@link HeadAppender.BatchArrays}). */
    final HeadAppender.BatchArrays.Pool batchArrays = new HeadAppender.BatchArrays.Pool();
    private final ThreadLocal<RecordEncoder> encoders = ThreadLocal.withInitial(RecordEncoder::new);
    final StripeSeries series = new StripeSeries();
    final MemPostings postings = new MemPostings();
    /** Start timestamps of the series that have any (see {@link StColumns}). */
    final StColumns startTimestamps = new StColumns();
    final ExemplarStorage exemplars;
    private final Map<String, Metadata> metadata = new ConcurrentHashMap<>();

    /** Lowest and highest sample timestamps committed; MAX/MIN when empty. */
    private final AtomicLong minTime = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong maxTime = new AtomicLong(Long.MIN_VALUE);
    /** Samples older than this are refused as out of bounds (moves when blocks are cut). */
    private volatile long minValidTime = Long.MIN_VALUE;

    final LongAdder samplesAppended = new LongAdder();
    final LongAdder exemplarsAppended = new LongAdder();
    final LongAdder seriesCreated = new LongAdder();
    private final LongAdder[] rejected = new LongAdder[Rejection.values().length];

    /** A memory-only head (tests, benchmarks): nothing survives the process. */
    public Head(HeadOptions options) {
        this(options, null);
    }

    /**
     * A head that logs every new series and every commit to {@code wal} before making it
     * visible. Replay the WAL with {@link HeadReplayer} before the first append.
     */
    public Head(HeadOptions options, Wal wal) {
        this.options = options;
        this.wal = wal;
        this.exemplars = new ExemplarStorage(options.maxExemplars());
        for (int i = 0; i < rejected.length; i++) {
            rejected[i] = new LongAdder();
        }
    }

    public HeadOptions options() {
        return options;
    }

    @Override
    public Appender appender() {
        return new HeadAppender(this);
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return new HeadQuerier(this, mint, maxt);
    }

    /** The exemplar store, for exemplar queries. */
    public ExemplarStorage exemplars() {
        return exemplars;
    }

    /** Number of chunks in the head (cut and open), counted now: O(series). */
    public long numChunks() {
        long[] n = new long[1];
        series.forEachPage((batch, k) -> {
            for (int i = 0; i < k; i++) {
                n[0] += batch[i].chunkCount();
            }
        });
        return n[0];
    }

    /** Number of series in the head. */
    public long numSeries() {
        return series.size();
    }

    /** Lowest committed timestamp, or Long.MAX_VALUE when empty. */
    public long minTime() {
        return minTime.get();
    }

    /** Highest committed timestamp, or Long.MIN_VALUE when empty. */
    public long maxTime() {
        return maxTime.get();
    }

    /** Samples older than this are refused (the end of the newest block cut from the head). */
    public long minValidTime() {
        return minValidTime;
    }

    /** Refuses samples older than {@code t} from now on (set when a block is cut). */
    public void setMinValidTime(long t) {
        minValidTime = t;
    }

    /** Number of ref pages allocated in the series table (memory-release tests). */
    int allocatedSeriesPages() {
        return series.allocatedPages();
    }

    /** What one {@link #truncate} did. */
    public record TruncateStats(long mint, long chunksRemoved, long seriesRemoved, long millis) {
    }

    private final Object truncateLock = new Object();

    /*
     * Commits and the collector meet without a per-series atomic in the common case. A commit
     * counts itself in the current phase's stripe ({@link #enterCommit}), then reads
     * {@link #collecting}: when false it uses no pins (its series cannot be collected before it
     * ends, see below) and only replaces series collected earlier; when true it pins every series
     * ({@link MemSeries#pin}). The collector sets {@code collecting}, flips the phase and waits
     * until every commit counted in the old phase has ended; only then does it collect. A commit
     * that read the old phase late counts itself after the flip and then reads
     * {@code collecting == true} (all these are volatile, hence ordered), so it pins. Cost per
     * commit: two uncontended atomics on a padded per-thread-hash stripe.
     */
    private static final int COMMIT_STRIPES = 64;
    private static final int PAD = 16; // longs per stripe: 128 bytes, one stripe per cache-line pair
    private final java.util.concurrent.atomic.AtomicLongArray[] inFlight = {
        new java.util.concurrent.atomic.AtomicLongArray(COMMIT_STRIPES * PAD),
        new java.util.concurrent.atomic.AtomicLongArray(COMMIT_STRIPES * PAD)};
    private volatile int phase;
    private volatile boolean collecting;
    /**
     * Collections begun plus collections ended: odd while one runs. An appender that read an even
     * value when it was created and reads the same value at commit knows that no series it
     * resolved can have been collected (every series collected before was unfindable by then), so
     * its commit skips {@link HeadAppender}'s pass over the batch that looks for collected series
     * (a cache miss per series).
     */
    private volatile long collections;

    /** See {@link #collections}. */
    long collections() {
        return collections;
    }

    /** Registers a commit; returns a token for {@link #exitCommit}: bit 1 set means "pin". */
    int enterCommit() {
        int p = phase;
        int stripe = (int) ((Thread.currentThread().getId() * 0x9E3779B97F4A7C15L) >>> 58) & (COMMIT_STRIPES - 1);
        inFlight[p].getAndIncrement(stripe * PAD);
        return p | (collecting ? 2 : 0) | (stripe << 2);
    }

    void exitCommit(int token) {
        inFlight[token & 1].getAndDecrement((token >>> 2) * PAD);
    }

    /** Makes new commits pin and waits until the commits that do not pin have ended. */
    private void beginCollection() {
        collections++; // only the truncation holding truncateLock writes it
        collecting = true;
        int old = phase;
        phase = old ^ 1;
        java.util.concurrent.atomic.AtomicLongArray counts = inFlight[old];
        for (int s = 0; s < COMMIT_STRIPES; s++) {
            while (counts.get(s * PAD) > 0) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }
    final LongAdder seriesRemoved = new LongAdder();
    final LongAdder chunksRemoved = new LongAdder();
    final LongAdder truncations = new LongAdder();

    /**
     * Drops everything before {@code mint} (the data is in a block now) and garbage-collects the
     * series left without data:
     * <ol>
     *   <li>the lower bound for appends moves to {@code mint} first, so no sample before it is
     *       accepted from now on (commits re-check it under the series lock);</li>
     *   <li>page by page of {@link StripeSeries} (4096 refs), each series drops the chunks that end
     *       before {@code mint} under its own lock (microseconds);</li>
     *   <li>commits that started without pinning are waited for (see {@link #enterCommit}); from
 *       here until the end new commits pin their series;</li>
 *   <li>a series with no chunk left, no commit in flight ({@link MemSeries#pin}) and no sample
     *       at or after {@code mint} is removed under its stripe lock: from then on no lookup finds
     *       it; an appender that still holds it moves to a new series with the same labels at
     *       commit. Its ref is never reused; live series keep their refs;</li>
     *   <li>the postings of all removed series are deleted in one pass at the end (new series can
     *       not be indexed during that pass, appends to existing series are not held up), and
     *       metadata of metric names left without a series is dropped.</li>
     * </ol>
     * No lock is held across pages, so appenders wait at most for one series' lock or one stripe.
     * Queries that captured chunks before keep them until they finish. Serialised with other
     * truncations; thread-safe otherwise.
     */
    public TruncateStats truncate(long mint) {
        synchronized (truncateLock) {
            long start = System.nanoTime();
            if (mint > minValidTime) {
                minValidTime = mint;
            }
            beginCollection();
            try {
                return collect(mint, start);
            } finally {
                collecting = false;
                collections++;
            }
        }
    }

    private TruncateStats collect(long mint, long start) {
        {
            long[] chunks = new long[1];
            org.agrona.collections.LongHashSet dead = new org.agrona.collections.LongHashSet();
            Map<String, java.util.Set<String>> pairs = new java.util.HashMap<>();
            java.util.Set<String> names = new java.util.HashSet<>();
            long[] pageDead = new long[4096];
            series.forEachPage((batch, n) -> {
                int k = 0;
                for (int i = 0; i < n; i++) {
                    MemSeries s = batch[i];
                    chunks[0] += s.truncateBefore(mint, startTimestamps);
                    if (s.maxTime() < mint && series.removeIfUnused(s, mint)) {
                        pageDead[k++] = s.ref();
                        dead.add(s.ref());
                        Labels l = s.labels;
                        for (int j = 0; j < l.size(); j++) {
                            pairs.computeIfAbsent(l.name(j), x -> new java.util.HashSet<>()).add(l.value(j));
                        }
                        names.add(l.metricName());
                    }
                }
                if (k > 0 && wal != null) {
                    synchronized (unlogged) {
                        for (int i = 0; i < k; i++) {
                            unlogged.remove(pageDead[i]);
                        }
                    }
                }
            });
            if (!dead.isEmpty()) {
                postings.deletePairs(dead::contains, pairs);
                for (String name : names) {
                    if (!name.isEmpty() && postings.postings(Labels.METRIC_NAME, name).next() == false) {
                        metadata.remove(name);
                    }
                }
            }
            long cur;
            while ((cur = minTime.get()) < mint && !minTime.compareAndSet(cur, mint)) {
                // retry
            }
            seriesRemoved.add(dead.size());
            truncations.increment();
            chunksRemoved.add(chunks[0]);
            return new TruncateStats(mint, chunks[0], dead.size(), (System.nanoTime() - start) / 1_000_000);
        }
    }

    /**
     * Deletes the samples in {@code [mint, maxt]} (inclusive) of the series matching
     * {@code matchers}. The head deletes eagerly (affected chunks are re-encoded without the
     * samples, see {@link MemSeries#deleteRange}) rather than keeping tombstones: its chunks are
     * short-lived and queries then need no tombstone check. The deletion is logged first (one
     * TOMBSTONES record), so replay deletes at the same point of the log; checkpoints keep it
     * while it reaches into the head. Samples committed concurrently with the call may or may not
     * be deleted. Returns the number of samples deleted.
     */
    public long delete(long mint, long maxt, io.gnomon.tsdb.labels.Matcher... matchers) {
        java.util.List<MemSeries> hit = new java.util.ArrayList<>();
        io.gnomon.tsdb.index.Postings p = io.gnomon.tsdb.index.PostingsForMatchers.postings(new HeadIndexReader(this), matchers);
        while (p.next()) {
            MemSeries s = series.getByRef(p.at());
            if (s != null && s.maxTime() >= mint && s.minTime() <= maxt && s.pin()) {
                hit.add(s);
            }
        }
        if (hit.isEmpty()) {
            return 0;
        }
        try {
            if (wal != null) {
                RecordEncoder enc = encoder();
                long last;
                synchronized (walLock) {
                    // A deletion record must not name a series whose SERIES record is not logged yet.
                    logNewSeries(enc, each -> hit.forEach(each));
                    enc.beginTombstones();
                    for (MemSeries s : hit) {
                        enc.tombstone(s.ref(), mint, maxt);
                    }
                    last = wal.submit(enc.buffer(), 0, enc.finish());
                }
                wal.await(last);
            }
            long deleted = 0;
            for (MemSeries s : hit) {
                deleted += s.deleteRange(mint, maxt, options.chunkRange(), startTimestamps);
            }
            return deleted;
        } finally {
            for (MemSeries s : hit) {
                s.unpin();
            }
        }
    }

    /** The head's inverted index (read-only use: status pages, block writers). */
    public MemPostings postings() {
        return postings;
    }

    /** Metadata by metric name, as last reported by any ingest path. */
    public Map<String, Metadata> metadata() {
        return metadata;
    }

    void putMetadata(Labels labels, Metadata m) {
        String name = labels.metricName();
        if (!name.isEmpty()) {
            metadata.put(name, m);
        }
    }

    /** The calling thread's record encoder (commits and series creation encode on their own thread). */
    RecordEncoder encoder() {
        return encoders.get();
    }

    /**
     * Creates or finds a series. A new series is indexed at once and marked {@link #unlogged};
     * the commit that first references it writes its series record.
     */
    MemSeries getOrCreate(Labels labels) {
        StripeSeries.Lookup l = series.getOrCreate(labels, s -> {
            postings.add(s.ref(), s.labels);
            if (wal != null) {
                synchronized (unlogged) {
                    unlogged.add(s.ref());
                }
            }
        });
        if (l.created()) {
            seriesCreated.increment();
        }
        return l.series();
    }

    void updateTimeBounds(long mint, long maxt) {
        long cur;
        while (mint < (cur = minTime.get()) && !minTime.compareAndSet(cur, mint)) {
            // retry
        }
        while (maxt > (cur = maxTime.get()) && !maxTime.compareAndSet(cur, maxt)) {
            // retry
        }
    }

    void countRejected(long[] byReason) {
        for (int i = 0; i < byReason.length; i++) {
            if (byReason[i] > 0) {
                rejected[i].add(byReason[i]);
            }
        }
    }

    /** Total rejections for a reason since start. */
    public long rejectedTotal(Rejection r) {
        return rejected[r.ordinal()].sum();
    }

    @Override
    public void writeMetrics(MetricWriter w) {
        w.family("gnomon_tsdb_head_series", "gauge", "Number of series in the head block.")
            .sample("gnomon_tsdb_head_series", series.size());
        w.family("gnomon_tsdb_head_series_created_total", "counter", "Series created in the head.")
            .sample("gnomon_tsdb_head_series_created_total", seriesCreated.sum());
        w.family("gnomon_tsdb_head_samples_appended_total", "counter", "Samples appended to the head.")
            .sample("gnomon_tsdb_head_samples_appended_total", samplesAppended.sum());
        w.family("gnomon_tsdb_rejected_samples_total", "counter", "Samples and exemplars refused by the head, by reason.");
        for (Rejection r : Rejection.values()) {
            w.sample("gnomon_tsdb_rejected_samples_total", rejected[r.ordinal()].sum(), "reason", r.name().toLowerCase(java.util.Locale.ROOT));
        }
        w.family("gnomon_tsdb_head_series_removed_total", "counter", "Series removed from the head by truncation.")
            .sample("gnomon_tsdb_head_series_removed_total", seriesRemoved.sum());
        w.family("gnomon_tsdb_head_chunks_removed_total", "counter", "Chunks removed from the head by truncation.")
            .sample("gnomon_tsdb_head_chunks_removed_total", chunksRemoved.sum());
        w.family("gnomon_tsdb_head_truncations_total", "counter", "Head truncations.")
            .sample("gnomon_tsdb_head_truncations_total", truncations.sum());
        w.family("gnomon_tsdb_exemplar_exemplars_appended_total", "counter", "Exemplars appended to the exemplar storage.")
            .sample("gnomon_tsdb_exemplar_exemplars_appended_total", exemplarsAppended.sum());
        w.family("gnomon_tsdb_exemplar_exemplars_in_storage", "gauge", "Exemplars currently held.")
            .sample("gnomon_tsdb_exemplar_exemplars_in_storage", exemplars.size());
        w.family("gnomon_tsdb_exemplar_max_exemplars", "gauge", "Capacity of the exemplar storage.")
            .sample("gnomon_tsdb_exemplar_max_exemplars", exemplars.capacity());
        long mint = minTime.get();
        long maxt = maxTime.get();
        w.family("gnomon_tsdb_head_min_time", "gauge", "Lowest timestamp in the head (ms).")
            .sample("gnomon_tsdb_head_min_time", mint == Long.MAX_VALUE ? 0 : mint);
        w.family("gnomon_tsdb_head_max_time", "gauge", "Highest timestamp in the head (ms).")
            .sample("gnomon_tsdb_head_max_time", maxt == Long.MIN_VALUE ? 0 : maxt);
    }
}
