package io.gnomon.promql.ast;

/**
 * {@code lhs op rhs}. {@code matching} is null unless both sides are instant vectors (as in
 * Prometheus after type checking); set operators always have many-to-many matching.
 */
public record BinaryExpr(BinaryOp op, Expr lhs, Expr rhs, VectorMatching matching, boolean returnBool, PosRange pos)
        implements Expr {
    /** Scalar if both sides are scalars, else instant vector; iterative over long left-nested chains. */
    @Override
    public ValueType type() {
        Expr cur = this;
        while (cur instanceof BinaryExpr b) {
            if (b.rhs.type() != ValueType.SCALAR) {
                return ValueType.VECTOR;
            }
            cur = b.lhs;
        }
        return cur.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }
}
