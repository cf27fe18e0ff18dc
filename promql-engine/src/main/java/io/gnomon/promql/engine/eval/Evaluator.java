package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.BinaryOp;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.DurationExpr;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.NumberLiteral;
import io.gnomon.promql.ast.OffsetModifier;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.StringLiteral;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.promql.engine.value.Scalar;
import io.gnomon.promql.engine.value.StringValue;
import io.gnomon.promql.engine.value.Value;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Evaluates one parsed query over a {@link Queryable}, every node for all steps of its
 * {@link Grid} at once (as Prometheus's range evaluation does), on primitive columns.
 *
 * <p>Node results are one of: {@code double[]} (a scalar per step), {@link String},
 * {@code List<StepSeries>} (an instant vector over the grid) or {@link RangeMatrix}.
 * Sub-trees that do not depend on the step ({@code @}-pinned selectors, literals) are
 * evaluated once and replicated, Prometheus's step-invariant optimisation.
 */
public final class Evaluator {
    private final Queryable db;
    final EvalContext ctx;
    private final List<Querier> queriers = new ArrayList<>();

    private Evaluator(Queryable db, EvalContext ctx) {
        this.db = db;
        this.ctx = ctx;
    }

    /** What a query returns to the engine: value and annotations. */
    /**
     * @param evalNanos time evaluating the expression; {@code resultNanos} turning it into the value
     */
    public record Outcome(Value value, List<Annotation> warnings, List<Annotation> infos, long evalNanos, long resultNanos,
                          long queryableSamples, long peakSamples) {
    }

    /**
     * Evaluates {@code expr} (the parse of {@code query}) at {@code start..end} every {@code step}
     * milliseconds; {@code step == 0} is an instant query at {@code start}.
     */
    public static Outcome evaluate(Queryable db, String query, Expr expr, long start, long end, long step,
            QueryOptions options, BooleanSupplier canceled) {
        EvalContext ctx = new EvalContext(query, options, start, end, step, canceled);
        Evaluator ev = new Evaluator(db, ctx);
        try {
            Grid g = Grid.of(start, end, step);
            long t0 = System.nanoTime();
            Object r = ev.eval(expr, g);
            long t1 = System.nanoTime();
            Value v = ev.toValue(r, g, step == 0);
            ctx.flushForcedMonotonicity();
            return new Outcome(v, ctx.warnings, ctx.infos, t1 - t0, System.nanoTime() - t1,
                ctx.queryableSamples(), ctx.peakSamples());
        } finally {
            for (Querier q : ev.queriers) {
                q.close();
            }
        }
    }

    // ---------------------------------------------------------------- result conversion

    private Value toValue(Object r, Grid g, boolean instant) {
        if (r instanceof String s) {
            if (!instant) {
                throw QueryException.badData("invalid expression type \"string\" for range query, must be Scalar or instant Vector", null);
            }
            return new StringValue(g.start(), s);
        }
        if (r instanceof double[] d) {
            if (instant) {
                return new Scalar(g.start(), d[0]);
            }
            long[] ts = new long[g.n()];
            for (int i = 0; i < g.n(); i++) {
                ts[i] = g.t(i);
            }
            return new Matrix(List.of(new Matrix.Series(Labels.EMPTY, ts, d.clone(), g.n())));
        }
        if (r instanceof RangeMatrix rm) {
            if (!instant) {
                throw QueryException.badData("invalid expression type \"range vector\" for range query, must be Scalar or instant Vector", null);
            }
            List<Matrix.Series> out = new ArrayList<>();
            long end = rm.windowEnd(g.start());
            long startT = end - rm.rangeMs();
            for (RangeSeries s : rm.materialize()) {
                int lo = lowerBound(s.t, s.n, startT + 1);
                int hi = lowerBound(s.t, s.n, end + 1);
                if (hi > lo) {
                    out.add(new Matrix.Series(s.labels, Arrays.copyOfRange(s.t, lo, hi), Arrays.copyOfRange(s.v, lo, hi), hi - lo));
                }
            }
            out.sort((a, b) -> a.labels().compareTo(b.labels()));
            return new Matrix(out);
        }
        @SuppressWarnings("unchecked")
        List<StepSeries> ss = (List<StepSeries>) r;
        for (StepSeries s : ss) {
            if (s.dropName) {
                s.labels = dropMetricName(s.labels);
            }
        }
        if (instant) {
            int n = 0;
            for (StepSeries s : ss) {
                if (s.has(0)) {
                    n++;
                }
            }
            Labels[] ls = new Labels[n];
            long[] ts = new long[n];
            double[] vs = new double[n];
            int k = 0;
            java.util.HashSet<Labels> seen = new java.util.HashSet<>();
            for (StepSeries s : ss) {
                if (s.has(0)) {
                    if (!seen.add(s.labels)) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                    ls[k] = s.labels;
                    ts[k] = g.start();
                    vs[k++] = s.v[0];
                }
            }
            return new Vector(ls, ts, vs, n);
        }
        Map<Labels, List<StepSeries>> byLabels = new HashMap<>();
        List<Labels> order = new ArrayList<>();
        for (StepSeries s : ss) {
            if (s.isEmpty()) {
                continue;
            }
            List<StepSeries> l = byLabels.get(s.labels);
            if (l == null) {
                l = new ArrayList<>(1);
                byLabels.put(s.labels, l);
                order.add(s.labels);
            }
            l.add(s);
        }
        order.sort(Labels::compareTo);
        List<Matrix.Series> out = new ArrayList<>(order.size());
        for (Labels l : order) {
            List<StepSeries> group = byLabels.get(l);
            int c = 0;
            for (int i = 0; i < g.n(); i++) {
                int here = 0;
                for (StepSeries s : group) {
                    if (s.has(i)) {
                        here++;
                    }
                }
                if (here > 1) {
                    throw QueryException.execution("vector cannot contain metrics with the same labelset");
                }
                c += here;
            }
            long[] ts = new long[c];
            double[] vs = new double[c];
            int k = 0;
            for (int i = 0; i < g.n(); i++) {
                for (StepSeries s : group) {
                    if (s.has(i)) {
                        ts[k] = g.t(i);
                        vs[k++] = s.v[i];
                    }
                }
            }
            out.add(new Matrix.Series(l, ts, vs, c));
        }
        return new Matrix(out);
    }

    static Labels dropMetricName(Labels l) {
        if (!l.has(Labels.METRIC_NAME) && !l.has("__type__") && !l.has("__unit__")) {
            return l;
        }
        return l.toBuilder().del(Labels.METRIC_NAME, "__type__", "__unit__").build();
    }

    static int lowerBound(long[] t, int n, long x) {
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (t[mid] < x) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---------------------------------------------------------------- dispatch

    Object eval(Expr e, Grid g) {
        ctx.check("expression evaluation");
        if (e instanceof ParenExpr p) {
            return eval(p.expr(), g);
        }
        long mark = ctx.samples();
        Object r = g.n() > 1 && isStepInvariant(e) ? replicate(evalNode(e, g.single()), g) : evalNode(e, g);
        // --query.max-samples covers every node's result, not only what selectors load: the
        // result is counted while its inputs are still held (the peak), then the inputs are
        // released, as Prometheus accounts them. Selectors count their own result as they load.
        long own = resultSamples(r);
        boolean leaf = e instanceof VectorSelector || e instanceof MatrixSelector || e instanceof SubqueryExpr;
        if (!leaf) {
            ctx.addSamples(own);
        }
        ctx.resetSamples(mark + own);
        return r;
    }

    /** Samples a node's result holds: present points of vectors, materialized points of matrices. */
    private static long resultSamples(Object r) {
        long n = 0;
        if (r instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof StepSeries s) {
                    n += s.count();
                }
            }
        } else if (r instanceof RangeMatrix m && m.series() != null) {
            for (RangeSeries s : m.series()) {
                n += s.n;
            }
        }
        return n;
    }

    private Object evalNode(Expr e, Grid g) {
        if (e instanceof ParenExpr p) {
            return eval(p.expr(), g);
        }
        if (e instanceof NumberLiteral n) {
            double[] d = new double[g.n()];
            Arrays.fill(d, n.value());
            return d;
        }
        if (e instanceof StringLiteral s) {
            return s.value();
        }
        if (e instanceof VectorSelector vs) {
            return selectVector(vs, g, false);
        }
        if (e instanceof MatrixSelector ms) {
            return selectMatrix(ms, g);
        }
        if (e instanceof SubqueryExpr sq) {
            return subquery(sq, g);
        }
        if (e instanceof UnaryExpr u) {
            Object v = eval(u.expr(), g);
            if (u.op() != BinaryOp.SUB) {
                return v;
            }
            if (v instanceof double[] d) {
                double[] out = new double[d.length];
                for (int i = 0; i < d.length; i++) {
                    out[i] = -d[i];
                }
                return out;
            }
            List<StepSeries> in = asVector(v);
            List<StepSeries> out = new ArrayList<>(in.size());
            for (StepSeries s : in) {
                StepSeries o = new StepSeries(s.labels, g.n(), true);
                for (int i = 0; i < g.n(); i++) {
                    if (s.has(i)) {
                        o.set(i, -s.v[i]);
                    }
                }
                out.add(o);
            }
            return out;
        }
        if (e instanceof BinaryExpr b) {
            return new BinaryOps(this).eval(b, g);
        }
        if (e instanceof AggregateExpr a) {
            return new Aggregations(this).eval(a, g);
        }
        if (e instanceof Call c) {
            return new FunctionCalls(this).eval(c, g);
        }
        if (e instanceof DurationExpr d) {
            double[] out = new double[g.n()];
            Arrays.fill(out, durationSeconds(d));
            return out;
        }
        throw QueryException.internal("unknown expression node " + e.getClass().getSimpleName(), null);
    }

    @SuppressWarnings("unchecked")
    static List<StepSeries> asVector(Object v) {
        return (List<StepSeries>) v;
    }

    private static Object replicate(Object r, Grid g) {
        if (r instanceof double[] d) {
            double[] out = new double[g.n()];
            Arrays.fill(out, d[0]);
            return out;
        }
        if (r instanceof List<?>) {
            List<StepSeries> in = asVector(r);
            List<StepSeries> out = new ArrayList<>(in.size());
            for (StepSeries s : in) {
                if (!s.has(0)) {
                    continue;
                }
                StepSeries o = new StepSeries(s.labels, g.n(), s.dropName);
                for (int i = 0; i < g.n(); i++) {
                    o.set(i, s.v[0]);
                }
                out.add(o);
            }
            return out;
        }
        return r;
    }

    /** Prometheus's {@code preprocessExpr}: true when the value does not depend on the step time. */
    static boolean isStepInvariant(Expr e) {
        if (e instanceof NumberLiteral || e instanceof StringLiteral) {
            return true;
        }
        if (e instanceof ParenExpr p) {
            return isStepInvariant(p.expr());
        }
        if (e instanceof VectorSelector vs) {
            return vs.at().isSet();
        }
        if (e instanceof MatrixSelector ms) {
            return ms.selector().at().isSet();
        }
        if (e instanceof SubqueryExpr sq) {
            return sq.at().isSet();
        }
        if (e instanceof UnaryExpr u) {
            return isStepInvariant(u.expr());
        }
        if (e instanceof BinaryExpr b) {
            return isStepInvariant(b.lhs()) && isStepInvariant(b.rhs());
        }
        if (e instanceof AggregateExpr a) {
            return isStepInvariant(a.expr()) && (a.param() == null || isStepInvariant(a.param()));
        }
        if (e instanceof Call c) {
            switch (c.function().name()) {
                case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
                        "predict_linear", "time", "timestamp", "start", "end", "step", "range" -> {
                    return false;
                }
                default -> {
                }
            }
            if (c.args().isEmpty()) {
                return false;
            }
            for (Expr a : c.args()) {
                if (!isStepInvariant(a)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- durations, @ and offset

    double durationSeconds(Expr e) {
        if (e instanceof NumberLiteral n) {
            return n.value();
        }
        if (e instanceof ParenExpr p) {
            return durationSeconds(p.expr());
        }
        if (e instanceof UnaryExpr u) {
            double v = durationSeconds(u.expr());
            return u.op() == BinaryOp.SUB ? -v : v;
        }
        if (e instanceof DurationExpr d) {
            switch (d.op()) {
                case STEP:
                    return ctx.queryStep / 1000.0;
                case RANGE:
                    return (ctx.queryEnd - ctx.queryStart) / 1000.0;
                case MIN_OF:
                    return Math.min(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
                case MAX_OF:
                    return Math.max(durationSeconds(d.lhs()), durationSeconds(d.rhs()));
                default:
                    break;
            }
            double r = durationSeconds(d.rhs());
            if (d.lhs() == null) {
                return d.op() == DurationExpr.Op.SUB ? -r : r;
            }
            double l = durationSeconds(d.lhs());
            return switch (d.op()) {
                case ADD -> l + r;
                case SUB -> l - r;
                case MUL -> l * r;
                case DIV -> l / r;
                case MOD -> l % r;
                case POW -> Math.pow(l, r);
                default -> throw QueryException.internal("unknown duration op " + d.op(), null);
            };
        }
        throw QueryException.badData("invalid duration expression", null);
    }

    long durationMs(java.time.Duration fixed, Expr expr) {
        if (expr != null) {
            return Math.round(durationSeconds(expr) * 1000.0);
        }
        return fixed == null ? 0 : fixed.toMillis();
    }

    long offsetMs(OffsetModifier o) {
        return durationMs(o.duration(), o.expr());
    }

    Long atMs(AtModifier at) {
        return switch (at.kind()) {
            case NONE -> null;
            case TIMESTAMP -> at.timestampMillis();
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
        };
    }

    // ---------------------------------------------------------------- storage access

    private Matcher[] matchers(VectorSelector vs) {
        return io.gnomon.promql.engine.Selectors.matchers(vs);
    }

    SeriesSet select(VectorSelector vs, long mint, long maxt) {
        Querier q = db.querier(mint, maxt);
        queriers.add(q);
        // Sorted, as Prometheus's merge of head and blocks yields them: results and group order follow label order.
        return q.select(true, SelectHints.range(mint, maxt), matchers(vs));
    }

    /**
     * An instant vector selector over the grid: per step the newest sample in
     * {@code (ts - lookback, ts]}, none if that sample is a stale marker. Streams each series'
     * samples once against the increasing step times. With {@code timestamps} the value is the
     * sample's timestamp in seconds (for {@code timestamp()}).
     */
    List<StepSeries> selectVector(VectorSelector vs, Grid g, boolean timestamps) {
        return selectVector(vs, g, timestamps ? SELECT_TIMESTAMPS : SELECT_VALUES);
    }

    /** {@link #selectVector(VectorSelector, Grid, int)}: the samples' values. */
    static final int SELECT_VALUES = 0;
    /** {@link #selectVector(VectorSelector, Grid, int)}: the samples' timestamps in seconds ({@code timestamp()}). */
    static final int SELECT_TIMESTAMPS = 1;
    /**
     * {@link #selectVector(VectorSelector, Grid, int)}: the samples' start timestamps in seconds,
     * 0 for a sample without one ({@code start_timestamp()}).
     */
    static final int SELECT_START_TIMESTAMPS = 2;

    /** As {@link #selectVector(VectorSelector, Grid, boolean)}, returning what {@code what} names per selected sample. */
    List<StepSeries> selectVector(VectorSelector vs, Grid g, int what) {
        boolean timestamps = what != SELECT_VALUES;
        if (vs.smoothed() && !timestamps) {
            return smoothVector(vs, g);
        }
        long lookback = ctx.options.lookbackDelta().toMillis();
        long offset = offsetMs(vs.offset());
        Long at = atMs(vs.at());
        long first = (at != null ? at : g.start()) - offset;
        long last = (at != null ? at : g.end()) - offset;
        SeriesSet set = select(vs, first - lookback + 1, last);
        List<StepSeries> out = new ArrayList<>();
        SampleIterator it = null;
        while (set.next()) {
            ctx.check("series selection");
            Series s = set.at();
            it = s.iterator(it);
            StepSeries o = new StepSeries(s.labels(), g.n(), false);
            boolean pending = false;
            boolean done = false;
            boolean haveLast = false;
            boolean started = false;
            long pt = 0;
            double pv = 0;
            long pst = 0;
            long lt = 0;
            double lv = 0;
            long lst = 0;
            int count = 0;
            for (int i = 0; i < g.n(); i++) {
                long ts = (at != null ? at : g.t(i)) - offset;
                while (true) {
                    if (!pending) {
                        if (done) {
                            break;
                        }
                        ValueType vt = started ? it.next() : it.seek(first - lookback + 1);
                        started = true;
                        if (vt == ValueType.NONE) {
                            done = true;
                            break;
                        }
                        if (vt != ValueType.FLOAT) {
                            continue; // native histograms: their own issue
                        }
                        pt = it.atT();
                        pv = it.atV();
                        if (what == SELECT_START_TIMESTAMPS) {
                            pst = it.atST();
                        }
                        pending = true;
                    }
                    if (pt <= ts) {
                        lt = pt;
                        lv = pv;
                        lst = pst;
                        haveLast = true;
                        pending = false;
                    } else {
                        break;
                    }
                }
                if (haveLast && lt > ts - lookback && !StaleNaN.is(lv)) {
                    o.set(i, what == SELECT_TIMESTAMPS ? lt / 1000.0 : what == SELECT_START_TIMESTAMPS ? lst / 1000.0 : lv);
                    count++;
                }
            }
            if (count > 0) {
                ctx.addSamples(count);
                ctx.countQueryable(count);
                out.add(o);
            }
        }
        checkErr(set.err());
        return out;
    }

    /**
     * A {@code smoothed} instant selector: per step the value linearly interpolated between the
     * samples around the step time within one lookback delta either side (the sample at the time
     * itself if there is one, the last earlier one if none comes after).
     */
    private List<StepSeries> smoothVector(VectorSelector vs, Grid g) {
        long lb = ctx.options.lookbackDelta().toMillis();
        RangeMatrix rm = selectMatrix(new MatrixSelector(vs, java.time.Duration.ZERO, null, vs.pos()), g, lb, lb);
        List<StepSeries> out = new ArrayList<>();
        for (RangeSeries s : rm.materialize()) {
            StepSeries o = new StepSeries(s.labels, g.n(), false);
            for (int i = 0; i < g.n(); i++) {
                long data = rm.windowEnd(g.t(i));
                int lo = lowerBound(s.t, s.n, data - lb + 1);
                int hi = lowerBound(s.t, s.n, data + lb + 1);
                if (hi <= lo) {
                    continue;
                }
                int k = lowerBound(s.t, s.n, data);
                if (k < hi && s.t[k] == data) {
                    o.set(i, s.v[k]);
                } else if (k > lo && k < hi) {
                    o.set(i, s.v[k - 1] + (s.v[k] - s.v[k - 1]) * (double) (data - s.t[k - 1]) / (double) (s.t[k] - s.t[k - 1]));
                } else if (k > lo) {
                    o.set(i, s.v[k - 1]);
                }
            }
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    private static void checkErr(Throwable t) {
        if (t != null) {
            throw QueryException.internal("storage error: " + t.getMessage(), t);
        }
    }

    /** Loads the samples of a matrix selector for all steps: {@code (first - range, last]}. */
    RangeMatrix selectMatrix(MatrixSelector ms, Grid g) {
        return selectMatrix(ms, g, 0, 0);
    }

    /** As above, also loading {@code before} ms before and {@code after} ms after (anchored, smoothed). */
    RangeMatrix selectMatrix(MatrixSelector ms, Grid g, long before, long after) {
        return selectMatrix(ms, g, before, after, false);
    }

    /** As above; with {@code withStarts} the samples' start timestamps are loaded too ({@link RangeSeries#starts()}). */
    RangeMatrix selectMatrix(MatrixSelector ms, Grid g, long before, long after, boolean withStarts) {
        VectorSelector vs = ms.selector();
        long range = durationMs(ms.range(), ms.rangeExpr());
        long offset = offsetMs(vs.offset());
        Long at = atMs(vs.at());
        long first = (at != null ? at : g.start()) - offset;
        long last = (at != null ? at : g.end()) - offset;
        long mint = first - range + 1 - before;
        long maxt = last + after;
        java.util.function.Consumer<java.util.function.Consumer<RangeSeries>> source = consumer -> {
            SeriesSet set = select(vs, mint, maxt);
            SampleIterator it = null;
            RangeSeries r = new RangeSeries(Labels.EMPTY, 64);
            while (set.next()) {
                ctx.check("series selection");
                Series s = set.at();
                it = s.iterator(it);
                r.reset(s.labels());
                ValueType vt = it.seek(mint);
                if (withStarts) {
                    // Start timestamps are not part of the batch decode: step sample by sample.
                    while (vt != ValueType.NONE && it.atT() <= maxt) {
                        if (vt == ValueType.FLOAT && !StaleNaN.is(it.atV())) {
                            r.add(it.atT(), it.atV(), it.atST());
                        }
                        vt = it.next();
                    }
                } else if (vt != ValueType.NONE && it.atT() <= maxt) {
                    if (vt == ValueType.FLOAT && !StaleNaN.is(it.atV())) {
                        r.add(it.atT(), it.atV());
                    }
                    r.addRun(it, maxt);
                }
                checkErr(it.err());
                if (r.n > 0) {
                    ctx.addSamples(r.n);
                    ctx.countQueryable(at != null ? windowed(r.t, r.n, g.n(), range, first, 0)
                        : windowed(r.t, r.n, g.n(), range, first, g.step()));
                    consumer.accept(r);
                    ctx.releaseSamples(r.n);
                }
            }
            checkErr(set.err());
        };
        return new RangeMatrix(null, range, offset, at, ms, source);
    }

    /**
     * Samples that the {@code steps} windows {@code (end - range, end]} hold, with the first window
     * ending at {@code firstEnd} and each next one {@code step} later ({@code t} ascending): what
     * Prometheus counts as loaded, a sample once per window it falls in.
     */
    static long windowed(long[] t, int n, int steps, long range, long firstEnd, long step) {
        long total = 0;
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < steps; i++) {
            long end = firstEnd + i * step;
            while (hi < n && t[hi] <= end) {
                hi++;
            }
            while (lo < hi && t[lo] <= end - range) {
                lo++;
            }
            total += hi - lo;
        }
        return total;
    }

    /** Evaluates the inner expression on the subquery's own grid, aligned to multiples of its step. */
    RangeMatrix subquery(SubqueryExpr sq, Grid g) {
        long range = durationMs(sq.range(), sq.rangeExpr());
        long step = durationMs(sq.step(), sq.stepExpr());
        if (step == 0) {
            step = ctx.options.defaultSubqueryStep().toMillis();
        }
        long offset = offsetMs(sq.offset());
        Long at = atMs(sq.at());
        long first = (at != null ? at : g.start()) - offset;
        long last = (at != null ? at : g.end()) - offset;
        long start = step * ((first - range) / step);
        if (start <= first - range) {
            start += step;
        }
        List<RangeSeries> out = new ArrayList<>();
        if (start <= last) {
            Grid inner = Grid.of(start, last, step);
            // As in Prometheus, what the inner query loads is not counted; its windows below are.
            long loadedBefore = ctx.queryableSamples();
            Object r = eval(sq.expr(), inner);
            ctx.countQueryable(loadedBefore - ctx.queryableSamples());
            if (r instanceof double[]) {
                throw QueryException.badData("subquery is only allowed on instant vector, got scalar", null);
            }
            for (StepSeries s : asVector(r)) {
                RangeSeries rs = new RangeSeries(s.labels, s.count());
                rs.dropName = s.dropName;
                for (int i = 0; i < inner.n(); i++) {
                    if (s.has(i)) {
                        rs.add(inner.t(i), s.v[i]);
                    }
                }
                if (rs.n > 0) {
                    ctx.addSamples(rs.n);
                    ctx.countQueryable(at != null ? windowed(rs.t, rs.n, g.n(), range, first, 0)
                        : windowed(rs.t, rs.n, g.n(), range, first, g.step()));
                    out.add(rs);
                }
            }
        }
        return new RangeMatrix(out, range, offset, at, sq, null);
    }
}
