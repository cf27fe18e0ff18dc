package io.gnomon.promql.ast;

import java.util.List;

/**
 * {@code op by|without (grouping) ([param,] expr)}. {@code param} is null for operators
 * without a parameter. {@code grouping} is empty for neither {@code by} nor {@code without};
 * {@code sum without () (x)} has {@code without} true and an empty list.
 */
public record AggregateExpr(AggregateOp op, Expr expr, Expr param, List<String> grouping, boolean without, PosRange pos)
        implements Expr {
    public AggregateExpr {
        grouping = List.copyOf(grouping);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }
}
