package io.gnomon.promql.ast;

/**
 * {@code lhs op rhs}. {@code matching} is null unless both sides are instant vectors (as in
 * Prometheus after type checking); set operators always have many-to-many matching.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, PosRange pos)
        implements Expr {
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }
}
