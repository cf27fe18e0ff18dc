package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Call;
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
        double[] q = (double[]) ev.eval(c.args().get(0), g);
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(1), g));
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
                        + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), c.args().get(1).pos());
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
        for (int i = 0; i < g.n(); i++) {
            if (q[i] < 0 || q[i] > 1 || Double.isNaN(q[i])) {
                ev.ctx.warn("quantile value should be between 0 and 1, got " + GoFormat.g(q[i]), c.args().get(0).pos());
            }
        }
        List<StepSeries> out = new ArrayList<>();
        double[] ub = new double[16];
        double[] cnt = new double[16];
        for (int k = 0; k < members.size(); k++) {
            List<Integer> mem = members.get(k);
            StepSeries o = new StepSeries(groupLabels.get(k), g.n(), true);
            if (ub.length < mem.size()) {
                ub = new double[mem.size()];
                cnt = new double[mem.size()];
            }
            for (int i = 0; i < g.n(); i++) {
                int n = 0;
                Integer[] idx = new Integer[mem.size()];
                for (int j : mem) {
                    if (in.get(j).has(i)) {
                        idx[n++] = j;
                    }
                }
                if (n == 0) {
                    continue;
                }
                Arrays.sort(idx, 0, n, (a, b) -> Double.compare(upper[a], upper[b]));
                for (int m = 0; m < n; m++) {
                    ub[m] = upper[idx[m]];
                    cnt[m] = in.get(idx[m]).v[i];
                }
                double[] res = quantile(q[i], ub, cnt, n);
                if (res[1] != 0) {
                    String metric = in.get(mem.get(0)).labels.metricName();
                    ev.ctx.info("input to histogram_quantile needed to be fixed for monotonicity (see "
                            + "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
                            + (metric.isEmpty() ? "" : " for metric name \"" + metric + "\""), c.args().get(1).pos());
                }
                o.set(i, res[0]);
            }
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
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

    /** {quantile, 1 if monotonicity was forced}. Arrays are sorted by bound and modified. */
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
                continue;
            }
            prev = curr;
        }
        double f = forced ? 1 : 0;
        if (n < 2) {
            return new double[] {Double.NaN, f};
        }
        double observations = cnt[n - 1];
        if (observations == 0) {
            return new double[] {Double.NaN, f};
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && !(cnt[b] >= rank)) {
            b++;
        }
        if (b == n - 1) {
            return new double[] {ub[n - 2], f};
        }
        if (b == 0 && ub[0] <= 0) {
            return new double[] {ub[0], f};
        }
        double start = 0;
        double end = ub[b];
        double count = cnt[b];
        if (b > 0) {
            start = ub[b - 1];
            count -= cnt[b - 1];
            rank -= cnt[b - 1];
        }
        return new double[] {start + (end - start) * (rank / count), f};
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
