package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Expr;
import java.util.List;

/**
 * A range-vector node (matrix selector or subquery) ready for range functions: the raw points of
 * every series, and how each step's window is placed. For step time {@code ts} the window is
 * {@code (end - rangeMs, end]} with {@code end = (atMs != null ? atMs : ts) - offsetMs}: left-open,
 * as in Prometheus 3.
 */
record RangeMatrix(List<RangeSeries> series, long rangeMs, long offsetMs, Long atMs, Expr node) {
    long windowEnd(long ts) {
        return (atMs != null ? atMs : ts) - offsetMs;
    }
}
