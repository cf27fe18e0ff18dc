package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Expr;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A range-vector node (matrix selector or subquery) ready for range functions: the raw points of
 * every series, and how each step's window is placed. For step time {@code ts} the window is
 * {@code (end - rangeMs, end]} with {@code end = (atMs != null ? atMs : ts) - offsetMs}: left-open,
 * as in Prometheus 3.
 *
 * <p>A matrix selector's series are streamed ({@code source} set): {@link #forEach} reads one
 * series at a time from storage into one reused {@link RangeSeries}, so a range function holds
 * the raw samples of a single series at a time, never the whole selection. Consumers must not
 * keep the series object. A subquery's series are materialised ({@code series} set).
 */
record RangeMatrix(List<RangeSeries> series, long rangeMs, long offsetMs, Long atMs, Expr node,
        Consumer<Consumer<RangeSeries>> source) {
    long windowEnd(long ts) {
        return (atMs != null ? atMs : ts) - offsetMs;
    }

    /** Calls {@code c} for each series; a streamed matrix can be read once. */
    void forEach(Consumer<RangeSeries> c) {
        if (source != null) {
            source.accept(c);
        } else {
            series.forEach(c);
        }
    }

    /** All series as independent copies (for results that keep them). */
    List<RangeSeries> materialize() {
        if (source == null) {
            return series;
        }
        List<RangeSeries> out = new ArrayList<>();
        source.accept(s -> {
            RangeSeries copy = new RangeSeries(s.labels, s.n);
            long[] st = s.starts();
            for (int i = 0; i < s.n; i++) {
                copy.add(s.t[i], s.v[i], st == null ? 0 : st[i]);
            }
            copy.dropName = s.dropName;
            out.add(copy);
        });
        return out;
    }
}
