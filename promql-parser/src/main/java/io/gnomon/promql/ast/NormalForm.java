package io.gnomon.promql.ast;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Structural normal form of a tree, for comparing two parses of equivalent text (a query and
 * its formatted form). Records include their {@link PosRange} in {@code equals}, and the
 * formatter prints label matchers sorted as Prometheus does, so the normal form drops every
 * position ({@link PosRange#NONE}) and puts each selector's matchers in a canonical order.
 * Nothing else changes: {@code NormalForm.of(a).equals(NormalForm.of(b))} means a and b
 * evaluate identically.
 */
public final class NormalForm {
    private static final Comparator<LabelMatcher> MATCHER_ORDER = Comparator.comparing(LabelMatcher::name)
            .thenComparing(LabelMatcher::type).thenComparing(LabelMatcher::value);

    private NormalForm() {
    }

    /** The normal form of {@code e} (null for null). */
    public static Expr of(Expr e) {
        return strip(e);
    }

    private static Expr strip(Expr e) {
        if (e == null) {
            return null;
        }
        PosRange n = PosRange.NONE;
        if (e instanceof NumberLiteral x) {
            return new NumberLiteral(x.value(), x.duration(), n);
        } else if (e instanceof StringLiteral x) {
            return new StringLiteral(x.value(), n);
        } else if (e instanceof VectorSelector x) {
            return stripVs(x);
        } else if (e instanceof MatrixSelector x) {
            return new MatrixSelector(stripVs(x.selector()), x.range(), strip(x.rangeExpr()), n);
        } else if (e instanceof SubqueryExpr x) {
            return new SubqueryExpr(strip(x.expr()), x.range(), strip(x.rangeExpr()), x.step(), strip(x.stepExpr()),
                    stripOffset(x.offset()), x.at(), n);
        } else if (e instanceof BinaryExpr top) {
            // Iterate down the left spine: operator chains can be thousands long.
            java.util.ArrayDeque<BinaryExpr> spine = new java.util.ArrayDeque<>();
            Expr cur = top;
            while (cur instanceof BinaryExpr x) {
                spine.push(x);
                cur = x.lhs();
            }
            Expr acc = strip(cur);
            while (!spine.isEmpty()) {
                BinaryExpr x = spine.pop();
                acc = new BinaryExpr(x.op(), acc, strip(x.rhs()), x.matching(), x.returnBool(), n);
            }
            return acc;
        } else if (e instanceof UnaryExpr x) {
            return new UnaryExpr(x.op(), strip(x.expr()), n);
        } else if (e instanceof ParenExpr x) {
            return new ParenExpr(strip(x.expr()), n);
        } else if (e instanceof AggregateExpr x) {
            return new AggregateExpr(x.op(), strip(x.expr()), strip(x.param()), x.grouping(), x.without(), n);
        } else if (e instanceof Call x) {
            List<Expr> args = new ArrayList<>(x.args().size());
            for (Expr a : x.args()) {
                args.add(strip(a));
            }
            return new Call(x.function(), args, n);
        } else if (e instanceof DurationExpr x) {
            return new DurationExpr(x.op(), strip(x.lhs()), strip(x.rhs()), x.wrapped(), n);
        }
        throw new IllegalArgumentException("unknown node " + e.getClass());
    }

    private static VectorSelector stripVs(VectorSelector x) {
        List<LabelMatcher> ms = new ArrayList<>(x.matchers());
        ms.sort(MATCHER_ORDER);
        return new VectorSelector(x.name(), ms, stripOffset(x.offset()), x.at(), x.anchored(), x.smoothed(),
                x.bypassEmptyMatcherCheck(), PosRange.NONE);
    }

    private static OffsetModifier stripOffset(OffsetModifier o) {
        return o.expr() == null ? o : new OffsetModifier(o.duration(), strip(o.expr()));
    }
}
