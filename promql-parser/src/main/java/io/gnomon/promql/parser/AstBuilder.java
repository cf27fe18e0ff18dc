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
import io.gnomon.promql.functions.Function;
import io.gnomon.promql.functions.Functions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Turns the ANTLR parse tree into the typed AST and raises the errors that Prometheus raises
 * while parsing (its grammar actions): literal syntax, modifier placement, durations. Type
 * errors come afterwards, from {@link TypeChecker}, as in Prometheus.
 */
final class AstBuilder {
    /** Largest duration in seconds that fits Go's int64 nanoseconds. */
    private static final double MAX_DURATION_SECONDS = 9.223372036854775807e9;

    private static final VectorMatching PLAIN =
            new VectorMatching(VectorMatching.Cardinality.ONE_TO_ONE, List.of(), false, List.of(), null, null);

    private final String query;
    private final int[] cpToChar; // code point index -> char index, null when identical

    AstBuilder(String query) {
        this.query = query;
        int cps = query.codePointCount(0, query.length());
        if (cps == query.length()) {
            cpToChar = null;
        } else {
            cpToChar = new int[cps + 1];
            int ci = 0;
            for (int i = 0; i < cps; i++) {
                cpToChar[i] = ci;
                ci += Character.charCount(query.codePointAt(ci));
            }
            cpToChar[cps] = ci;
        }
    }

    // ---- positions ----------------------------------------------------------------------

    int charIndex(int cp) {
        if (cpToChar == null || cp < 0) {
            return cp;
        }
        return cpToChar[Math.min(cp, cpToChar.length - 1)];
    }

    PosRange pos(Token t) {
        if (t.getType() == Token.EOF) {
            return PosRange.of(query.length(), query.length());
        }
        return PosRange.of(charIndex(t.getStartIndex()), charIndex(t.getStopIndex() + 1));
    }

    private PosRange pos(ParserRuleContext c) {
        return PosRange.of(charIndex(c.start.getStartIndex()), charIndex(c.stop.getStopIndex() + 1));
    }

    private PosRange span(PosRange from, Token to) {
        return PosRange.of(from.start(), pos(to).end());
    }

    ParseException error(PosRange p, String msg) {
        return new ParseException(query, p, msg);
    }

    // ---- expressions --------------------------------------------------------------------

    Expr build(PromQL.ExprContext c) {
        if (c instanceof PromQL.NumberLiteralContext x) {
            return numberLiteral(x.getStart());
        } else if (c instanceof PromQL.StringLiteralContext x) {
            return new StringLiteral(unquote(x.STRING().getSymbol()), pos(x.STRING().getSymbol()));
        } else if (c instanceof PromQL.VectorSelectorContext x) {
            return vectorSelector(x);
        } else if (c instanceof PromQL.ParenContext x) {
            return new ParenExpr(build(x.expr()), pos(x));
        } else if (c instanceof PromQL.UnaryContext x) {
            return unary(x);
        } else if (c instanceof PromQL.BinaryContext x) {
            return binary(x);
        } else if (c instanceof PromQL.AggregateContext x) {
            return aggregate(x);
        } else if (c instanceof PromQL.CallContext x) {
            return call(x);
        } else if (c instanceof PromQL.RangeOrSubqueryContext x) {
            return rangeOrSubquery(x);
        } else if (c instanceof PromQL.OffsetModifierContext x) {
            return offset(x);
        } else if (c instanceof PromQL.AtModifierContext x) {
            return at(x);
        } else if (c instanceof PromQL.ExtendedRangeModifierContext x) {
            return extended(x);
        }
        throw new IllegalStateException("unhandled parse tree node " + c.getClass().getSimpleName());
    }

    private NumberLiteral numberLiteral(Token t) {
        return new NumberLiteral(literalValue(t), t.getType() == PromQLLexer.DURATION, pos(t));
    }

    /** Value in seconds of a NUMBER or DURATION token. */
    private double literalValue(Token t) {
        try {
            if (t.getType() == PromQLLexer.DURATION) {
                return Literals.duration(t.getText()).toMillis() / 1000.0;
            }
            return Literals.number(t.getText());
        } catch (Literals.LiteralException e) {
            throw error(pos(t), e.getMessage());
        }
    }

    String unquote(Token t) {
        try {
            return Literals.unquote(t.getText());
        } catch (Literals.LiteralException e) {
            int start = charIndex(t.getStartIndex());
            PosRange p = e.offset >= 0 ? PosRange.of(start + e.offset, start + e.offset + 1) : pos(t);
            throw error(p, e.getMessage());
        }
    }

    private Expr vectorSelector(PromQL.VectorSelectorContext x) {
        String name = x.name != null ? x.name.getText() : "";
        List<LabelMatcher> matchers = new ArrayList<>();
        if (x.labelMatchers() != null) {
            for (PromQL.LabelMatcherContext m : x.labelMatchers().labelMatcher()) {
                if (m instanceof PromQL.LabelMatchContext lm) {
                    Token nameTok = lm.name;
                    String label = nameTok.getType() == PromQLLexer.IDENTIFIER ? nameTok.getText() : unquote(nameTok);
                    matchers.add(new LabelMatcher(matchType(lm.op), label, unquote(lm.value)));
                } else {
                    PromQL.QuotedMetricNameContext q = (PromQL.QuotedMetricNameContext) m;
                    matchers.add(LabelMatcher.eq(LabelMatcher.METRIC_NAME, unquote(q.STRING().getSymbol())));
                }
            }
        }
        if (!name.isEmpty()) {
            matchers.add(LabelMatcher.eq(LabelMatcher.METRIC_NAME, name));
        }
        return new VectorSelector(name, matchers, OffsetModifier.NONE, AtModifier.NONE, false, false, false, pos(x));
    }

    private static LabelMatcher.Type matchType(Token t) {
        switch (t.getType()) {
            case PromQLLexer.EQL:
                return LabelMatcher.Type.EQ;
            case PromQLLexer.NEQ:
                return LabelMatcher.Type.NEQ;
            case PromQLLexer.EQL_REGEX:
                return LabelMatcher.Type.RE;
            default:
                return LabelMatcher.Type.NRE;
        }
    }

    private Expr unary(PromQL.UnaryContext x) {
        Expr e = build(x.expr());
        boolean neg = x.op.getType() == PromQLLexer.SUB;
        PosRange p = PosRange.of(pos(x.op).start(), e.pos().end());
        if (e instanceof NumberLiteral n) {
            return new NumberLiteral(neg ? -n.value() : n.value(), n.duration(), p);
        }
        return new UnaryExpr(neg ? BinaryOp.SUB : BinaryOp.ADD, e, p);
    }

    /**
     * Left-associative chains ({@code a or b or c ...}, thousands long in generated queries)
     * nest on the left; walk that spine with a loop instead of recursion so that only real
     * nesting (parentheses, right operands) uses stack.
     */
    private Expr binary(PromQL.BinaryContext x) {
        java.util.ArrayDeque<PromQL.BinaryContext> spine = new java.util.ArrayDeque<>();
        PromQL.ExprContext cur = x;
        while (cur instanceof PromQL.BinaryContext b) {
            spine.push(b);
            cur = (PromQL.ExprContext) b.getChild(0);
        }
        Expr acc = build(cur);
        while (!spine.isEmpty()) {
            acc = binary(spine.pop(), acc);
        }
        return acc;
    }

    private Expr binary(PromQL.BinaryContext x, Expr lhs) {
        // children: expr, op, [binModifiers,] expr
        int n = x.getChildCount();
        Expr rhs = build((PromQL.ExprContext) x.getChild(n - 1));
        BinaryOp op = binaryOp(x.op);
        if (n == 3) {
            return new BinaryExpr(op, lhs, rhs, PLAIN, false, lhs.pos().merge(rhs.pos()));
        }
        PromQL.BinModifiersContext m = (PromQL.BinModifiersContext) x.getChild(2);
        boolean returnBool = m.BOOL() != null;
        List<String> matchingLabels = List.of();
        boolean on = false;
        List<String> include = List.of();
        VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
        if (m.onOrIgnoring() != null) {
            on = m.onOrIgnoring().ON() != null;
            matchingLabels = groupingLabels(m.onOrIgnoring().groupingLabels());
            PromQL.GroupModifierContext g = m.groupModifier();
            if (g != null) {
                card = g.GROUP_LEFT() != null ? VectorMatching.Cardinality.MANY_TO_ONE : VectorMatching.Cardinality.ONE_TO_MANY;
                if (g.groupingLabels() != null) {
                    include = groupingLabels(g.groupingLabels());
                }
            }
        }
        Double fillLeft = null;
        Double fillRight = null;
        PromQL.FillModifiersContext f = m.fillModifiers();
        if (f != null) {
            List<PromQL.FillValueContext> values = f.fillValue();
            if (f.FILL() != null) {
                fillLeft = fillValue(values.get(0));
                fillRight = fillLeft;
            } else {
                boolean leftFirst = f.getStart().getType() == PromQLLexer.FILL_LEFT;
                Double first = fillValue(values.get(0));
                Double second = values.size() > 1 ? fillValue(values.get(1)) : null;
                if (leftFirst) {
                    fillLeft = first;
                    fillRight = second;
                } else {
                    fillRight = first;
                    fillLeft = second;
                }
            }
        }
        VectorMatching vm = new VectorMatching(card, matchingLabels, on, include, fillLeft, fillRight);
        return new BinaryExpr(op, lhs, rhs, vm, returnBool, lhs.pos().merge(rhs.pos()));
    }

    private double fillValue(PromQL.FillValueContext v) {
        Token lit = v.NUMBER() != null ? v.NUMBER().getSymbol() : v.DURATION().getSymbol();
        double d = literalValue(lit);
        return v.SUB() != null ? -d : d;
    }

    private static BinaryOp binaryOp(Token t) {
        switch (t.getType()) {
            case PromQLLexer.ADD: return BinaryOp.ADD;
            case PromQLLexer.SUB: return BinaryOp.SUB;
            case PromQLLexer.MUL: return BinaryOp.MUL;
            case PromQLLexer.DIV: return BinaryOp.DIV;
            case PromQLLexer.MOD: return BinaryOp.MOD;
            case PromQLLexer.POW: return BinaryOp.POW;
            case PromQLLexer.ATAN2: return BinaryOp.ATAN2;
            case PromQLLexer.EQLC: return BinaryOp.EQLC;
            case PromQLLexer.NEQ: return BinaryOp.NEQ;
            case PromQLLexer.GTR: return BinaryOp.GTR;
            case PromQLLexer.LSS: return BinaryOp.LSS;
            case PromQLLexer.GTE: return BinaryOp.GTE;
            case PromQLLexer.LTE: return BinaryOp.LTE;
            case PromQLLexer.TRIM_UPPER: return BinaryOp.TRIM_UPPER;
            case PromQLLexer.TRIM_LOWER: return BinaryOp.TRIM_LOWER;
            case PromQLLexer.LAND: return BinaryOp.AND;
            case PromQLLexer.LOR: return BinaryOp.OR;
            default: return BinaryOp.UNLESS;
        }
    }

    private List<String> groupingLabels(PromQL.GroupingLabelsContext g) {
        List<Token> ls = g.labels;
        List<String> out = new ArrayList<>(ls.size());
        for (Token l : ls) {
            out.add(l.getType() == PromQLLexer.STRING ? unquote(l) : l.getText());
        }
        return out;
    }

    private List<Expr> args(PromQL.FunctionArgsContext a) {
        if (a.trailingComma != null) {
            throw error(pos(a.trailingComma), "trailing commas not allowed in function call args");
        }
        int n = a.getChildCount();
        List<Expr> out = new ArrayList<>(n / 2);
        for (int i = 1; i < n; i += 2) {
            if (a.getChild(i) instanceof PromQL.ExprContext e) {
                out.add(build(e));
            }
        }
        return out;
    }

    private Expr aggregate(PromQL.AggregateContext x) {
        AggregateOp op = aggregateOp(x.op.getType());
        List<Expr> args = args(x.functionArgs());
        List<String> grouping = List.of();
        boolean without = false;
        PromQL.AggregateModifierContext mod = x.aggregateModifier();
        if (mod != null) {
            without = mod.WITHOUT() != null;
            grouping = groupingLabels(mod.groupingLabels());
        }
        PosRange p = pos(x);
        if (args.isEmpty()) {
            throw error(p, "no arguments for aggregate expression provided");
        }
        int desired = op.hasParam() ? 2 : 1;
        if (args.size() != desired) {
            throw error(p, "wrong number of arguments for aggregate expression provided, expected " + desired
                    + ", got " + args.size());
        }
        Expr param = op.hasParam() ? args.get(0) : null;
        return new AggregateExpr(op, args.get(desired - 1), param, grouping, without, p);
    }

    private static AggregateOp aggregateOp(int tokenType) {
        switch (tokenType) {
            case PromQLLexer.SUM: return AggregateOp.SUM;
            case PromQLLexer.AVG: return AggregateOp.AVG;
            case PromQLLexer.COUNT: return AggregateOp.COUNT;
            case PromQLLexer.MIN: return AggregateOp.MIN;
            case PromQLLexer.MAX: return AggregateOp.MAX;
            case PromQLLexer.GROUP: return AggregateOp.GROUP;
            case PromQLLexer.STDDEV: return AggregateOp.STDDEV;
            case PromQLLexer.STDVAR: return AggregateOp.STDVAR;
            case PromQLLexer.TOPK: return AggregateOp.TOPK;
            case PromQLLexer.BOTTOMK: return AggregateOp.BOTTOMK;
            case PromQLLexer.COUNT_VALUES: return AggregateOp.COUNT_VALUES;
            case PromQLLexer.QUANTILE: return AggregateOp.QUANTILE;
            case PromQLLexer.LIMITK: return AggregateOp.LIMITK;
            default: return AggregateOp.LIMIT_RATIO;
        }
    }

    private Expr call(PromQL.CallContext x) {
        Token nameTok = x.name;
        String name = nameTok.getText();
        Function fn = Functions.get(name);
        if (fn == null) {
            throw error(pos(nameTok), "unknown function with name " + Literals.goQuote(name));
        }
        List<Expr> args = args(x.functionArgs());
        return new Call(fn, args, pos(x));
    }

    // ---- ranges, subqueries, modifiers --------------------------------------------------

    private Expr rangeOrSubquery(PromQL.RangeOrSubqueryContext x) {
        Expr base = build(x.expr());
        PromQL.RangeBodyContext body = x.rangeBody();
        Expr range = positiveDuration(durationExpr(body.range));
        PosRange p = PosRange.of(base.pos().start(), pos(x.RIGHT_BRACKET().getSymbol()).end());
        if (body.COLON() == null) {
            String msg = null;
            VectorSelector vs = base instanceof VectorSelector v ? v : null;
            if (vs == null) {
                msg = "ranges only allowed for vector selectors";
            } else if (vs.offset().isSet()) {
                msg = "no offset modifiers allowed before range";
            } else if (vs.at().isSet()) {
                msg = "no @ modifiers allowed before range";
            }
            if (msg != null) {
                throw error(PosRange.of(pos(x.LEFT_BRACKET().getSymbol()).start(), p.end()), msg);
            }
            return new MatrixSelector(vs, fixedDuration(range), range instanceof DurationExpr ? range : null, p);
        }
        Expr step = body.step == null ? null : positiveDuration(durationExpr(body.step));
        return new SubqueryExpr(base, fixedDuration(range), range instanceof DurationExpr ? range : null,
                step == null ? Duration.ZERO : fixedDuration(step), step instanceof DurationExpr ? step : null,
                OffsetModifier.NONE, AtModifier.NONE, p);
    }

    private static Duration fixedDuration(Expr e) {
        if (e instanceof NumberLiteral n) {
            return secondsToDuration(n.value());
        }
        return Duration.ZERO;
    }

    static Duration secondsToDuration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private Expr positiveDuration(Expr e) {
        if (e instanceof NumberLiteral n && n.value() <= 0) {
            throw error(n.pos(), "duration must be greater than 0");
        }
        return e;
    }

    private Expr offset(PromQL.OffsetModifierContext x) {
        Expr base = build(x.expr());
        PromQL.OffsetValueContext v = x.offsetValue();
        OffsetModifier om;
        if (v instanceof PromQL.OffsetLiteralContext lit) {
            Token t = lit.NUMBER() != null ? lit.NUMBER().getSymbol() : lit.DURATION().getSymbol();
            double val = literalValue(t);
            if (lit.SUB() != null) {
                val = -val;
            }
            if (outOfRange(val)) {
                throw error(lit.SUB() != null || lit.ADD() != null ? pos(lit.getStart()) : pos(t), "duration out of range");
            }
            om = OffsetModifier.of(secondsToDuration(val));
        } else {
            PromQL.OffsetDurationAtomContext a = (PromQL.OffsetDurationAtomContext) v;
            Expr atom = durationAtom(a.durationAtom());
            if (a.SUB() != null) {
                atom = new DurationExpr(DurationExpr.Op.SUB, null, atom, false, PosRange.of(pos(a.SUB().getSymbol()).start(), atom.pos().end()));
            }
            om = OffsetModifier.of(atom);
        }
        PosRange p = span(base.pos(), x.getStop());
        if (base instanceof VectorSelector vs) {
            checkOffsetUnset(vs.offset(), base);
            return vs.withOffset(om, p);
        } else if (base instanceof MatrixSelector ms) {
            checkOffsetUnset(ms.selector().offset(), base);
            return ms.with(ms.selector().withOffset(om, ms.selector().pos()), p);
        } else if (base instanceof SubqueryExpr sq) {
            checkOffsetUnset(sq.offset(), base);
            return sq.withOffset(om, p);
        }
        throw error(base.pos(), "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void checkOffsetUnset(OffsetModifier o, Expr base) {
        if (o.isSet()) {
            throw error(base.pos(), "offset may not be set multiple times");
        }
    }

    private static boolean outOfRange(double v) {
        return v > MAX_DURATION_SECONDS || v < -MAX_DURATION_SECONDS;
    }

    private Expr at(PromQL.AtModifierContext x) {
        Expr base = build(x.expr());
        AtModifier am;
        if (x.atValue() instanceof PromQL.AtTimestampContext ts) {
            Token t = ts.NUMBER() != null ? ts.NUMBER().getSymbol() : ts.DURATION().getSymbol();
            double v = literalValue(t);
            if (ts.SUB() != null) {
                v = -v;
            }
            if (Double.isNaN(v) || Double.isInfinite(v) || v >= 9.223372036854775807e18 || v <= -9.223372036854775808e18) {
                throw error(base.pos(), "timestamp out of bounds for @ modifier: " + goFloatF(v));
            }
            am = AtModifier.at(Math.round(v * 1000));
        } else {
            PromQL.AtStartEndContext se = (PromQL.AtStartEndContext) x.atValue();
            am = se.START() != null ? AtModifier.START : AtModifier.END;
        }
        PosRange p = span(base.pos(), x.getStop());
        if (base instanceof VectorSelector vs) {
            checkAtUnset(vs.at(), base);
            return vs.withAt(am, p);
        } else if (base instanceof MatrixSelector ms) {
            checkAtUnset(ms.selector().at(), base);
            return ms.with(ms.selector().withAt(am, ms.selector().pos()), p);
        } else if (base instanceof SubqueryExpr sq) {
            checkAtUnset(sq.at(), base);
            return sq.withAt(am, p);
        }
        throw error(base.pos(), "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void checkAtUnset(AtModifier a, Expr base) {
        if (a.isSet()) {
            throw error(base.pos(), "@ <timestamp> may not be set multiple times");
        }
    }

    /** Go's {@code %f}. */
    static String goFloatF(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return new java.math.BigDecimal(v).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    private Expr extended(PromQL.ExtendedRangeModifierContext x) {
        Expr base = build(x.expr());
        boolean anchored = x.ANCHORED() != null;
        String name = anchored ? "anchored" : "smoothed";
        PosRange p = span(base.pos(), x.getStop());
        VectorSelector vs;
        if (base instanceof VectorSelector v) {
            vs = v;
        } else if (base instanceof MatrixSelector ms) {
            vs = ms.selector();
        } else if (base instanceof SubqueryExpr) {
            throw error(base.pos(), name + " modifier is not supported for subqueries");
        } else {
            throw error(base.pos(), name + " modifier not implemented");
        }
        if (anchored ? vs.smoothed() : vs.anchored()) {
            throw error(base.pos(), "anchored and smoothed modifiers cannot be used together");
        }
        VectorSelector nvs = vs.withExtended(anchored || vs.anchored(), !anchored || vs.smoothed(), vs.pos());
        if (base instanceof MatrixSelector ms) {
            return ms.with(nvs, p);
        }
        return nvs.withPos(p);
    }

    // ---- duration expressions -----------------------------------------------------------

    private Expr durationExpr(PromQL.DurationExprContext c) {
        if (c instanceof PromQL.DurationLiteralContext x) {
            NumberLiteral n = numberLiteral(x.getStart());
            if (outOfRange(n.value())) {
                throw error(n.pos(), "duration out of range");
            }
            return n;
        } else if (c instanceof PromQL.DurationUnaryContext x) {
            Expr e = durationExpr(x.durationExpr());
            boolean neg = x.op.getType() == PromQLLexer.SUB;
            if (e instanceof NumberLiteral n) {
                double v = neg ? -n.value() : n.value();
                if (outOfRange(v)) {
                    throw error(pos(x.op), "duration out of range");
                }
                return new NumberLiteral(v, n.duration(), PosRange.of(pos(x.op).start(), n.pos().end()));
            }
            if (neg) {
                return new DurationExpr(DurationExpr.Op.SUB, null, e, false, PosRange.of(pos(x.op).start(), e.pos().end()));
            }
            return e;
        } else if (c instanceof PromQL.DurationBinaryContext x) {
            Expr lhs = durationExpr(x.durationExpr(0));
            Expr rhs = durationExpr(x.durationExpr(1));
            DurationExpr.Op op;
            switch (x.op.getType()) {
                case PromQLLexer.ADD: op = DurationExpr.Op.ADD; break;
                case PromQLLexer.SUB: op = DurationExpr.Op.SUB; break;
                case PromQLLexer.MUL: op = DurationExpr.Op.MUL; break;
                case PromQLLexer.DIV: op = DurationExpr.Op.DIV; break;
                case PromQLLexer.MOD: op = DurationExpr.Op.MOD; break;
                default: op = DurationExpr.Op.POW; break;
            }
            if ((op == DurationExpr.Op.DIV || op == DurationExpr.Op.MOD) && rhs instanceof NumberLiteral n && n.value() == 0) {
                throw error(pos(x.op), op == DurationExpr.Op.DIV ? "division by zero" : "modulo by zero");
            }
            return new DurationExpr(op, lhs, rhs, false, lhs.pos().merge(rhs.pos()));
        } else {
            return durationAtom(((PromQL.DurationAtomExprContext) c).durationAtom());
        }
    }

    private Expr durationAtom(PromQL.DurationAtomContext c) {
        PosRange p = pos(c);
        if (c instanceof PromQL.DurationStepContext) {
            return new DurationExpr(DurationExpr.Op.STEP, null, null, false, p);
        } else if (c instanceof PromQL.DurationRangeContext) {
            return new DurationExpr(DurationExpr.Op.RANGE, null, null, false, p);
        } else if (c instanceof PromQL.DurationMinMaxContext x) {
            DurationExpr.Op op = x.op.getType() == PromQLLexer.MIN_OF ? DurationExpr.Op.MIN_OF : DurationExpr.Op.MAX_OF;
            return new DurationExpr(op, durationExpr(x.durationExpr(0)), durationExpr(x.durationExpr(1)), false, p);
        }
        Expr inner = durationExpr(((PromQL.DurationParenContext) c).durationExpr());
        if (inner instanceof DurationExpr d) {
            return d.withWrapped(p);
        }
        return new DurationExpr(DurationExpr.Op.ADD, null, inner, true, p);
    }

}
