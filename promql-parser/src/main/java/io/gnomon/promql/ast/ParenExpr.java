package io.gnomon.promql.ast;

/** {@code (expr)}, kept so that formatting preserves the written grouping. */
public record ParenExpr(Expr expr, PosRange pos) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
    }
}
