package io.gnomon.promql.engine.value;

import io.gnomon.tsdb.labels.Labels;
import java.util.List;

/**
 * A range vector: series sorted by labels (as Prometheus returns them), each with its points in
 * increasing time order.
 */
public final class Matrix implements Value {
    /** One series: {@code count} points in {@code t[0..count)} and {@code v[0..count)}. */
    public record Series(Labels labels, long[] t, double[] v, int count) {
    }

    private final List<Series> series;

    public Matrix(List<Series> series) {
        this.series = List.copyOf(series);
    }

    public int size() {
        return series.size();
    }

    public Series series(int i) {
        return series.get(i);
    }

    public List<Series> series() {
        return series;
    }

    @Override
    public String typeName() {
        return "matrix";
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Series s : series) {
            sb.append(s.labels()).append(" =>");
            for (int i = 0; i < s.count(); i++) {
                sb.append(' ').append(s.v()[i]).append('@').append(s.t()[i]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
