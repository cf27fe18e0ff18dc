package io.gnomon.promql.parser;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AggregateOp;
import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.BinaryOp;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.DurationExpr;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.NumberLiteral;
import io.gnomon.promql.ast.OffsetModifier;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.ast.StringLiteral;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.functions.Functions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Terse constructors for expected trees in parser tables; positions are {@link PosRange#NONE}. */
final class Ast {
    static final PosRange N = PosRange.NONE;

    private Ast() {
    }

    static NumberLiteral num(double v) {
        return new NumberLiteral(v, false, N);
    }

    static NumberLiteral dur(double seconds) {
        return new NumberLiteral(seconds, true, N);
    }

    static StringLiteral str(String s) {
        return new StringLiteral(s, N);
    }

    /** {@code name{matchers}}; matchers as alternating "name", "op value" pairs, e.g. "job", "=a". */
    static VectorSelector vs(String name, String... pairs) {
        List<LabelMatcher> ms = new ArrayList<>();
        for (int i = 0; i < pairs.length; i += 2) {
            String v = pairs[i + 1];
            LabelMatcher.Type t;
            String val;
            if (v.startsWith("=~")) {
                t = LabelMatcher.Type.RE;
                val = v.substring(2);
            } else if (v.startsWith("!~")) {
                t = LabelMatcher.Type.NRE;
                val = v.substring(2);
            } else if (v.startsWith("!=")) {
                t = LabelMatcher.Type.NEQ;
                val = v.substring(2);
            } else {
                t = LabelMatcher.Type.EQ;
                val = v.substring(1);
            }
            ms.add(new LabelMatcher(t, pairs[i], val));
        }
        if (!name.isEmpty()) {
            ms.add(LabelMatcher.eq("__name__", name));
        }
        return new VectorSelector(name, ms, OffsetModifier.NONE, AtModifier.NONE, false, false, false, N);
    }

    static VectorSelector offset(VectorSelector v, Duration d) {
        return v.withOffset(OffsetModifier.of(d), N);
    }

    static VectorSelector offset(VectorSelector v, Expr durationExpr) {
        return v.withOffset(OffsetModifier.of(durationExpr), N);
    }

    static VectorSelector at(VectorSelector v, long millis) {
        return v.withAt(AtModifier.at(millis), N);
    }

    static MatrixSelector range(VectorSelector v, Duration d) {
        return new MatrixSelector(v, d, null, N);
    }

    static MatrixSelector range(VectorSelector v, Expr durationExpr) {
        return new MatrixSelector(v, Duration.ZERO, durationExpr, N);
    }

    static SubqueryExpr subquery(Expr e, Duration range, Duration step) {
        return new SubqueryExpr(e, range, null, step, null, OffsetModifier.NONE, AtModifier.NONE, N);
    }

    static BinaryExpr bin(BinaryOp op, Expr l, Expr r) {
        VectorMatching vm = l.type() == io.gnomon.promql.ast.ValueType.VECTOR && r.type() == io.gnomon.promql.ast.ValueType.VECTOR
                ? new VectorMatching(op.isSetOperator() ? VectorMatching.Cardinality.MANY_TO_MANY : VectorMatching.Cardinality.ONE_TO_ONE,
                        List.of(), false, List.of(), null, null)
                : null;
        return new BinaryExpr(op, l, r, vm, false, N);
    }

    static BinaryExpr bin(BinaryOp op, Expr l, Expr r, VectorMatching vm, boolean returnBool) {
        return new BinaryExpr(op, l, r, vm, returnBool, N);
    }

    static VectorMatching matching(VectorMatching.Cardinality card, boolean on, List<String> labels, List<String> include) {
        return new VectorMatching(card, labels, on, include, null, null);
    }

    static UnaryExpr neg(Expr e) {
        return new UnaryExpr(BinaryOp.SUB, e, N);
    }

    static ParenExpr paren(Expr e) {
        return new ParenExpr(e, N);
    }

    static AggregateExpr agg(AggregateOp op, Expr e) {
        return new AggregateExpr(op, e, null, List.of(), false, N);
    }

    static AggregateExpr agg(AggregateOp op, Expr param, Expr e, boolean without, String... grouping) {
        return new AggregateExpr(op, e, param, Arrays.asList(grouping), without, N);
    }

    static Call call(String fn, Expr... args) {
        return new Call(Functions.get(fn), Arrays.asList(args), N);
    }

    static DurationExpr dexpr(DurationExpr.Op op, Expr l, Expr r) {
        return new DurationExpr(op, l, r, false, N);
    }

    static DurationExpr wrapped(DurationExpr d) {
        return d.withWrapped(N);
    }
}
