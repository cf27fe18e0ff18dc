package io.gnomon.promql.engine.value;

import io.gnomon.tsdb.labels.Labels;

/**
 * An instant vector: {@code size()} samples, each a label set, a timestamp and a float value,
 * in columns. The arrays are owned by the vector; do not modify them.
 */
public final class Vector implements Value {
    private final Labels[] labels;
    private final long[] ts;
    private final double[] vs;
    private final int size;

    public Vector(Labels[] labels, long[] ts, double[] vs, int size) {
        this.labels = labels;
        this.ts = ts;
        this.vs = vs;
        this.size = size;
    }

    public int size() {
        return size;
    }

    public Labels labels(int i) {
        return labels[i];
    }

    public long t(int i) {
        return ts[i];
    }

    public double v(int i) {
        return vs[i];
    }

    @Override
    public String typeName() {
        return "vector";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(labels[i]).append(" => ").append(vs[i]).append(" @").append(ts[i]).append('\n');
        }
        return sb.toString();
    }
}
