package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.QueryOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What one query evaluation shares across nodes: options, the deadline and cancellation check,
 * the sample budget ({@code --query.max-samples}) and the annotations collected so far.
 * Single-threaded, like the evaluation itself.
 */
final class EvalContext {
    final String query;
    final QueryOptions options;
    final long queryStart;
    final long queryEnd;
    final long queryStep;
    private final long deadlineNanos;
    private final BooleanSupplier canceled;
    private long samples;
    private long peakSamples;
    private long queryableSamples;
    private int checks;
    private final Set<String> seen = new LinkedHashSet<>();
    final List<Annotation> warnings = new ArrayList<>();
    final List<Annotation> infos = new ArrayList<>();

    EvalContext(String query, QueryOptions options, long queryStart, long queryEnd, long queryStep,
            BooleanSupplier canceled) {
        this.query = query;
        this.options = options;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.queryStep = queryStep;
        this.deadlineNanos = System.nanoTime() + options.timeout().toNanos();
        this.canceled = canceled;
    }

    /** Counts samples held in memory; fails the query past {@code --query.max-samples}. */
    void addSamples(long n) {
        samples += n;
        if (samples > peakSamples) {
            peakSamples = samples;
        }
        if (samples > options.maxSamples()) {
            throw QueryException.tooManySamples();
        }
    }

    void releaseSamples(long n) {
        samples -= n;
    }

    long samples() {
        return samples;
    }

    /** Sets the samples held (after a node's inputs are released and its result counted). */
    void resetSamples(long n) {
        samples = n;
    }

    /** Samples loaded for the query's statistics (see {@code QueryStats}). */
    void countQueryable(long n) {
        queryableSamples += n;
    }

    long queryableSamples() {
        return queryableSamples;
    }

    long peakSamples() {
        return peakSamples;
    }

    /** Cheap enough to call per series: looks at the clock every 64th call. */
    void check(String where) {
        if ((checks++ & 63) != 0) {
            return;
        }
        checkNow(where);
    }

    void checkNow(String where) {
        if (canceled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw QueryException.canceled(where);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw QueryException.timeout(where);
        }
    }

    /** Per (message, position): min/max ts, min/max bucket, max diff, count; merged as Prometheus merges. */
    private final java.util.Map<String, double[]> monotonicity = new java.util.LinkedHashMap<>();
    private final java.util.Map<String, PosRange> monotonicityPos = new java.util.HashMap<>();

    /**
     * histogram_quantile's forced-monotonicity info. Prometheus merges these over the steps of a
     * query and reports the bucket range, the largest fix and the time range they cover.
     */
    void forcedMonotonicity(String message, PosRange pos, long ts, double minBucket, double maxBucket, double maxDiff) {
        String key = message + "\u0000" + pos;
        double[] m = monotonicity.get(key);
        if (m == null) {
            monotonicity.put(key, new double[] {ts, ts, minBucket, maxBucket, maxDiff, 1});
            monotonicityPos.put(key, pos);
            return;
        }
        m[0] = Math.min(m[0], ts);
        m[1] = Math.max(m[1], ts);
        m[2] = Math.min(m[2], minBucket);
        m[3] = Math.max(m[3], maxBucket);
        m[4] = Math.max(m[4], maxDiff);
        m[5]++;
    }

    /** Renders the merged forced-monotonicity infos; called once when the query finishes. */
    void flushForcedMonotonicity() {
        for (java.util.Map.Entry<String, double[]> e : monotonicity.entrySet()) {
            double[] m = e.getValue();
            String message = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
            String text = message + ", from buckets " + GoFormat.g(m[2]) + " to " + GoFormat.g(m[3]) + ", with a max diff of "
                    + GoFormat.g2(m[4]) + ", over " + (long) m[5] + " samples from " + rfc3339((long) m[0]) + " to "
                    + rfc3339((long) m[1]);
            info(text, monotonicityPos.get(e.getKey()));
        }
        monotonicity.clear();
    }

    private static String rfc3339(long ms) {
        return java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                java.time.Instant.ofEpochSecond(Math.floorDiv(ms, 1000)).atOffset(java.time.ZoneOffset.UTC)).replace("+00:00", "Z");
    }

    void warn(String message, PosRange pos) {
        add(Annotation.Kind.WARNING, message, pos);
    }

    void info(String message, PosRange pos) {
        add(Annotation.Kind.INFO, message, pos);
    }

    private void add(Annotation.Kind kind, String message, PosRange pos) {
        String p = pos == null || pos.start() < 0 ? null : pos.lineColumn(query);
        Annotation a = new Annotation(kind, message, p);
        if (seen.add(a.toString())) {
            (kind == Annotation.Kind.WARNING ? warnings : infos).add(a);
        }
    }
}
