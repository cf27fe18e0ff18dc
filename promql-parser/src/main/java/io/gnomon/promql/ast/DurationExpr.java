package io.gnomon.promql.ast;

/**
 * A duration expression in a range, subquery step or offset: arithmetic on durations and
 * numbers (seconds), {@code step()}, {@code range()}, {@code min_of(a, b)},
 * {@code max_of(a, b)}. Operands are {@link NumberLiteral}s or {@code DurationExpr}s.
 * A unary minus has a null {@code lhs}; a parenthesised literal is an {@code ADD} node with a
 * null {@code lhs} and {@code wrapped} set, exactly as Prometheus represents them.
 */
public record DurationExpr(Op op, Expr lhs, Expr rhs, boolean wrapped, PosRange pos) implements Expr {
    public enum Op {
        ADD("+"), SUB("-"), MUL("*"), DIV("/"), MOD("%"), POW("^"),
        STEP("step"), RANGE("range"), MIN_OF("min_of"), MAX_OF("max_of");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public DurationExpr withWrapped(PosRange p) {
        return new DurationExpr(op, lhs, rhs, true, p);
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
