package io.gnomon.promql.engine.eval;

import io.gnomon.tsdb.labels.Labels;

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
