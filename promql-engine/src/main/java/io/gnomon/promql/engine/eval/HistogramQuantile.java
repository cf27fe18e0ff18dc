package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Call;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code histogram_quantile} over classic buckets ({@code le} series): buckets grouped by their
 * labels without {@code le}, sorted, coalesced, made monotonic (with Prometheus's info when that
 * changed anything), then linear interpolation inside the bucket that holds the rank.
 */
final class HistogramQuantile {
    private static final double SMALL_DELTA_TOLERANCE = 1e-12;

    private HistogramQuantile() {
    }

    static List<StepSeries> eval(Evaluator ev, Call c, Grid g) {
        String fn = c.function().name();
        int vi = switch (fn) {
            case "histogram_quantile" -> 1;
            case "histogram_fraction" -> 2;
            default -> 0; // histogram_quantiles
        };
        List<double[]> params = new ArrayList<>();
        String qLabel = null;
        List<String> qNames = new ArrayList<>();
        if (fn.equals("histogram_quantiles")) {
            qLabel = (String) ev.eval(c.args().get(1), g);
            for (int a = 2; a < c.args().size(); a++) {
                double[] q = (double[]) ev.eval(c.args().get(a), g);
                params.add(q);
                warnQuantile(ev, q, c.args().get(a));
            }
        } else {
            for (int a = 0; a < vi; a++) {
                params.add((double[]) ev.eval(c.args().get(a), g));
            }
            if (fn.equals("histogram_quantile")) {
                warnQuantile(ev, params.get(0), c.args().get(0));
            }
        }
        io.gnomon.promql.ast.Expr vArg = c.args().get(vi);
        List<StepSeries> in = Evaluator.asVector(ev.eval(vArg, g));
        Map<Labels, Integer> groups = new HashMap<>();
        List<Labels> groupLabels = new ArrayList<>();
        List<List<Integer>> members = new ArrayList<>();
        double[] upper = new double[in.size()];
        for (int j = 0; j < in.size(); j++) {
            Labels l = in.get(j).labels;
            String le = l.get("le");
            double ub;
            try {
                ub = parseLe(le);
            } catch (NumberFormatException e) {
                String metric = l.metricName();
                ev.ctx.warn("bucket label \"le\" is missing or has a malformed value of \"" + le + "\""
                        + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), vArg.pos());
                continue;
            }
            upper[j] = ub;
            Labels key = l.toBuilder().del("le").build();
            Integer o = groups.get(key);
            if (o == null) {
                o = groups.size();
                groups.put(key, o);
                groupLabels.add(key);
                members.add(new ArrayList<>());
            }
            members.get(o).add(j);
        }
        List<StepSeries> out = new ArrayList<>();
        int nOut = fn.equals("histogram_quantiles") ? params.size() : 1;
        Map<Labels, StepSeries> outByLabels = new HashMap<>();
        double[] ub = new double[16];
        double[] cnt = new double[16];
        for (int k = 0; k < members.size(); k++) {
            List<Integer> mem = members.get(k);
            StepSeries[] os = new StepSeries[nOut];
            for (int x = 0; x < nOut; x++) {
                Labels l = groupLabels.get(k);
                if (qLabel != null) {
                    l = l.toBuilder().set(qLabel, openMetricsFloat(params.get(x)[0])).build();
                }
                StepSeries o = outByLabels.get(l);
                if (o == null) {
                    o = new StepSeries(l, g.n(), true);
                    outByLabels.put(l, o);
                    out.add(o);
                }
                os[x] = o;
            }
            if (ub.length < mem.size()) {
                ub = new double[mem.size()];
                cnt = new double[mem.size()];
            }
            // A group's bucket bounds do not change between steps: sort its members once.
            int[] sorted = mem.stream().sorted((a, b) -> Double.compare(upper[a], upper[b])).mapToInt(Integer::intValue).toArray();
            int[] idx = new int[sorted.length];
            for (int i = 0; i < g.n(); i++) {
                int n = 0;
                for (int j : sorted) {
                    if (in.get(j).has(i)) {
                        idx[n++] = j;
                    }
                }
                if (n == 0) {
                    continue;
                }
                for (int x = 0; x < nOut; x++) {
                    for (int m = 0; m < n; m++) {
                        ub[m] = upper[idx[m]];
                        cnt[m] = in.get(idx[m]).v[i];
                    }
                    double v;
                    if (fn.equals("histogram_fraction")) {
                        v = fraction(params.get(0)[i], params.get(1)[i], ub, cnt, n);
                    } else {
                        double[] res = quantile(params.get(x)[i], ub, cnt, n);
                        if (res[1] != 0) {
                            String metric = in.get(mem.get(0)).labels.metricName();
                            ev.ctx.forcedMonotonicity("input to histogram_quantile needed to be fixed for monotonicity (see "
                                    + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                                    + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), vArg.pos(), g.t(i),
                                    res[2], res[3], res[4]);
                        }
                        v = res[0];
                    }
                    if (os[x].has(i)) {
                        throw QueryException.execution("vector cannot contain metrics with the same labelset");
                    }
                    os[x].set(i, v);
                }
            }
        }
        out.removeIf(StepSeries::isEmpty);
        return out;
    }

    private static void warnQuantile(Evaluator ev, double[] q, io.gnomon.promql.ast.Expr arg) {
        for (double x : q) {
            if (x < 0 || x > 1 || Double.isNaN(x)) {
                ev.ctx.warn("quantile value should be between 0 and 1, got " + GoFormat.g(x), arg.pos());
            }
        }
    }

    /** Prometheus's {@code labels.FormatOpenMetricsFloat}. */
    static String openMetricsFloat(double f) {
        if (f == 1) {
            return "1.0";
        }
        if (f == 0) {
            return "0.0";
        }
        if (f == -1) {
            return "-1.0";
        }
        String s = GoFormat.g(f);
        if (s.contains("e") || s.contains(".") || s.contains("Inf") || s.contains("NaN")) {
            return s;
        }
        return s + ".0";
    }

    /** Prometheus's {@code BucketFraction}: the estimated share of observations in {@code [lower, upper]}. */
    static double fraction(double lower, double upper, double[] ub, double[] cnt, int n) {
        if (ub[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        int m = 0;
        for (int k = 1; k < n; k++) {
            if (ub[k] == ub[m]) {
                cnt[m] += cnt[k];
            } else {
                m++;
                ub[m] = ub[k];
                cnt[m] = cnt[k];
            }
        }
        n = m + 1;
        double count = cnt[n - 1];
        if (count == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
            return Double.NaN;
        }
        if (lower >= upper) {
            return 0;
        }
        double rank = 0;
        double lowerRank = 0;
        double upperRank = 0;
        boolean lowerSet = false;
        boolean upperSet = false;
        double lowerBound = ub[0] <= 0 ? Double.NEGATIVE_INFINITY : 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                lowerBound = ub[i - 1];
            }
            double upperBound = ub[i];
            if (!lowerSet && lowerBound >= lower) {
                lowerRank = rank;
                lowerSet = true;
            }
            if (!upperSet && lowerBound >= upper) {
                upperRank = rank;
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            if (!lowerSet && lowerBound < lower && upperBound > lower) {
                lowerRank = lowerBound == Double.NEGATIVE_INFINITY ? cnt[i]
                        : rank + (cnt[i] - rank) * (lower - lowerBound) / (upperBound - lowerBound);
                lowerSet = true;
            }
            if (!upperSet && lowerBound < upper && upperBound > upper) {
                upperRank = lowerBound == Double.NEGATIVE_INFINITY ? cnt[i]
                        : rank + (cnt[i] - rank) * (upper - lowerBound) / (upperBound - lowerBound);
                upperSet = true;
            }
            if (lowerSet && upperSet) {
                break;
            }
            rank = cnt[i];
        }
        if (!lowerSet || lowerRank > count) {
            lowerRank = count;
        }
        if (!upperSet || upperRank > count) {
            upperRank = count;
        }
        return (upperRank - lowerRank) / count;
    }

    private static double parseLe(String le) {
        if (le.isEmpty()) {
            throw new NumberFormatException("empty");
        }
        String s = le.trim();
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "+inf", "inf", "+infinity", "infinity":
                return Double.POSITIVE_INFINITY;
            case "-inf", "-infinity":
                return Double.NEGATIVE_INFINITY;
            case "nan", "+nan", "-nan":
                return Double.NaN;
            default:
                break;
        }
        if (!s.equals(le) || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) {
            throw new NumberFormatException(le);
        }
        return Double.parseDouble(s.replace("_", ""));
    }

    /** {quantile, 1 if monotonicity was forced, min bucket, max bucket, max diff}. Arrays are sorted by bound and modified. */
    static double[] quantile(double q, double[] ub, double[] cnt, int n) {
        if (Double.isNaN(q)) {
            return new double[] {Double.NaN, 0};
        }
        if (q < 0) {
            return new double[] {Double.NEGATIVE_INFINITY, 0};
        }
        if (q > 1) {
            return new double[] {Double.POSITIVE_INFINITY, 0};
        }
        if (ub[n - 1] != Double.POSITIVE_INFINITY) {
            return new double[] {Double.NaN, 0};
        }
        // coalesce equal bounds
        int m = 0;
        for (int k = 1; k < n; k++) {
            if (ub[k] == ub[m]) {
                cnt[m] += cnt[k];
            } else {
                m++;
                ub[m] = ub[k];
                cnt[m] = cnt[k];
            }
        }
        n = m + 1;
        boolean forced = false;
        double minB = Double.POSITIVE_INFINITY;
        double maxB = Double.NEGATIVE_INFINITY;
        double maxDiff = 0;
        double prev = cnt[0];
        for (int k = 1; k < n; k++) {
            double curr = cnt[k];
            if (curr == prev) {
                continue;
            }
            if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
                cnt[k] = prev;
                continue;
            }
            if (curr < prev) {
                cnt[k] = prev;
                forced = true;
                minB = Math.min(minB, ub[k]);
                maxB = Math.max(maxB, ub[k]);
                maxDiff = Math.max(maxDiff, prev - curr);
                continue;
            }
            prev = curr;
        }
        double f = forced ? 1 : 0;
        if (n < 2) {
            return new double[] {Double.NaN, f, minB, maxB, maxDiff};
        }
        double observations = cnt[n - 1];
        if (observations == 0) {
            return new double[] {Double.NaN, f, minB, maxB, maxDiff};
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && !(cnt[b] >= rank)) {
            b++;
        }
        if (b == n - 1) {
            return new double[] {ub[n - 2], f, minB, maxB, maxDiff};
        }
        if (b == 0 && ub[0] <= 0) {
            return new double[] {ub[0], f, minB, maxB, maxDiff};
        }
        double start = 0;
        double end = ub[b];
        double count = cnt[b];
        if (b > 0) {
            start = ub[b - 1];
            count -= cnt[b - 1];
            rank -= cnt[b - 1];
        }
        return new double[] {start + (end - start) * (rank / count), f, minB, maxB, maxDiff};
    }

    static boolean almostEqual(double a, double b, double eps) {
        if (a == b) {
            return true;
        }
        double absSum = Math.abs(a) + Math.abs(b);
        double diff = Math.abs(a - b);
        if (a == 0 || b == 0 || absSum < Double.MIN_NORMAL) {
            return diff < eps * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < eps;
    }
}
