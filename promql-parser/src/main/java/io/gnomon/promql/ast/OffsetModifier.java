package io.gnomon.promql.ast;

import java.time.Duration;

/**
 * The {@code offset} modifier: a fixed duration (possibly negative, zero when absent) or a
 * duration expression ({@code offset step()}, {@code offset (1h + 5m)}) that the engine
 * evaluates per query. Exactly one of the two is meaningful: {@code expr} is null for a fixed
 * offset.
 */
public record OffsetModifier(Duration duration, Expr expr) {
    public static final OffsetModifier NONE = new OffsetModifier(Duration.ZERO, null);

    public static OffsetModifier of(Duration d) {
        return new OffsetModifier(d, null);
    }

    public static OffsetModifier of(Expr durationExpr) {
        return new OffsetModifier(Duration.ZERO, durationExpr);
    }

    public boolean isSet() {
        return expr != null || !duration.isZero();
    }
}
