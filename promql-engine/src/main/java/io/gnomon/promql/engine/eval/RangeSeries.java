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
    /**
     * Start timestamps per point (0: none), valid only while {@link #hasStarts}: allocated with
     * the first point that has one, so series without start timestamps cost nothing.
     */
    long[] st;
    boolean hasStarts;
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
        hasStarts = false;
    }

    /** The start timestamps aligned with {@link #t}, or null when no point has one. */
    long[] starts() {
        return hasStarts ? st : null;
    }

    /** Adds a point with start timestamp {@code start} (0: none). */
    void add(long ts, double value, long start) {
        if (start != 0 && !hasStarts) {
            if (st == null || st.length < t.length) {
                st = new long[t.length];
            } else {
                java.util.Arrays.fill(st, 0, n, 0L);
            }
            hasStarts = true;
        }
        add(ts, value);
        if (hasStarts) {
            if (st.length < t.length) {
                st = java.util.Arrays.copyOf(st, t.length);
            }
            st[n - 1] = start;
        }
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
