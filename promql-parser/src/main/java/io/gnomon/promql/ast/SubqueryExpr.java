package io.gnomon.promql.ast;

import java.time.Duration;

/**
 * A subquery {@code expr[range:step] @ t offset d}. A zero {@code step} with a null
 * {@code stepExpr} means the default step ({@code expr[5m:]}).
 */
public record SubqueryExpr(
        Expr expr,
        Duration range,
        Expr rangeExpr,
        Duration step,
        Expr stepExpr,
        OffsetModifier offset,
        AtModifier at,
        PosRange pos) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
    }

    public SubqueryExpr withOffset(OffsetModifier o, PosRange p) {
        return new SubqueryExpr(expr, range, rangeExpr, step, stepExpr, o, at, p);
    }

    public SubqueryExpr withAt(AtModifier a, PosRange p) {
        return new SubqueryExpr(expr, range, rangeExpr, step, stepExpr, offset, a, p);
    }
}
