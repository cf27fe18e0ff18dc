package io.gnomon.promql.engine.eval;

import io.gnomon.tsdb.labels.Labels;

/**
 * One series of an instant-vector node evaluated over a {@link Grid}: a value per step and a
 * presence bit per step (a NaN is a value, so absence needs its own bit). {@code dropName}
 * is Prometheus's delayed name removal: the metric name (and {@code __type__}/{@code __unit__})
 * is removed when the query finishes, so that functions in between still see it.
 */
final class StepSeries {
    Labels labels;
    final double[] v;
    final long[] present;
    boolean dropName;

    StepSeries(Labels labels, int n, boolean dropName) {
        this.labels = labels;
        this.v = new double[n];
        this.present = new long[(n + 63) >>> 6];
        this.dropName = dropName;
    }

    boolean has(int i) {
        return (present[i >>> 6] & (1L << i)) != 0;
    }

    void set(int i, double value) {
        v[i] = value;
        present[i >>> 6] |= 1L << i;
    }

    void clear(int i) {
        present[i >>> 6] &= ~(1L << i);
    }

    boolean isEmpty() {
        for (long w : present) {
            if (w != 0) {
                return false;
            }
        }
        return true;
    }

    int count() {
        int c = 0;
        for (long w : present) {
            c += Long.bitCount(w);
        }
        return c;
    }
}
