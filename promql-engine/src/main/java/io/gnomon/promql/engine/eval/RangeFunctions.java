package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.engine.QueryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Functions over range vectors. For each series the window {@code (end - range, end]} slides
 * forward with the steps as two indices into the series' primitive arrays; each function reads
 * {@code t[lo..hi)}, {@code v[lo..hi)} in place.
 */
final class RangeFunctions {
    private RangeFunctions() {
    }

    /** Marks "no output at this step"; a NaN payload no arithmetic produces. */
    private static final long ABSENT_BITS = 0x7ff4_0000_dead_beefL;
    private static final double ABSENT = Double.longBitsToDouble(ABSENT_BITS);

    private static boolean absent(double v) {
        return Double.doubleToRawLongBits(v) == ABSENT_BITS;
    }

    static Object eval(Evaluator ev, Call c, Grid g) {
        String name = c.function().name();
        int mi = 0;
        for (int i = 0; i < c.args().size(); i++) {
            if (c.args().get(i).type() == io.gnomon.promql.ast.ValueType.MATRIX) {
                mi = i;
            }
        }
        Expr marg = c.args().get(mi);
        if (FunctionCalls.unwrap(marg) instanceof MatrixSelector ms && (ms.selector().anchored() || ms.selector().smoothed())) {
            return ExtendedRange.eval(ev, c, ms, g);
        }
        double[][] scalars = new double[c.args().size()][];
        for (int i = 0; i < c.args().size(); i++) {
            if (i != mi) {
                scalars[i] = (double[]) ev.eval(c.args().get(i), g);
            }
        }
        // Start timestamps come only from storage: a subquery's points have none (Prometheus).
        boolean starts = ev.ctx.options.useStartTimestamps() && USES_STARTS.contains(name)
                && FunctionCalls.unwrap(marg) instanceof MatrixSelector;
        RangeMatrix rm = starts ? ev.selectMatrix((MatrixSelector) FunctionCalls.unwrap(marg), g, 0, 0, true)
                : (RangeMatrix) ev.eval(marg, g);
        if (name.equals("absent_over_time")) {
            boolean[] empty = new boolean[g.n()];
            Arrays.fill(empty, true);
            rm.forEach(s -> slide(rm, s, g, (lo, hi, i) -> {
                if (hi > lo) {
                    empty[i] = false;
                }
            }));
            return FunctionCalls.absentOf(marg, empty, g);
        }
        if (name.equals("quantile_over_time")) {
            for (int i = 0; i < g.n(); i++) {
                double q = scalars[0][i];
                if (q < 0 || q > 1 || Double.isNaN(q)) {
                    ev.ctx.warn("quantile value should be between 0 and 1, got " + GoFormat.g(q), c.args().get(0).pos());
                }
            }
        }
        boolean dropName = !name.equals("last_over_time") && !name.equals("first_over_time");
        boolean counterCheck = name.equals("rate") || name.equals("increase");
        List<StepSeries> out = new ArrayList<>();
        rm.forEach(s -> {
            ev.ctx.check("range function " + name);
            StepSeries o = new StepSeries(s.labels, g.n(), dropName || s.dropName);
            slide(rm, s, g, (lo, hi, i) -> {
                if (hi <= lo) {
                    return;
                }
                double v = apply(name, s, lo, hi, rm, g.t(i), scalars, i, ev, marg);
                if (!absent(v)) {
                    o.set(i, v);
                }
            });
            if (!o.isEmpty()) {
                if (counterCheck) {
                    String metric = s.labels.metricName();
                    if (!metric.isEmpty() && !metric.endsWith("_total") && !metric.endsWith("_sum")
                            && !metric.endsWith("_count") && !metric.endsWith("_bucket")) {
                        ev.ctx.info("metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \""
                                + metric + "\"", marg.pos());
                    }
                }
                out.add(o);
            }
        });
        return out;
    }

    /** The range functions that read start timestamps when {@code useStartTimestamps} is on. */
    private static final java.util.Set<String> USES_STARTS = java.util.Set.of("rate", "increase", "irate", "resets");

    interface WindowConsumer {
        void accept(int lo, int hi, int step);
    }

    /** Calls {@code f} with the index window of each step; indices only move forward. */
    static void slide(RangeMatrix rm, RangeSeries s, Grid g, WindowConsumer f) {
        int lo = 0;
        int hi = 0;
        long prevEnd = Long.MIN_VALUE;
        for (int i = 0; i < g.n(); i++) {
            long end = rm.windowEnd(g.t(i));
            long start = end - rm.rangeMs();
            if (end < prevEnd) {
                lo = 0;
                hi = 0;
            }
            prevEnd = end;
            while (lo < s.n && s.t[lo] <= start) {
                lo++;
            }
            if (hi < lo) {
                hi = lo;
            }
            while (hi < s.n && s.t[hi] <= end) {
                hi++;
            }
            f.accept(lo, hi, i);
        }
    }

    private static double apply(String name, RangeSeries s, int lo, int hi, RangeMatrix rm, long ts, double[][] sc, int i,
            Evaluator ev, Expr marg) {
        long[] t = s.t;
        double[] v = s.v;
        long[] st = s.starts();
        int n = hi - lo;
        switch (name) {
            case "rate":
            case "increase":
            case "delta": {
                boolean counter = !name.equals("delta");
                if (counter && st != null && overlaps(st, t, lo, hi)) {
                    ev.ctx.warn("sample has start time that overlaps with previous sample timestamp for metric "
                            + GoFormat.quote(s.labels.metricName()), marg.pos());
                }
                return extrapolatedRate(s, lo, hi, rm, ts, counter, name.equals("rate"));
            }
            case "irate":
            case "idelta": {
                if (n < 2) {
                    return ABSENT;
                }
                double last = v[hi - 1];
                double prev = v[hi - 2];
                boolean rate = name.equals("irate");
                boolean reset = rate && (last < prev
                        || st != null && startReset(st[hi - 2], t[hi - 2], st[hi - 1], t[hi - 1]));
                double r = reset ? last : last - prev;
                if (rate) {
                    long dt = t[hi - 1] - t[hi - 2];
                    if (dt == 0) {
                        return ABSENT;
                    }
                    r /= dt / 1000.0;
                }
                return r;
            }
            case "sum_over_time": {
                double sum = 0;
                double c = 0;
                for (int k = lo; k < hi; k++) {
                    double tt = sum + v[k];
                    c = Aggregations.kahanC(v[k], sum, tt, c);
                    sum = tt;
                }
                return sum + c;
            }
            case "avg_over_time": {
                double sum = 0;
                double c = 0;
                double mean = 0;
                boolean incremental = false;
                int cnt = 0;
                for (int k = lo; k < hi; k++) {
                    double f = v[k];
                    cnt++;
                    if (!incremental) {
                        double tt = sum + f;
                        if (!Double.isInfinite(tt) || cnt == 1) {
                            c = Aggregations.kahanC(f, sum, tt, c);
                            sum = tt;
                            continue;
                        }
                        incremental = true;
                        mean = sum / (cnt - 1);
                        c /= cnt - 1;
                    }
                    double q = (cnt - 1.0) / cnt;
                    double inc = f / cnt;
                    double base = q * mean;
                    double tt = base + inc;
                    c = Aggregations.kahanC(inc, base, tt, q * c);
                    mean = tt;
                }
                return incremental ? mean + c : sum / cnt + c / cnt;
            }
            case "count_over_time":
                return n;
            case "present_over_time":
                return 1;
            case "last_over_time":
                return v[hi - 1];
            case "first_over_time":
                return v[lo];
            case "ts_of_last_over_time":
                return t[hi - 1] / 1000.0;
            case "ts_of_first_over_time":
                return t[lo] / 1000.0;
            case "min_over_time":
            case "max_over_time":
            case "ts_of_min_over_time":
            case "ts_of_max_over_time": {
                boolean max = name.contains("max");
                boolean ts0 = name.startsWith("ts_of");
                double best = v[lo];
                long bt = t[lo];
                for (int k = lo + 1; k < hi; k++) {
                    double f = v[k];
                    boolean better = max ? f > best : f < best;
                    if (better || Double.isNaN(best) || (ts0 && f == best)) {
                        best = f;
                        bt = t[k];
                    }
                }
                return name.startsWith("ts_of") ? bt / 1000.0 : best;
            }
            case "stddev_over_time":
            case "stdvar_over_time": {
                double mean = 0;
                double m2 = 0;
                int cnt = 0;
                for (int k = lo; k < hi; k++) {
                    cnt++;
                    double delta = v[k] - mean;
                    mean += delta / cnt;
                    m2 += delta * (v[k] - mean);
                }
                double var = m2 / cnt;
                return name.startsWith("stddev") ? Math.sqrt(var) : var;
            }
            case "quantile_over_time":
                return Aggregations.quantile(sc[0][i], Arrays.copyOfRange(v, lo, hi), n);
            case "mad_over_time": {
                double[] w = Arrays.copyOfRange(v, lo, hi);
                for (double x : w) {
                    if (Double.isNaN(x)) {
                        return Double.NaN;
                    }
                }
                double med = Aggregations.quantile(0.5, w, n);
                for (int k = 0; k < n; k++) {
                    w[k] = Math.abs(w[k] - med);
                }
                return Aggregations.quantile(0.5, w, n);
            }
            case "changes": {
                int ch = 0;
                for (int k = lo + 1; k < hi; k++) {
                    if (v[k] != v[k - 1] && !(Double.isNaN(v[k]) && Double.isNaN(v[k - 1]))) {
                        ch++;
                    }
                }
                return ch;
            }
            case "resets": {
                int r = 0;
                for (int k = lo + 1; k < hi; k++) {
                    if (v[k] < v[k - 1] || st != null && startReset(st[k - 1], t[k - 1], st[k], t[k])) {
                        r++;
                    }
                }
                return r;
            }
            case "deriv":
            case "predict_linear": {
                if (n < 2) {
                    return ABSENT;
                }
                long intercept = name.equals("deriv") ? t[lo] : ts;
                double[] sl = linearRegression(t, v, lo, hi, intercept);
                if (name.equals("deriv")) {
                    return sl[0];
                }
                return sl[0] * sc[1][i] + sl[1];
            }
            case "double_exponential_smoothing": {
                double sf = sc[1][i];
                double tf = sc[2][i];
                if (sf <= 0 || sf >= 1) {
                    throw QueryException.execution("invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoFormat.g(sf));
                }
                if (tf <= 0 || tf >= 1) {
                    throw QueryException.execution("invalid trend factor. Expected: 0 < tf < 1, got: " + GoFormat.g(tf));
                }
                if (n < 2) {
                    return ABSENT;
                }
                double s0 = 0;
                double s1 = v[lo];
                double b = v[lo + 1] - v[lo];
                for (int k = 1; k < n; k++) {
                    double x = sf * v[lo + k];
                    if (k > 1) {
                        b = tf * (s1 - s0) + (1 - tf) * b;
                    }
                    double y = (1 - sf) * (s1 + b);
                    s0 = s1;
                    s1 = x + y;
                }
                return s1;
            }
            default:
                throw QueryException.badData("function " + name + " is not implemented yet", null);
        }
    }

    /** Least squares with Kahan sums, x relative to {@code intercept}: {slope, intercept value}. */
    static double[] linearRegression(long[] t, double[] v, int lo, int hi, long interceptT) {
        double n = 0;
        double sumX = 0;
        double cX = 0;
        double sumY = 0;
        double cY = 0;
        double sumXY = 0;
        double cXY = 0;
        double sumX2 = 0;
        double cX2 = 0;
        double initY = v[lo];
        boolean constY = true;
        for (int k = lo; k < hi; k++) {
            if (constY && k > lo && v[k] != initY) {
                constY = false;
            }
            n++;
            double x = (t[k] - interceptT) / 1e3;
            double tt = sumX + x;
            cX = Aggregations.kahanC(x, sumX, tt, cX);
            sumX = tt;
            tt = sumY + v[k];
            cY = Aggregations.kahanC(v[k], sumY, tt, cY);
            sumY = tt;
            double xy = x * v[k];
            tt = sumXY + xy;
            cXY = Aggregations.kahanC(xy, sumXY, tt, cXY);
            sumXY = tt;
            double x2 = x * x;
            tt = sumX2 + x2;
            cX2 = Aggregations.kahanC(x2, sumX2, tt, cX2);
            sumX2 = tt;
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        sumX += cX;
        sumY += cY;
        sumXY += cXY;
        sumX2 += cX2;
        double covXY = sumXY - sumX * sumY / n;
        double varX = sumX2 - sumX * sumX / n;
        double slope = covXY / varX;
        double intercept = sumY / n - slope * sumX / n;
        return new double[] {slope, intercept};
    }

    /**
     * Whether a sample's start timestamp says its counter restarted since the previous sample
     * (Prometheus's {@code isStartTimestampReset}); 0 is "no start timestamp".
     *
     * <ul>
     *   <li>no ST, ST at or after the sample (invalid, or OTel's "unknown start" ST = T): no;</li>
     *   <li>ST before the previous sample: the same run as the previous sample, no;</li>
     *   <li>ST after the previous sample: a reset between the two, yes;</li>
     *   <li>ST exactly at the previous sample: a delta sample (yes) when the previous sample had a
     *       valid ST of its own, else a cumulative series whose start was unknown (no).</li>
     * </ul>
     */
    static boolean startReset(long prevSt, long prevT, long st, long t) {
        if (st == 0 || st >= t || st < prevT) {
            return false;
        }
        if (st > prevT) {
            return true;
        }
        if (prevSt > prevT) {
            return false; // an invalid previous ST counts as unknown
        }
        return prevSt != 0 && prevSt != prevT;
    }

    /**
     * Whether some sample in {@code [lo, hi)} starts before the previous sample although it does
     * not continue the previous sample's run (Prometheus's {@code checkStartTimeOverlap}): a
     * valid delta starts at the previous sample, a valid cumulative sample shares its start.
     */
    static boolean overlaps(long[] st, long[] t, int lo, int hi) {
        for (int k = lo + 1; k < hi; k++) {
            if (st[k] != 0 && st[k] < t[k - 1] && st[k] != st[k - 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * rate/increase/delta as Prometheus's {@code extrapolatedRate}. With start timestamps (counters
     * only): resets they signal are added like value drops, and when the first sample's start
     * lies inside the window (after its open left edge, before the sample), the counter is taken
     * to be 0 at that start: the first value counts as increase and nothing is extrapolated to
     * the left. That also gives a single sample a rate.
     */
    private static double extrapolatedRate(RangeSeries s, int lo, int hi, RangeMatrix rm, long ts, boolean counter, boolean rate) {
        int n = hi - lo;
        long[] st = counter ? s.starts() : null;
        if (n < 1 || n < 2 && st == null) {
            return ABSENT;
        }
        long[] t = s.t;
        double[] v = s.v;
        long rangeEnd = rm.windowEnd(ts);
        long rangeStart = rangeEnd - rm.rangeMs();
        double result = v[hi - 1] - v[lo];
        if (counter) {
            for (int k = lo + 1; k < hi; k++) {
                if (v[k] < v[k - 1] || st != null && startReset(st[k - 1], t[k - 1], st[k], t[k])) {
                    result += v[k - 1];
                }
            }
        }
        double durationToStart = (t[lo] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - t[hi - 1]) / 1000.0;
        double sampled = (t[hi - 1] - t[lo]) / 1000.0;
        double avg = n > 1 ? sampled / (n - 1) : 0;
        double threshold = avg * 1.1;
        if (st != null && st[lo] != 0 && st[lo] > rangeStart && st[lo] < t[lo]) {
            durationToStart = 0;
            sampled = (t[hi - 1] - st[lo]) / 1000.0;
            result += v[lo];
        } else if (n < 2) {
            return ABSENT;
        } else {
            if (durationToStart >= threshold) {
                durationToStart = avg / 2;
            }
            if (counter) {
                double toZero = durationToStart;
                if (result > 0 && v[lo] >= 0) {
                    toZero = sampled * (v[lo] / result);
                }
                if (toZero < durationToStart) {
                    durationToStart = toZero;
                }
            }
        }
        if (durationToEnd >= threshold) {
            durationToEnd = avg / 2;
        }
        double factor = sampled != 0 ? (sampled + durationToStart + durationToEnd) / sampled : 1.0;
        if (rate) {
            factor /= rm.rangeMs() / 1000.0;
        }
        return result * factor;
    }
}
