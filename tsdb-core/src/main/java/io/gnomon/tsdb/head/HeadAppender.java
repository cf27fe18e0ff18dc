package io.gnomon.tsdb.head;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Rejection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The head's write path: a batch in primitive arrays (series, timestamp, value bits), checked
 * early against committed state and appended to the series' chunks on {@link #commit()}.
 *
 * <p>Samples cost no object: the batch is three parallel arrays that grow by doubling. New series
 * are created (and indexed) as they are first seen, which Prometheus also does; they stay empty
 * when the batch is rolled back and are collected with the head later.
 */
final class HeadAppender implements Appender {

    private static final int INITIAL = 64;

    private final Head head;
    private final long chunkRange;
    private final long minValidTime;

    private MemSeries[] sSeries;
    private long[] sT;
    private long[] sV;
    /** Marks created-timestamp zeros, which are stored but are not the caller's samples; lazily allocated. */
    private boolean[] sCt;
    /**
     * Start timestamps of the samples (0: none); allocated with the batch's first sample that has
     * one, so batches without start timestamps carry no fourth array and log as before.
     */
    private long[] sSt;
    private int n;
    private MemSeries lastSeries;
    /**
     * Series -> index of its last sample in the batch, for series other than the tail; see
     * {@link #lastIndexOf}. Primitive values (no boxed index per run); MemSeries keeps Object's
     * identity equals and hashCode.
     */
    private org.agrona.collections.Object2IntHashMap<MemSeries> lastIndex;
    /** The ref {@link #lastSeries} was found by. */
    private long lastRef;
    /** Whether the last {@link #resolve} found the series by the caller's ref. */
    private boolean resolvedByRef;


    private List<MemSeries> exSeries;
    private List<Exemplar> exList;
    private List<MemSeries> mdSeries;
    private List<Metadata> mdList;

    private final long[] rejected = new long[Rejection.values().length];
    private Labels firstRejectedLabels;
    private Rejection firstRejection;
    private String firstDetail;
    private boolean done;

    /** {@link Head#collections()} when this appender was created. */
    private final long collectionsAtStart;

    HeadAppender(Head head) {
        this.head = head;
        this.collectionsAtStart = head.collections();
        this.chunkRange = head.options().chunkRange();
        this.minValidTime = head.minValidTime();
        BatchArrays b = head.batchArrays.take();
        if (b != null) {
            sSeries = b.series;
            sT = b.t;
            sV = b.v;
        } else {
            sSeries = new MemSeries[INITIAL];
            sT = new long[INITIAL];
            sV = new long[INITIAL];
        }
    }

    /**
     * The three batch arrays, handed back to the head's {@link BatchArrays.Pool} when a batch
     * ends so that the next appender starts at the size batches have (a 10k-sample batch grew
     * through eight copies of three arrays each time).
     */
    record BatchArrays(MemSeries[] series, long[] t, long[] v) {
        /** Arrays larger than this many entries are left to the GC, not kept. */
        static final int MAX_POOLED = 1 << 16;

        /** A few arrays sets, taken and returned without locks. */
        static final class Pool {
            private final BatchArrays[] slots = new BatchArrays[8];
            private static final java.lang.invoke.VarHandle SLOTS =
                java.lang.invoke.MethodHandles.arrayElementVarHandle(BatchArrays[].class);

            BatchArrays take() {
                for (int i = 0; i < slots.length; i++) {
                    if (slots[i] != null) {
                        BatchArrays b = (BatchArrays) SLOTS.getAndSet(slots, i, (BatchArrays) null);
                        if (b != null) {
                            return b;
                        }
                    }
                }
                return null;
            }

            void give(BatchArrays b) {
                for (int i = 0; i < slots.length; i++) {
                    if (slots[i] == null && SLOTS.compareAndSet(slots, i, (BatchArrays) null, b)) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public long append(long ref, Labels labels, long t, double v) {
        checkOpen();
        MemSeries s = resolve(ref, labels);
        if (s == null) {
            return 0;
        }
        if (t < minValidTime) {
            reject(Rejection.TOO_OLD, s.labels, "timestamp " + t);
            return s.ref();
        }
        // Out-of-order and duplicate checks happen once, under the series lock at commit: an
        // early check here would touch the series' cache lines a second time per sample
        // (measured: ~25% of the append cost with 100k series).
        if (n == sT.length) {
            int cap = n * 2;
            sSeries = Arrays.copyOf(sSeries, cap);
            sT = Arrays.copyOf(sT, cap);
            sV = Arrays.copyOf(sV, cap);
            if (sSt != null) {
                sSt = Arrays.copyOf(sSt, cap);
            }
        }
        if (lastIndex != null && n > 0 && sSeries[n - 1] != s) {
            lastIndex.put(sSeries[n - 1], n - 1); // the previous series' run ends here
        }
        sSeries[n] = s;
        sT[n] = t;
        sV[n] = Double.doubleToRawLongBits(v);
        n++;
        // Found by the caller's ref: answer it without reading the series (a cache miss per sample
        // when every sample is of another series).
        return resolvedByRef ? ref : s.ref();
    }

    @Override
    public long appendWithStartTimestamp(long ref, Labels labels, long st, long t, double v) {
        int before = n;
        long r = append(ref, labels, t, v);
        if (st != io.gnomon.tsdb.storage.SampleIterator.NO_START_TIMESTAMP && n > before) {
            if (sSt == null) {
                sSt = new long[sT.length];
            }
            sSt[n - 1] = st;
        }
        return r;
    }

    @Override
    public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
        checkOpen();
        MemSeries s = resolve(ref, labels);
        if (s == null) {
            return 0;
        }
        Rejection r = head.exemplars.validate(s.labels, exemplar);
        if (r != null) {
            reject(r, s.labels, "exemplar " + exemplar.labels() + " at " + exemplar.timestamp());
            return s.ref();
        }
        if (exList == null) {
            exList = new ArrayList<>();
            exSeries = new ArrayList<>();
        }
        exSeries.add(s);
        exList.add(exemplar);
        return s.ref();
    }

    /**
     * Metadata never creates a series: remote-write 1.0 sends it per metric family, whose name is
     * often no series' name (e.g. a histogram's family), which would leave an empty phantom series.
     * Metadata of a name that no series has yet is kept in memory only (the WAL records metadata
     * per series ref); it is logged once a series of that name reports it.
     */
    @Override
    public long updateMetadata(long ref, Labels labels, Metadata metadata) {
        checkOpen();
        MemSeries s = ref != 0 ? head.series.getByRef(ref) : null;
        if (s == null && labels != null && !labels.isEmpty()) {
            s = head.series.getByLabels(labels);
        }
        if (s == null) {
            if (labels != null) {
                head.putMetadata(labels, metadata);
            }
            return 0;
        }
        if (mdList == null) {
            mdList = new ArrayList<>();
            mdSeries = new ArrayList<>();
        }
        mdSeries.add(s);
        mdList.add(metadata);
        return s.ref();
    }

    /**
     * Queues a zero at {@code ct} when it is before {@code t}, not too old, and newer than both
     * the committed newest sample and this batch's newest sample of the series; otherwise does
     * nothing and counts nothing (see {@link Appender#appendCreatedTimestamp}). Such zeros are
     * stored and logged, but not counted in the batch's {@link AppendResult}: they are not the
     * caller's samples, and remote-write 2.0 reports written counts back to the sender.
     */
    @Override
    public long appendCreatedTimestamp(long ref, Labels labels, long t, long ct) {
        checkOpen();
        if (ct >= t || ct < minValidTime) {
            return ref;
        }
        MemSeries s = resolve(ref, labels);
        if (s == null) {
            return 0;
        }
        if (ct <= s.maxTime()) {
            return s.ref();
        }
        int last = lastIndexOf(s);
        if (last >= 0 && sT[last] >= ct) {
            return s.ref();
        }
        int before = n;
        long r = append(s.ref(), s.labels, ct, 0.0);
        if (n > before) {
            if (sCt == null || sCt.length < sT.length) {
                sCt = sCt == null ? new boolean[sT.length] : Arrays.copyOf(sCt, sT.length);
            }
            sCt[n - 1] = true;
        }
        return r;
    }

    /**
     * The index of the batch's last sample of {@code s}, or -1. Found without scanning the batch
     * (which made the first created timestamp of each new stream cost the whole batch, quadratic
     * in a large request): the tail series is the last entry; every other series' last entry is
     * recorded in {@link #lastIndex} when its run ends, which is built once, on first need.
     */
    private int lastIndexOf(MemSeries s) {
        if (n == 0) {
            return -1;
        }
        if (sSeries[n - 1] == s) {
            return n - 1;
        }
        if (lastIndex == null) {
            lastIndex = new org.agrona.collections.Object2IntHashMap<>(-1);
            for (int i = 0; i + 1 < n; i++) {
                if (sSeries[i] != sSeries[i + 1]) {
                    lastIndex.put(sSeries[i], i);
                }
            }
        }
        return lastIndex.getValue(s);
    }

    private MemSeries resolve(long ref, Labels labels) {
        resolvedByRef = false;
        if (ref != 0) {
            // Ingest appends the samples of one series back to back: skip the map for the repeats.
            MemSeries last = lastSeries;
            if (last != null && lastRef == ref) {
                resolvedByRef = true;
                return last;
            }
            MemSeries s = head.series.getByRef(ref);
            if (s != null) {
                lastSeries = s;
                lastRef = ref;
                resolvedByRef = true;
                return s;
            }
        }
        if (labels == null || labels.isEmpty()) {
            reject(Rejection.EMPTY_LABELS, Labels.EMPTY, null);
            return null;
        }
        return head.getOrCreate(labels);
    }

    private void reject(Rejection r, Labels labels, String detail) {
        rejected[r.ordinal()]++;
        if (firstRejection == null) {
            firstRejection = r;
            firstRejectedLabels = labels;
            firstDetail = detail;
        }
    }

    @Override
    public AppendResult commit() {
        checkOpen();
        done = true;
        int token = head.enterCommit();
        try {
            return commit((token & 2) != 0);
        } finally {
            head.exitCommit(token);
        }
    }

    private AppendResult commit(boolean pinning) {
        if (pinning) {
            pinAll();
        } else if ((collectionsAtStart & 1) != 0 || head.collections() != collectionsAtStart) {
            // A collection ran since this appender resolved its first series: some may be gone.
            replaceDead();
        }
        if (head.wal != null) {
            try {
                log();
            } catch (RuntimeException e) {
                if (pinning) {
                    unpinAll();
                }
                release();
                throw e;
            }
        }
        long appended = 0;
        long ctAppended = 0;
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int i = 0;
        int touched = 0;
        while (i < n) {
            if (i >= touched) {
                touched = touch(i);
            }
            MemSeries s = sSeries[i];
            // Consecutive samples of one series share one lock acquisition.
            synchronized (s) {
                // Read under the lock: a block being cut after the lower bound moved reads this
                // series under the same lock, so a sample is either in the block or refused here.
                long minValid = head.minValidTime();
                do {
                    long t = sT[i];
                    boolean ct = sCt != null && i < sCt.length && sCt[i];
                    int code = t < minValid ? Rejection.TOO_OLD.ordinal() + 1
                        : sSt == null ? s.append(t, Double.longBitsToDouble(sV[i]), chunkRange, head.startTimestamps)
                        : s.append(t, Double.longBitsToDouble(sV[i]), sSt[i], chunkRange, head.startTimestamps);
                    if (code < 0) {
                        if (ct) {
                            ctAppended++;
                        } else {
                            appended++;
                        }
                        if (t < mint) {
                            mint = t;
                        }
                        if (t > maxt) {
                            maxt = t;
                        }
                    } else if (code > 0 && !ct) {
                        // A created-timestamp zero that lost a race is skipped, never a rejection.
                        reject(Rejection.values()[code - 1], s.labels, "timestamp " + t);
                    }
                    i++;
                } while (i < n && sSeries[i] == s);
            }
            if (pinning) {
                s.unpin();
            }
        }
        long exAppended = 0;
        if (exList != null) {
            for (int k = 0; k < exList.size(); k++) {
                MemSeries s = exSeries.get(k);
                Rejection r = head.exemplars.add(s.labels, exList.get(k));
                if (r == null) {
                    exAppended++;
                } else {
                    reject(r, s.labels, "exemplar " + exList.get(k).labels());
                }
            }
        }
        if (mdList != null) {
            for (int k = 0; k < mdList.size(); k++) {
                head.putMetadata(mdSeries.get(k).labels, mdList.get(k));
            }
        }
        if (pinning) {
            unpinOthers();
        }
        if (appended + ctAppended > 0) {
            head.updateTimeBounds(mint, maxt);
            head.samplesAppended.add(appended + ctAppended);
        }
        head.exemplarsAppended.add(exAppended);
        head.countRejected(rejected);
        AppendResult result = new AppendResult(appended, exAppended, rejected, firstRejectedLabels, firstRejection, firstDetail);
        release();
        return result;
    }

    /**
     * Writes this batch to the WAL and waits until it is acknowledged (in the OS, so it survives
     * a process crash; fsynced too under the "always" policy). Samples that the commit may still
     * refuse (out of order within the batch) are logged too: replay refuses them the same way.
     *
     * @throws io.gnomon.wal.WalException when the log cannot be written: nothing is made visible
     */
    private void log() {
        var wal = head.wal;
        var enc = head.encoder();
        long last = -1;
        if (n > 0 || exList != null || mdList != null) {
            long[] prev = scratch(n);
            synchronized (head.walLock) {
                logNewSeries(enc);
                if (n > 0 && sSt != null) {
                    // Start timestamps need their own record; the whole batch goes into it so
                    // that each series' samples stay in one record, in order. Plain values: the
                    // series' XOR base becomes the logged value, as replay sets it.
                    enc.beginStSamples();
                    for (int i = 0; i < n; i++) {
                        MemSeries s = sSeries[i];
                        prev[i] = s.walLastBits;
                        enc.stSample(s.ref(), sT[i], Double.longBitsToDouble(sV[i]), sSt[i]);
                        s.walLastBits = sV[i];
                    }
                    try {
                        last = wal.submit(enc.buffer(), 0, enc.finish());
                    } catch (RuntimeException e) {
                        for (int i = n - 1; i >= 0; i--) {
                            sSeries[i].walLastBits = prev[i];
                        }
                        throw e;
                    }
                } else if (n > 0) {
                    enc.beginXorSamples();
                    for (int i = 0; i < n; i++) {
                        MemSeries s = sSeries[i];
                        prev[i] = s.walLastBits;
                        enc.xorSample(s.ref(), sT[i], sV[i] ^ s.walLastBits);
                        s.walLastBits = sV[i];
                    }
                    try {
                        last = wal.submit(enc.buffer(), 0, enc.finish());
                    } catch (RuntimeException e) {
                        // Not logged: the next record must XOR against the values before this one.
                        for (int i = n - 1; i >= 0; i--) {
                            sSeries[i].walLastBits = prev[i];
                        }
                        throw e;
                    }
                }
            }
        }
        if (exList != null) {
            enc.beginExemplars();
            for (int k = 0; k < exList.size(); k++) {
                Exemplar e = exList.get(k);
                enc.exemplar(exSeries.get(k).ref(), e.timestamp(), e.value(), e.labels());
            }
            last = wal.submit(enc.buffer(), 0, enc.finish());
        }
        if (mdList != null) {
            enc.beginMetadata();
            for (int k = 0; k < mdList.size(); k++) {
                Metadata m = mdList.get(k);
                MemSeries s = mdSeries.get(k);
                enc.metadata(s.ref(), s.labels.metricName(), m.type(), m.unit(), m.help());
            }
            last = wal.submit(enc.buffer(), 0, enc.finish());
        }
        if (last >= 0) {
            wal.await(last);
        }
    }

    private long[] scratch;

    /** Keeps {@link #touch}'s loads from being optimized away; never read for its value. */
    private int touchSink;

    /**
     * Loads the cache lines of the series in entries {@code [from, from + TOUCH_AHEAD)} (see
     * {@link MemSeries#touchAll}) so that their misses overlap; returns the end of that range.
     */
    private int touch(int from) {
        int to = Math.min(n, from + MemSeries.TOUCH_AHEAD);
        touchSink += MemSeries.touchAll(sSeries, from, to);
        return to;
    }

    /**
     * Pins every series this batch references (only while the head is collecting, see
     * {@link Head#enterCommit}; otherwise {@link #replaceDead} is enough) (see {@link MemSeries#pin}) so the head's collector
     * cannot drop one between the WAL record and the chunk append. A series collected since the
     * batch resolved it is replaced by the live series with its labels (created when needed, as a
     * new append would); metadata of a collected series with no live successor is kept in memory
     * only, as for a name no series has. Samples are pinned once per run of consecutive entries of
     * one series, the unit in which {@link #commit} applies and unpins them.
     */
    private void pinAll() {
        boolean retry = false;
        while (true) {
            if (retry) {
                replaceDead();
            }
            retry = true;
            int i = 0;
            boolean ok = true;
            while (i < n) {
                MemSeries s = sSeries[i];
                if (!s.pin()) {
                    ok = false;
                    break;
                }
                do {
                    i++;
                } while (i < n && sSeries[i] == s);
            }
            if (ok && pinList(exSeries) && pinList(mdSeries)) {
                return;
            }
            // Lost a race with the collector: undo and retry with the successors.
            unpinRuns(i);
            unpinOthersPartially();
        }
    }

    private int exPinned;
    private int mdPinned;

    private boolean pinList(List<MemSeries> list) {
        if (list == null) {
            return true;
        }
        int k = list == exSeries ? exPinned : mdPinned;
        for (; k < list.size(); k++) {
            if (!list.get(k).pin()) {
                if (list == exSeries) {
                    exPinned = k;
                } else {
                    mdPinned = k;
                }
                return false;
            }
        }
        if (list == exSeries) {
            exPinned = k;
        } else {
            mdPinned = k;
        }
        return true;
    }

    private void unpinRuns(int upTo) {
        int i = 0;
        while (i < upTo) {
            MemSeries s = sSeries[i];
            s.unpin();
            do {
                i++;
            } while (i < upTo && sSeries[i] == s);
        }
    }

    private void unpinOthersPartially() {
        for (int k = 0; k < exPinned; k++) {
            exSeries.get(k).unpin();
        }
        for (int k = 0; k < mdPinned; k++) {
            mdSeries.get(k).unpin();
        }
        exPinned = 0;
        mdPinned = 0;
    }

    /** Unpins the exemplar and metadata series after the commit applied them. */
    private void unpinOthers() {
        unpinOthersPartially();
    }

    /** Unpins everything after a failed log write. */
    private void unpinAll() {
        unpinRuns(n);
        unpinOthersPartially();
    }

    private void replaceDead() {
        for (int i = 0; i < n; i++) {
            MemSeries s = sSeries[i];
            if (i > 0 && s == sSeries[i - 1]) {
                continue; // one check per run of one series
            }
            if (s.dead()) {
                MemSeries live = head.getOrCreate(s.labels);
                for (int j = i; j < n; j++) {
                    if (sSeries[j] == s) {
                        sSeries[j] = live;
                    }
                }
                if (lastSeries == s) {
                    lastSeries = null;
                }
            }
        }
        if (exSeries != null) {
            for (int k = 0; k < exSeries.size(); k++) {
                if (exSeries.get(k).dead()) {
                    exSeries.set(k, head.getOrCreate(exSeries.get(k).labels));
                }
            }
        }
        if (mdSeries != null) {
            for (int k = mdSeries.size() - 1; k >= 0; k--) {
                MemSeries s = mdSeries.get(k);
                if (s.dead()) {
                    MemSeries live = head.series.getByLabels(s.labels);
                    if (live != null) {
                        mdSeries.set(k, live);
                    } else {
                        head.putMetadata(s.labels, mdList.get(k));
                        mdSeries.remove(k);
                        mdList.remove(k);
                    }
                }
            }
        }
    }

    /** Writes one SERIES record for the not-yet-logged series this batch references. Under walLock. */
    /** Logs the SERIES records of the batch's series that are not logged yet (see {@link Head#logNewSeries}). Under walLock. */
    private void logNewSeries(io.gnomon.tsdb.record.RecordEncoder enc) {
        head.logNewSeries(enc, each -> {
            MemSeries prev = null;
            for (int i = 0; i < n; i++) {
                MemSeries s = sSeries[i];
                if (s != prev) { // once per run of a series' samples (remote-write sends them together)
                    each.accept(s);
                    prev = s;
                }
            }
            if (exSeries != null) {
                exSeries.forEach(each);
            }
            if (mdSeries != null) {
                mdSeries.forEach(each);
            }
        });
    }

    private long[] scratch(int size) {
        if (scratch == null || scratch.length < size) {
            scratch = new long[size];
        }
        return scratch;
    }

    @Override
    public void rollback() {
        checkOpen();
        done = true;
        release();
    }

    private void release() {
        if (sSeries != null && sSeries.length <= BatchArrays.MAX_POOLED) {
            java.util.Arrays.fill(sSeries, 0, n, null); // the pool must not keep series alive
            head.batchArrays.give(new BatchArrays(sSeries, sT, sV));
        }
        lastIndex = null;
        sSeries = null;
        sT = null;
        sV = null;
        sCt = null;
        sSt = null;
        exList = null;
        exSeries = null;
        mdList = null;
        mdSeries = null;
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
    }
}
