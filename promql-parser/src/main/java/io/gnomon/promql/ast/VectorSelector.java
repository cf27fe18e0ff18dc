package io.gnomon.promql.ast;

import java.util.List;

/**
 * An instant vector selector {@code name{matchers} @ t offset d}.
 *
 * <p>{@code matchers} holds every matcher, including the {@code __name__="name"} matcher
 * added for a metric name written outside the braces (last in the list, as in Prometheus);
 * {@code name} is the metric name written outside the braces, or "" if none.
 * When the selector is the inner part of a {@link MatrixSelector}, its modifiers are those of
 * the range selector. {@code anchored}/{@code smoothed} are the extended range modifiers.
 * {@code bypassEmptyMatcherCheck} is set for the label-selector argument of {@code info()}.
 */
public record VectorSelector(
        String name,
        List<LabelMatcher> matchers,
        OffsetModifier offset,
        AtModifier at,
        boolean anchored,
        boolean smoothed,
        boolean bypassEmptyMatcherCheck,
        PosRange pos) implements Expr {

    public VectorSelector {
        matchers = List.copyOf(matchers);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
    }

    public VectorSelector withOffset(OffsetModifier o, PosRange p) {
        return new VectorSelector(name, matchers, o, at, anchored, smoothed, bypassEmptyMatcherCheck, p);
    }

    public VectorSelector withAt(AtModifier a, PosRange p) {
        return new VectorSelector(name, matchers, offset, a, anchored, smoothed, bypassEmptyMatcherCheck, p);
    }

    public VectorSelector withExtended(boolean anch, boolean smooth, PosRange p) {
        return new VectorSelector(name, matchers, offset, at, anch, smooth, bypassEmptyMatcherCheck, p);
    }

    public VectorSelector withBypassEmptyMatcherCheck() {
        return new VectorSelector(name, matchers, offset, at, anchored, smoothed, true, pos);
    }

    public VectorSelector withPos(PosRange p) {
        return new VectorSelector(name, matchers, offset, at, anchored, smoothed, bypassEmptyMatcherCheck, p);
    }
}
