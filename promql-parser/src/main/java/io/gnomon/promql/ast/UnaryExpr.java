package io.gnomon.promql.ast;

/** {@code -expr} or {@code +expr} (a sign on a number literal is folded into the literal). */
public record UnaryExpr(BinaryOp op, Expr expr, PosRange pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
