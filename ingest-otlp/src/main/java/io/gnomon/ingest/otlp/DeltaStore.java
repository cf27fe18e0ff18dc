package io.gnomon.ingest.otlp;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delta-to-cumulative state: per OTLP stream (resource + scope + metric + attributes, hashed to
 * 64 bits) the running totals of the current cumulative run and where its last interval ended.
 *
 * <p>Rules, per data point with interval {@code (start, end]} (nanoseconds):
 * <ul>
 * <li>{@code start == previous end}: continues the run; the delta is added.
 * <li>{@code start > previous end} (a gap), a new stream, or changed histogram bounds: a new run
 *     starts at zero at {@code start}; PromQL sees a counter reset there, so {@code increase()}
 *     still counts every delta.
 * <li>{@code start < previous end}: overlaps what was already added; refused
 *     ({@link Reason#DELTA_OVERLAP}), nothing changes.
 * <li>{@code start == 0} (not sent): continues from the previous end when {@code end} is later.
 * </ul>
 * A new stream past {@code maxStreams} is refused ({@link Reason#DELTA_STREAM_LIMIT}); live
 * streams are never evicted to make room. Streams not written for the staleness period are
 * evicted by {@link #evictStale} and their series get a stale marker.
 *
 * <p>Restart: a stream seen for the first time looks up its stored cumulative series
 * ({@link SeriesLookup}); when the stored newest sample is at the new delta's start (ms), the run
 * continues from the stored values, so a restart is not a counter reset.
 *
 * <p>Threading: thread-safe. Each stream is updated under its own monitor. Callers record an
 * {@link Undo} and roll it back when their commit fails, so a failed request leaves no trace.
 *
 * <p>Memory (measured by {@code DeltaStoreMemoryTest}): a counter stream is one map entry, a
 * boxed key and a {@link CounterStream}; histogram streams add their bucket arrays.
 */
public final class DeltaStore {

    private final ConcurrentHashMap<Long, Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final int maxStreams;
    private final long stalenessMillis;
    private final SeriesLookup lookup;
    /** Bucket layouts shared by all histogram streams that use them (most streams share a few). */
    private final ConcurrentHashMap<Bounds, double[]> layouts = new ConcurrentHashMap<>();
    private static final int MAX_LAYOUTS = 10_000;

    private record Bounds(double[] v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bounds b && java.util.Arrays.equals(v, b.v);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(v);
        }
    }

    /** One shared copy of {@code bounds} (a private copy once too many layouts are known). */
    private double[] layout(double[] bounds) {
        Bounds k = new Bounds(bounds);
        double[] shared = layouts.get(k);
        if (shared != null) {
            return shared;
        }
        double[] copy = bounds.clone();
        if (layouts.size() >= MAX_LAYOUTS) {
            return copy;
        }
        shared = layouts.putIfAbsent(new Bounds(copy), copy);
        return shared == null ? copy : shared;
    }

    public DeltaStore(int maxStreams, long stalenessMillis, SeriesLookup lookup) {
        this.maxStreams = maxStreams;
        this.stalenessMillis = stalenessMillis;
        this.lookup = lookup == null ? SeriesLookup.NONE : lookup;
    }

    public int size() {
        return size.get();
    }

    public int maxStreams() {
        return maxStreams;
    }

    /** State of one stream. Guarded by its own monitor. */
    abstract static sealed class Stream permits CounterStream, HistogramStream {
        final long key;
        long endNanos;
        long lastSeenMillis;
        boolean evicted;

        Stream(long key) {
            this.key = key;
        }

        abstract long[] refs();
    }

    static final class CounterStream extends Stream {
        double total;
        long ref;

        CounterStream(long key) {
            super(key);
        }

        @Override
        long[] refs() {
            return new long[] {ref};
        }
    }

    static final class HistogramStream extends Stream {
        double[] bounds;
        /** Bucket counts (bounds.length + 1), then sum, then count. */
        double[] values;
        /** Series refs: buckets, sum, count. */
        long[] seriesRefs;

        HistogramStream(long key) {
            super(key);
        }

        @Override
        long[] refs() {
            return seriesRefs;
        }
    }

    /** What {@link #addSum} and {@link #addHistogram} decided. */
    public enum Status { CONTINUED, NEW_RUN, OVERLAP, LIMIT }

    /** Reversible changes of one request; {@link #rollback()} restores the state before it. */
    public final class Undo {
        private final List<Object[]> entries = new ArrayList<>();

        void changed(Stream s, boolean created, long endNanos, double total, double[] values, double[] bounds) {
            entries.add(new Object[] {s, created, endNanos, total, values, bounds});
        }

        public void clear() {
            entries.clear();
        }

        /** Restores every changed stream, newest change first; removes streams the request created. */
        public void rollback() {
            for (int i = entries.size() - 1; i >= 0; i--) {
                Object[] e = entries.get(i);
                Stream s = (Stream) e[0];
                if ((Boolean) e[1]) {
                    if (streams.remove(s.key, s)) {
                        size.decrementAndGet();
                    }
                    continue;
                }
                synchronized (s) {
                    s.endNanos = (Long) e[2];
                    if (s instanceof CounterStream c) {
                        c.total = (Double) e[3];
                    } else if (s instanceof HistogramStream h) {
                        h.values = (double[]) e[4];
                        h.bounds = (double[]) e[5];
                    }
                }
            }
            entries.clear();
        }
    }

    public Undo newUndo() {
        return new Undo();
    }

    /** Result of adding a delta sum: the status and, when accepted, the cumulative total. */
    public static final class SumResult {
        public Status status;
        public double total;
        /** Start of the run in ms when a new run began, for the created-timestamp zero. */
        public long runStartMillis;
        public long ref;
        CounterStream stream;

        /** Remembers the series ref so the stream can mark it stale later. */
        public void setRef(long ref) {
            if (stream != null && ref != 0) {
                synchronized (stream) {
                    stream.ref = ref;
                }
            }
        }
    }

    /**
     * Adds a delta sum point.
     *
     * @param labels the cumulative series, for the restart lookup
     */
    public void addSum(long key, Labels labels, long startNanos, long endNanos, double delta, long nowMillis,
                       Undo undo, SumResult out) {
        out.stream = null;
        Stream existing = streams.get(key);
        boolean created = false;
        CounterStream s;
        if (existing instanceof CounterStream c) {
            s = c;
        } else {
            if (existing != null) {
                // The same stream changed kind (a histogram became a sum): start over.
                remove(existing);
            }
            if (!reserve()) {
                out.status = Status.LIMIT;
                return;
            }
            s = new CounterStream(key);
            s.endNanos = Long.MIN_VALUE;
            long[] last = new long[2];
            if (lookup.last(labels, last) && !StaleNaN.is(Double.longBitsToDouble(last[1]))) {
                long startMs = Math.floorDiv(startNanos, 1_000_000L);
                if (startNanos != 0 && startMs < last[0]) {
                    size.decrementAndGet();
                    out.status = Status.OVERLAP;
                    return;
                }
                if (startNanos == 0 || startMs == last[0]) {
                    s.total = Double.longBitsToDouble(last[1]);
                    s.endNanos = startNanos == 0 ? last[0] * 1_000_000L : startNanos;
                }
            }
            Stream raced = streams.putIfAbsent(key, s);
            if (raced != null) {
                size.decrementAndGet();
                if (!(raced instanceof CounterStream rc)) {
                    out.status = Status.LIMIT;
                    return;
                }
                s = rc;
            } else {
                created = true;
            }
        }
        synchronized (s) {
            if (s.evicted) {
                // Evicted between lookup and lock: treat as a new stream.
                addSum(key, labels, startNanos, endNanos, delta, nowMillis, undo, out);
                return;
            }
            long start = startNanos == 0 ? (s.endNanos == Long.MIN_VALUE ? 0 : s.endNanos) : startNanos;
            if (s.endNanos != Long.MIN_VALUE && (start < s.endNanos || endNanos <= s.endNanos)) {
                out.status = Status.OVERLAP;
                return;
            }
            undo.changed(s, created, s.endNanos, s.total, null, null);
            if (s.endNanos == Long.MIN_VALUE || start > s.endNanos) {
                s.total = delta;
                out.status = Status.NEW_RUN;
                out.runStartMillis = start == 0 ? Long.MIN_VALUE : Math.floorDiv(start, 1_000_000L);
            } else {
                s.total += delta;
                out.status = Status.CONTINUED;
            }
            s.endNanos = endNanos;
            s.lastSeenMillis = nowMillis;
            out.total = s.total;
            out.ref = s.ref;
            out.stream = s;
        }
    }

    /** Result of adding a delta histogram: status and the cumulative buckets, sum and count. */
    public static final class HistogramResult {
        public Status status;
        /** Cumulative per-bucket counts (not yet cumulative over {@code le}), then sum, then count. */
        public double[] values;
        public long runStartMillis;
        public long[] refs;
        HistogramStream stream;

        public void setRefs(long[] refs) {
            if (stream != null) {
                synchronized (stream) {
                    stream.seriesRefs = refs;
                }
            }
        }
    }

    /**
     * Adds a delta histogram point: {@code counts} per bucket ({@code bounds.length + 1}), sum
     * and count.
     *
     * @param seriesLabels the cumulative series (buckets by {@code le}, then sum, then count) for the
     *                     restart lookup; computed only when needed
     */
    public void addHistogram(long key, java.util.function.Supplier<Labels[]> seriesLabels, long startNanos,
                             long endNanos, double[] bounds, double[] counts, double sum, double count,
                             long nowMillis, Undo undo, HistogramResult out) {
        out.stream = null;
        Stream existing = streams.get(key);
        boolean created = false;
        HistogramStream s;
        if (existing instanceof HistogramStream h) {
            s = h;
        } else {
            if (existing != null) {
                remove(existing);
            }
            if (!reserve()) {
                out.status = Status.LIMIT;
                return;
            }
            s = new HistogramStream(key);
            s.endNanos = Long.MIN_VALUE;
            double[] restored = restoreHistogram(seriesLabels.get(), bounds, startNanos);
            if (restored == OVERLAPPED) {
                size.decrementAndGet();
                out.status = Status.OVERLAP;
                return;
            }
            if (restored != null) {
                s.values = restored;
                s.bounds = layout(bounds);
                s.endNanos = startNanos;
            }
            Stream raced = streams.putIfAbsent(key, s);
            if (raced != null) {
                size.decrementAndGet();
                if (!(raced instanceof HistogramStream rh)) {
                    out.status = Status.LIMIT;
                    return;
                }
                s = rh;
            } else {
                created = true;
            }
        }
        synchronized (s) {
            if (s.evicted) {
                addHistogram(key, seriesLabels, startNanos, endNanos, bounds, counts, sum, count, nowMillis, undo, out);
                return;
            }
            long start = startNanos == 0 ? (s.endNanos == Long.MIN_VALUE ? 0 : s.endNanos) : startNanos;
            if (s.endNanos != Long.MIN_VALUE && (start < s.endNanos || endNanos <= s.endNanos)) {
                out.status = Status.OVERLAP;
                return;
            }
            undo.changed(s, created, s.endNanos, 0, s.values, s.bounds);
            double[] values = new double[counts.length + 2];
            boolean sameBounds = s.bounds != null && java.util.Arrays.equals(s.bounds, bounds);
            if (s.endNanos == Long.MIN_VALUE || start > s.endNanos || !sameBounds) {
                System.arraycopy(counts, 0, values, 0, counts.length);
                values[counts.length] = sum;
                values[counts.length + 1] = count;
                s.bounds = sameBounds ? s.bounds : layout(bounds);
                out.status = Status.NEW_RUN;
                out.runStartMillis = start == 0 ? Long.MIN_VALUE : Math.floorDiv(start, 1_000_000L);
            } else {
                double[] old = s.values;
                for (int i = 0; i < counts.length; i++) {
                    values[i] = old[i] + counts[i];
                }
                values[counts.length] = old[counts.length] + sum;
                values[counts.length + 1] = old[counts.length + 1] + count;
                out.status = Status.CONTINUED;
            }
            s.values = values;
            s.endNanos = endNanos;
            s.lastSeenMillis = nowMillis;
            out.values = values;
            out.refs = s.seriesRefs;
            out.stream = s;
        }
    }

    private static final double[] OVERLAPPED = new double[0];

    /**
     * Rebuilds a histogram run from its stored series: every bucket, sum and count must have a
     * (non-stale) newest sample at the same timestamp, equal to the delta's start.
     */
    private double[] restoreHistogram(Labels[] series, double[] bounds, long startNanos) {
        if (series == null || series.length != bounds.length + 3) {
            return null;
        }
        long[] last = new long[2];
        double[] cumulative = new double[series.length];
        long t = Long.MIN_VALUE;
        for (int i = 0; i < series.length; i++) {
            if (!lookup.last(series[i], last) || StaleNaN.is(Double.longBitsToDouble(last[1]))) {
                return null;
            }
            if (t != Long.MIN_VALUE && last[0] != t) {
                return null;
            }
            t = last[0];
            cumulative[i] = Double.longBitsToDouble(last[1]);
        }
        long startMs = Math.floorDiv(startNanos, 1_000_000L);
        if (startNanos == 0 || startMs > t) {
            return null;
        }
        if (startMs < t) {
            return OVERLAPPED;
        }
        // Stored buckets are cumulative over le; the state keeps per-bucket counts.
        int buckets = bounds.length + 1;
        double[] values = new double[buckets + 2];
        double prev = 0;
        for (int i = 0; i < buckets; i++) {
            values[i] = cumulative[i] - prev;
            prev = cumulative[i];
        }
        values[buckets] = cumulative[buckets];
        values[buckets + 1] = cumulative[buckets + 1];
        return values;
    }

    private boolean reserve() {
        while (true) {
            int n = size.get();
            if (n >= maxStreams) {
                return false;
            }
            if (size.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    private void remove(Stream s) {
        synchronized (s) {
            s.evicted = true;
        }
        if (streams.remove(s.key, s)) {
            size.decrementAndGet();
        }
    }

    /**
     * Evicts streams not written since {@code nowMillis - staleness} and appends a stale marker
     * to each of their series (at {@code now}, or just after the last sample if that is later).
     *
     * @return the number of streams evicted
     */
    public int evictStale(long nowMillis, Appendable storage) {
        long cutoff = nowMillis - stalenessMillis;
        List<Stream> evicted = new ArrayList<>();
        for (Iterator<Stream> it = streams.values().iterator(); it.hasNext(); ) {
            Stream s = it.next();
            synchronized (s) {
                if (s.lastSeenMillis >= cutoff || s.evicted) {
                    continue;
                }
                s.evicted = true;
            }
            if (streams.remove(s.key, s)) {
                size.decrementAndGet();
                evicted.add(s);
            }
        }
        if (evicted.isEmpty() || storage == null) {
            return evicted.size();
        }
        Appender app = storage.appender();
        boolean any = false;
        for (Stream s : evicted) {
            long[] refs = s.refs();
            if (refs == null) {
                continue;
            }
            long t = Math.max(nowMillis, Math.floorDiv(s.endNanos, 1_000_000L) + 1);
            for (long ref : refs) {
                if (ref != 0) {
                    app.append(ref, null, t, StaleNaN.VALUE);
                    any = true;
                }
            }
        }
        if (any) {
            app.commit();
        } else {
            app.rollback();
        }
        return evicted.size();
    }
}
