package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.engine.QueryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code anchored} and {@code smoothed} range-selector modifiers. Both look back one
 * lookback delta before the range for the sample that was current at its start; anchored takes
 * that sample as the value at the start, smoothed interpolates linearly between the samples
 * around each boundary (and also looks a lookback delta past the end). {@code rate},
 * {@code increase} and {@code delta} then subtract the boundary values instead of extrapolating.
 */
final class ExtendedRange {
    private static final Set<String> ANCHORED_SAFE = Set.of("changes", "delta", "increase", "rate", "resets");
    private static final Set<String> SMOOTHED_SAFE = Set.of("delta", "increase", "rate");

    private ExtendedRange() {
    }

    static List<StepSeries> eval(Evaluator ev, Call c, MatrixSelector ms, Grid g) {
        String name = c.function().name();
        boolean smoothed = ms.selector().smoothed();
        if (!smoothed && !ANCHORED_SAFE.contains(name)) {
            throw QueryException.execution("anchored modifier can only be used with: changes, delta, increase, rate, resets - not with " + name);
        }
        if (smoothed && !SMOOTHED_SAFE.contains(name)) {
            throw QueryException.execution("smoothed modifier can only be used with: delta, increase, rate - not with " + name);
        }
        long lookback = ev.ctx.options.lookbackDelta().toMillis();
        RangeMatrix rm = ev.selectMatrix(ms, g, lookback, smoothed ? lookback : 0);
        boolean counter = !name.equals("delta");
        List<StepSeries> out = new ArrayList<>();
        rm.forEach(s -> {
            StepSeries o = new StepSeries(s.labels, g.n(), true);
            for (int i = 0; i < g.n(); i++) {
                long rangeEnd = rm.windowEnd(g.t(i));
                long rangeStart = rangeEnd - rm.rangeMs();
                int lo = Evaluator.lowerBound(s.t, s.n, rangeStart - lookback + 1);
                int hi = Evaluator.lowerBound(s.t, s.n, (smoothed ? rangeEnd + lookback : rangeEnd) + 1);
                if (hi <= lo) {
                    continue;
                }
                double v;
                if (name.equals("changes") || name.equals("resets")) {
                    double[] ext = extend(s, lo, hi, rangeStart, rangeEnd);
                    if (ext == null) {
                        continue;
                    }
                    int r = 0;
                    for (int k = 1; k < ext.length; k++) {
                        boolean hit = name.equals("resets") ? ext[k] < ext[k - 1]
                                : ext[k] != ext[k - 1] && !(Double.isNaN(ext[k]) && Double.isNaN(ext[k - 1]));
                        if (hit) {
                            r++;
                        }
                    }
                    v = r;
                } else {
                    double[] res = rate(s, lo, hi, rangeStart, rangeEnd, smoothed, counter);
                    if (res == null) {
                        continue;
                    }
                    v = res[0];
                    if (name.equals("rate")) {
                        v /= rm.rangeMs() / 1000.0;
                    }
                }
                o.set(i, v);
            }
            if (!o.isEmpty()) {
                out.add(o);
            }
        });
        return out;
    }

    /** First index in {@code [lo, limit)} whose time satisfies the predicate, else {@code limit}. */
    private static int searchGreater(long[] t, int lo, int limit, long x, boolean orEqual) {
        for (int k = lo; k < limit; k++) {
            if (orEqual ? t[k] >= x : t[k] > x) {
                return k;
            }
        }
        return limit;
    }

    private static double[] rate(RangeSeries s, int lo, int hi, long rangeStart, long rangeEnd, boolean smoothed, boolean counter) {
        long[] t = s.t;
        double[] v = s.v;
        int last = hi - 1;
        int first = Math.max(lo, searchGreater(t, lo, last, rangeStart, false) - 1);
        if (smoothed) {
            last = searchGreater(t, lo, last, rangeEnd, true);
        }
        if (t[last] <= rangeStart) {
            return null;
        }
        if (smoothed && t[first] > rangeEnd) {
            return null;
        }
        double left = smoothed && t[first] < rangeStart ? interpolate(t[first], v[first], t[first + 1], v[first + 1], rangeStart, counter) : v[first];
        double right = smoothed && last > lo && t[last] > rangeEnd ? interpolate(t[last - 1], v[last - 1], t[last], v[last], rangeEnd, counter) : v[last];
        double result = right - left;
        if (counter) {
            if (t[first] <= rangeStart) {
                first++;
            }
            if (t[last] >= rangeEnd) {
                last--;
            }
            double corr = 0;
            double prev = left;
            for (int k = first; k <= last; k++) {
                if (v[k] < prev) {
                    corr += prev;
                }
                prev = v[k];
            }
            if (right < prev) {
                corr += prev;
            }
            result += corr;
        }
        return new double[] {result};
    }

    private static double interpolate(long t1, double y1, long t2, double y2, long t, boolean counter) {
        if (counter && y2 < y1) {
            y1 = 0;
        }
        return y1 + (y2 - y1) * (double) (t - t1) / (double) (t2 - t1);
    }

    /** Prometheus's {@code extendFloats} (anchored): the window with its start and end values added. */
    private static double[] extend(RangeSeries s, int lo, int hi, long mint, long maxt) {
        long[] t = s.t;
        double[] v = s.v;
        int last = hi - 1;
        int first = Math.max(lo, searchGreater(t, lo, last, mint, false) - 1);
        if (t[last] <= mint) {
            return null;
        }
        double left = v[first];
        double right = v[last];
        if (t[first] <= mint) {
            first++;
        }
        if (t[last] >= maxt) {
            last--;
        }
        int count = Math.max(last - first + 1, 0);
        double[] out = new double[count + 2];
        out[0] = left;
        System.arraycopy(v, first, out, 1, count);
        out[count + 1] = right;
        return out;
    }
}
