package io.gnomon.promql.engine.eval;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.StaleNaN;

/**
 * The raw points of one series that a range function reads: samples of a matrix selector (stale
 * markers removed) or points of a subquery, in time order, in growable primitive arrays.
 * Windows over it are index ranges {@code [lo, hi)} that slide forward with the steps.
 */
final class RangeSeries {
    Labels labels;
    long[] t;
    double[] v;
    int n;
    boolean dropName;

    RangeSeries(Labels labels, int capacity) {
        this.labels = labels;
        this.t = new long[Math.max(4, capacity)];
        this.v = new double[Math.max(4, capacity)];
    }

    /** Empties the series for reuse with other labels, keeping the arrays. */
    void reset(Labels l) {
        labels = l;
        n = 0;
        dropName = false;
    }

    /**
     * Appends the float samples that follow the iterator's position up to {@code maxt}, dropping
     * stale markers, decoding in runs ({@link SampleIterator#nextFloats}) straight into the arrays.
     */
    void addRun(SampleIterator it, long maxt) {
        while (true) {
            if (t.length - n < RUN) {
                t = java.util.Arrays.copyOf(t, Math.max(t.length * 2, n + RUN));
                v = java.util.Arrays.copyOf(v, t.length);
            }
            int from = n;
            int k = it.nextFloats(t, v, from, t.length - from);
            if (k == 0) {
                return;
            }
            int w = from;
            int end = from + k;
            boolean past = false;
            for (int i = from; i < end; i++) {
                if (t[i] > maxt) {
                    past = true;
                    break;
                }
                if (StaleNaN.is(v[i])) {
                    continue;
                }
                t[w] = t[i];
                v[w] = v[i];
                w++;
            }
            n = w;
            if (past) {
                return;
            }
        }
    }

    /** Fewest free slots offered to one {@link SampleIterator#nextFloats} call. */
    private static final int RUN = 64;

    void add(long ts, double value) {
        if (n == t.length) {
            t = java.util.Arrays.copyOf(t, n * 2);
            v = java.util.Arrays.copyOf(v, n * 2);
        }
        t[n] = ts;
        v[n] = value;
        n++;
    }
}
