package io.gnomon.promql.ast;

/**
 * A number, or a duration literal such as {@code 5m} (then {@code duration} is true and
 * {@code value} is in seconds, 300 for {@code 5m}).
 */
public record NumberLiteral(double value, boolean duration, PosRange pos) implements Expr {
    public NumberLiteral withPos(PosRange p) {
        return new NumberLiteral(value, duration, p);
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }
}
