package io.gnomon.promql.ast;

import java.time.Duration;

/**
 * A range vector selector {@code selector[range]}. The range is either fixed
 * ({@code range}, {@code rangeExpr} null) or a duration expression ({@code rangeExpr}).
 * Offset, {@code @} and anchored/smoothed live on the inner {@link VectorSelector}.
 */
public record MatrixSelector(VectorSelector selector, Duration range, Expr rangeExpr, PosRange pos)
        implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    public MatrixSelector with(VectorSelector vs, PosRange p) {
        return new MatrixSelector(vs, range, rangeExpr, p);
    }
}
