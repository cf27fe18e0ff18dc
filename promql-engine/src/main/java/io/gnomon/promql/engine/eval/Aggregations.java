package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AggregateOp;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Aggregation operators with {@code by}/{@code without}. The group of each input series is
 * computed once; per step the groups accumulate in primitive arrays (Kahan-Neumaier sums, the
 * overflow-safe mean of Prometheus 3, Welford variance).
 */
final class Aggregations {
    private final Evaluator ev;

    Aggregations(Evaluator ev) {
        this.ev = ev;
    }

    Object eval(AggregateExpr a, Grid g) {
        double[] param = null;
        String strParam = null;
        if (a.param() != null) {
            Object p = ev.eval(a.param(), g);
            if (p instanceof String s) {
                strParam = s;
            } else {
                param = (double[]) p;
            }
        }
        List<StepSeries> in = Evaluator.asVector(ev.eval(a.expr(), g));
        AggregateOp op = a.op();
        if (op == AggregateOp.COUNT_VALUES) {
            return countValues(a, in, strParam, g);
        }
        // group of each input series
        // Group by the grouping labels' values first: building a Labels per input series
        // (validation, sorting, interning) dominated small aggregations such as count by.
        Map<Object, Integer> groups = new HashMap<>();
        List<Labels> groupLabels = new ArrayList<>();
        int[] gi = new int[in.size()];
        List<String> by = a.without() ? null : a.grouping();
        for (int j = 0; j < in.size(); j++) {
            Labels l = in.get(j).labels;
            Object key;
            if (by == null) {
                key = groupKey(l, a);
            } else if (by.size() == 1) {
                key = l.get(by.get(0));
            } else {
                String[] vals = new String[by.size()];
                for (int k = 0; k < vals.length; k++) {
                    vals[k] = l.get(by.get(k));
                }
                key = Arrays.asList(vals);
            }
            Integer o = groups.get(key);
            if (o == null) {
                o = groups.size();
                groups.put(key, o);
                groupLabels.add(by == null ? (Labels) key : groupKey(l, a));
            }
            gi[j] = o;
        }
        int ng = groups.size();
        if (op == AggregateOp.LIMIT_RATIO) {
            return limitRatio(a, in, param, g);
        }
        if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK || op == AggregateOp.LIMITK) {
            return kSelect(a, in, gi, ng, param, g);
        }
        if (op == AggregateOp.QUANTILE) {
            for (int i = 0; i < g.n(); i++) {
                if (param[i] < 0 || param[i] > 1 || Double.isNaN(param[i])) {
                    ev.ctx.warn("quantile value should be between 0 and 1, got " + GoFormat.g(param[i]), a.param().pos());
                }
            }
        }
        List<StepSeries> out = new ArrayList<>(ng);
        StepSeries[] outs = new StepSeries[ng];
        for (int k = 0; k < ng; k++) {
            outs[k] = new StepSeries(groupLabels.get(k), g.n(), false);
        }
        // Delayed name removal: a group whose input had its name marked for removal keeps the mark.
        for (int j = 0; j < in.size(); j++) {
            if (in.get(j).dropName) {
                outs[gi[j]].dropName = true;
            }
        }
        double[] sum = new double[ng];
        double[] comp = new double[ng];
        double[] mean = new double[ng];
        double[] cnt = new double[ng];
        boolean[] incremental = new boolean[ng];
        double[][] values = op == AggregateOp.QUANTILE ? new double[ng][] : null;
        int[] vn = op == AggregateOp.QUANTILE ? new int[ng] : null;
        for (int i = 0; i < g.n(); i++) {
            Arrays.fill(sum, 0);
            Arrays.fill(comp, 0);
            Arrays.fill(mean, 0);
            Arrays.fill(cnt, 0);
            Arrays.fill(incremental, false);
            if (vn != null) {
                Arrays.fill(vn, 0);
            }
            for (int j = 0; j < in.size(); j++) {
                StepSeries s = in.get(j);
                if (!s.has(i)) {
                    continue;
                }
                int k = gi[j];
                double f = s.v[i];
                cnt[k]++;
                switch (op) {
                    case SUM -> {
                        double t = sum[k] + f;
                        comp[k] = kahanC(f, sum[k], t, comp[k]);
                        sum[k] = t;
                    }
                    case AVG -> {
                        if (!incremental[k]) {
                            double t = sum[k] + f;
                            if (!Double.isInfinite(t) || cnt[k] == 1) {
                                comp[k] = kahanC(f, sum[k], t, comp[k]);
                                sum[k] = t;
                                break;
                            }
                            incremental[k] = true;
                            mean[k] = sum[k] / (cnt[k] - 1);
                            comp[k] /= cnt[k] - 1;
                        }
                        double q = (cnt[k] - 1) / cnt[k];
                        double inc = f / cnt[k];
                        double base = q * mean[k];
                        double t = base + inc;
                        comp[k] = kahanC(inc, base, t, q * comp[k]);
                        mean[k] = t;
                    }
                    case MIN -> {
                        if (cnt[k] == 1 || sum[k] > f || Double.isNaN(sum[k])) {
                            sum[k] = f;
                        }
                    }
                    case MAX -> {
                        if (cnt[k] == 1 || sum[k] < f || Double.isNaN(sum[k])) {
                            sum[k] = f;
                        }
                    }
                    case STDDEV, STDVAR -> {
                        double delta = f - mean[k];
                        mean[k] += delta / cnt[k];
                        sum[k] += delta * (f - mean[k]);
                    }
                    case QUANTILE -> {
                        if (values[k] == null) {
                            values[k] = new double[8];
                        }
                        if (vn[k] == values[k].length) {
                            values[k] = Arrays.copyOf(values[k], vn[k] * 2);
                        }
                        values[k][vn[k]++] = f;
                    }
                    default -> {
                    }
                }
            }
            for (int k = 0; k < ng; k++) {
                if (cnt[k] == 0) {
                    continue;
                }
                double v = switch (op) {
                    case SUM -> sum[k] + comp[k];
                    case AVG -> incremental[k] ? mean[k] + comp[k] : sum[k] / cnt[k] + comp[k] / cnt[k];
                    case COUNT -> cnt[k];
                    case GROUP -> 1;
                    case MIN, MAX -> sum[k];
                    case STDVAR -> sum[k] / cnt[k];
                    case STDDEV -> Math.sqrt(sum[k] / cnt[k]);
                    case QUANTILE -> quantile(param[i], values[k], vn[k]);
                    default -> throw QueryException.internal("unsupported aggregation " + op, null);
                };
                outs[k].set(i, v);
            }
        }
        for (StepSeries o : outs) {
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }

    /** Neumaier's compensation term after {@code t = sum + inc}. */
    static double kahanC(double inc, double sum, double t, double c) {
        if (Double.isInfinite(t)) {
            return 0;
        }
        if (Math.abs(sum) >= Math.abs(inc)) {
            return c + ((sum - t) + inc);
        }
        return c + ((inc - t) + sum);
    }

    static Labels groupKey(Labels l, AggregateExpr a) {
        if (a.without()) {
            Labels.Builder b = l.toBuilder();
            b.del(Labels.METRIC_NAME);
            for (String n : a.grouping()) {
                b.del(n);
            }
            return b.build();
        }
        if (a.grouping().isEmpty()) {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        for (String n : a.grouping()) {
            String v = l.get(n);
            if (!v.isEmpty()) {
                b.set(n, v);
            }
        }
        return b.build();
    }

    /** Prometheus's {@code quantile}: linear interpolation between the closest ranks, NaN first. */
    static double quantile(double q, double[] vals, int n) {
        if (n == 0 || Double.isNaN(q)) {
            return Double.NaN;
        }
        if (q < 0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (q > 1) {
            return Double.POSITIVE_INFINITY;
        }
        double[] v = Arrays.copyOf(vals, n);
        sortNaNFirst(v);
        double rank = q * (n - 1);
        double lower = Math.max(0, Math.floor(rank));
        double upper = Math.min(n - 1, lower + 1);
        double weight = rank - Math.floor(rank);
        return v[(int) lower] * (1 - weight) + v[(int) upper] * weight;
    }

    static void sortNaNFirst(double[] v) {
        Arrays.sort(v);
        int nan = 0;
        for (int i = v.length - 1; i >= 0 && Double.isNaN(v[i]); i--) {
            nan++;
        }
        if (nan > 0) {
            System.arraycopy(v, 0, v, nan, v.length - nan);
            Arrays.fill(v, 0, nan, Double.NaN);
        }
    }

    private List<StepSeries> kSelect(AggregateExpr a, List<StepSeries> in, int[] gi, int ng, double[] param, Grid g) {
        AggregateOp op = a.op();
        StepSeries[] outs = new StepSeries[in.size()];
        List<List<Integer>> members = new ArrayList<>(ng);
        for (int k = 0; k < ng; k++) {
            members.add(new ArrayList<>());
        }
        for (int j = 0; j < in.size(); j++) {
            members.get(gi[j]).add(j);
        }
        List<StepSeries> ordered = new ArrayList<>();
        for (int i = 0; i < g.n(); i++) {
            double kf = param[i];
            if (Double.isNaN(kf)) {
                throw QueryException.execution("Parameter value is NaN");
            }
            if (kf >= 0x1p63 || kf < -0x1p63) {
                throw QueryException.execution("Scalar value " + GoFormat.g(kf) + " overflows int64");
            }
            int k = (int) Math.min(kf, Integer.MAX_VALUE);
            if (k < 1) {
                continue;
            }
            for (List<Integer> mem : members) {
                int[] chosen = select(op, in, mem, i, k);
                for (int j : chosen) {
                    if (outs[j] == null) {
                        StepSeries s = in.get(j);
                        outs[j] = new StepSeries(s.labels, g.n(), s.dropName);
                        if (g.n() == 1) {
                            ordered.add(outs[j]);
                        }
                    }
                    outs[j].set(i, in.get(j).v[i]);
                }
            }
        }
        if (g.n() == 1) {
            return ordered;
        }
        List<StepSeries> out = new ArrayList<>();
        for (StepSeries s : outs) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * {@code limit_ratio(r, v)}: keeps a series when its label hash, scaled to [0, 1), is below
     * {@code r} (or, for negative {@code r}, at least {@code 1 + r}), so that {@code r} and
     * {@code -(1 - r)} select complementary sets. The hash is Prometheus's ({@link LabelHash}), so
     * the same series are kept.
     */
    private List<StepSeries> limitRatio(AggregateExpr a, List<StepSeries> in, double[] param, Grid g) {
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (double r : param) {
            if (Double.isNaN(r)) {
                throw QueryException.execution("Ratio value is NaN");
            }
            max = Math.max(max, r);
            min = Math.min(min, r);
        }
        List<StepSeries> out = new ArrayList<>();
        if (max == 0 && min == 0) {
            return out;
        }
        if (max > 1) {
            ev.ctx.warn("ratio value should be between -1 and 1, got " + GoFormat.g(max) + ", capping to 1", a.param().pos());
        }
        if (min < -1) {
            ev.ctx.warn("ratio value should be between -1 and 1, got " + GoFormat.g(min) + ", capping to -1", a.param().pos());
        }
        for (StepSeries s : in) {
            double offset = unsignedToDouble(LabelHash.of(s.labels)) / 0x1p64; // float64(MaxUint64) is 2^64
            StepSeries o = null;
            for (int i = 0; i < g.n(); i++) {
                if (!s.has(i)) {
                    continue;
                }
                double r = Math.max(-1, Math.min(1, param[i]));
                if ((r >= 0 && offset < r) || (r < 0 && offset >= 1.0 + r)) {
                    if (o == null) {
                        o = new StepSeries(s.labels, g.n(), s.dropName);
                        out.add(o);
                    }
                    o.set(i, s.v[i]);
                }
            }
        }
        return out;
    }

    private static double unsignedToDouble(long h) {
        double d = (double) (h >>> 1) * 2.0;
        return d + (h & 1);
    }

    /**
     * The members of one group chosen at step {@code i}: the first {@code k} present for limitk;
     * for topk/bottomk the {@code k} best by a bounded binary heap of member indices (no boxing),
     * returned best first (NaN counts as worst), ties in input order.
     */
    private static int[] select(AggregateOp op, List<StepSeries> in, List<Integer> mem, int i, int k) {
        int cap = Math.min(k, mem.size());
        int[] heap = new int[cap];
        int n = 0;
        if (op == AggregateOp.LIMITK) {
            for (int m = 0; m < mem.size() && n < cap; m++) {
                int j = mem.get(m);
                if (in.get(j).has(i)) {
                    heap[n++] = j;
                }
            }
            return n == cap ? heap : java.util.Arrays.copyOf(heap, n);
        }
        boolean top = op == AggregateOp.TOPK;
        int seq = 0;
        int[] arrival = new int[cap];
        for (int m = 0; m < mem.size(); m++) {
            int j = mem.get(m);
            StepSeries s = in.get(j);
            if (!s.has(i)) {
                continue;
            }
            if (n < cap) {
                heap[n] = j;
                arrival[n] = seq++;
                siftUp(heap, arrival, n, in, i, top);
                n++;
            } else if (cap > 0 && better(s.v[i], in.get(heap[0]).v[i], top)) {
                heap[0] = j;
                arrival[0] = seq++;
                siftDown(heap, arrival, n, in, i, top);
            }
        }
        // heap root is the worst; pop into best-first order
        int[] out = new int[n];
        for (int r = n - 1; r >= 0; r--) {
            out[r] = heap[0];
            heap[0] = heap[r];
            arrival[0] = arrival[r];
            siftDown(heap, arrival, r, in, i, top);
        }
        return out;
    }

    /** Whether {@code a} ranks above {@code b}; NaN ranks below everything. */
    private static boolean better(double a, double b, boolean top) {
        if (Double.isNaN(a)) {
            return false;
        }
        if (Double.isNaN(b)) {
            return true;
        }
        return top ? a > b : a < b;
    }

    /** Heap order: the root is the worst element; among equals, the later arrival is worse. */
    private static boolean worse(int[] heap, int[] arrival, int x, int y, List<StepSeries> in, int i, boolean top) {
        double a = in.get(heap[x]).v[i];
        double b = in.get(heap[y]).v[i];
        if (better(b, a, top)) {
            return true;
        }
        if (better(a, b, top)) {
            return false;
        }
        return arrival[x] > arrival[y];
    }

    private static void swap(int[] heap, int[] arrival, int x, int y) {
        int t = heap[x];
        heap[x] = heap[y];
        heap[y] = t;
        t = arrival[x];
        arrival[x] = arrival[y];
        arrival[y] = t;
    }

    private static void siftUp(int[] heap, int[] arrival, int c, List<StepSeries> in, int i, boolean top) {
        while (c > 0) {
            int p = (c - 1) >>> 1;
            if (worse(heap, arrival, c, p, in, i, top)) {
                swap(heap, arrival, c, p);
                c = p;
            } else {
                return;
            }
        }
    }

    private static void siftDown(int[] heap, int[] arrival, int n, List<StepSeries> in, int i, boolean top) {
        int p = 0;
        while (true) {
            int l = 2 * p + 1;
            if (l >= n) {
                return;
            }
            int w = l;
            if (l + 1 < n && worse(heap, arrival, l + 1, l, in, i, top)) {
                w = l + 1;
            }
            if (worse(heap, arrival, w, p, in, i, top)) {
                swap(heap, arrival, w, p);
                p = w;
            } else {
                return;
            }
        }
    }

    private List<StepSeries> countValues(AggregateExpr a, List<StepSeries> in, String label, Grid g) {
        if (label == null || label.isEmpty() || !Labels.isValidUtf8(label)) {
            throw QueryException.execution("invalid label name " + GoFormat.quote(label == null ? "" : label));
        }
        Map<Labels, StepSeries> outs = new HashMap<>();
        List<StepSeries> out = new ArrayList<>();
        Set<Labels> seen = new HashSet<>();
        for (int i = 0; i < g.n(); i++) {
            seen.clear();
            for (StepSeries s : in) {
                if (!s.has(i)) {
                    continue;
                }
                Labels key = groupKey(s.labels, a).toBuilder().set(label, formatValue(s.v[i])).build();
                StepSeries o = outs.get(key);
                if (o == null) {
                    o = new StepSeries(key, g.n(), false);
                    outs.put(key, o);
                    out.add(o);
                }
                o.set(i, o.has(i) ? o.v[i] + 1 : 1);
            }
        }
        return out;
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as count_values prints its label. */
    static String formatValue(double v) {
        return io.gnomon.tsdb.text.GoFloat.format(v);
    }
}
