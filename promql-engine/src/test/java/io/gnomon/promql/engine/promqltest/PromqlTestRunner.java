package io.gnomon.promql.engine.promqltest;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.Result;
import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.promql.engine.value.Scalar;
import io.gnomon.promql.engine.value.StringValue;
import io.gnomon.promql.engine.value.Value;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.promql.parser.PromQLFormatter;
import io.gnomon.promql.parser.PromQLParser;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.StaleNaN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs a {@link PromqlTestScript} against a memory-only {@link Head}, as upstream's promqltest
 * does: each eval checks failure, annotations and result; each instant eval is also re-run with
 * every selector pinned by {@code @} at shifted times, and as a range query around its time.
 */
final class PromqlTestRunner {
    /** The outcome of one eval: null failure means it passed. */
    record Outcome(String file, int line, String query, String failure, boolean histogramData) {
        boolean passed() {
            return failure == null;
        }
    }

    /** As upstream's test engine: start timestamps are used (start_timestamps.test). */
    private static final QueryOptions OPTIONS = QueryOptions.defaults().withMaxSamples(10_000)
            .withTimeout(Duration.ofSeconds(20)).withStartTimestamps(true);
    private static final Pattern TIME_DEPENDENT = Pattern.compile(
            "\\b(days_in_month|day_of_month|day_of_week|day_of_year|hour|minute|month|year|time|timestamp|predict_linear|start|end|range|step)\\s*\\(");
    private static final Pattern RANGE_SKIP = Pattern.compile("\\b(start|end|range|step)\\s*\\(\\s*\\)");

    private final Engine engine = new Engine(4);

    List<Outcome> run(PromqlTestScript script) {
        List<Outcome> out = new ArrayList<>();
        Head head = new Head(HeadOptions.defaults());
        java.util.Set<Labels> histSeries = new java.util.HashSet<>();
        for (PromqlTestScript.Command c : script.commands) {
            if (c instanceof PromqlTestScript.Clear) {
                head = new Head(HeadOptions.defaults());
                histSeries.clear();
            } else if (c instanceof PromqlTestScript.Load l) {
                load(head, l);
                histSeries.addAll(l.histogramSeries());
            } else if (c instanceof PromqlTestScript.Eval e) {
                String failure;
                try {
                    failure = runEval(head, e);
                } catch (RuntimeException ex) {
                    failure = "runner error: " + ex;
                }
                out.add(new Outcome(script.name, e.line(), e.query(), failure,
                        e.histogramExpected() || touchesHistograms(e.query(), histSeries)));
            }
        }
        return out;
    }

    /** FORMAT.md's definition: a selector of the query matches a series holding native-histogram samples. */
    static boolean touchesHistograms(String query, java.util.Set<Labels> histSeries) {
        if (histSeries.isEmpty()) {
            return false;
        }
        List<VectorSelector> sels = new ArrayList<>();
        collectSelectors(PromQLParser.parse(query), sels);
        for (VectorSelector vs : sels) {
            for (Labels l : histSeries) {
                boolean all = true;
                for (io.gnomon.promql.ast.LabelMatcher m : vs.matchers()) {
                    io.gnomon.tsdb.labels.Matcher tm = io.gnomon.tsdb.labels.Matcher.create(
                            io.gnomon.tsdb.labels.MatchType.valueOf(m.type().name()), m.name(), m.value());
                    if (!tm.matches(l.get(m.name()))) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void collectSelectors(Expr e, List<VectorSelector> out) {
        if (e instanceof VectorSelector vs) {
            out.add(vs);
        } else if (e instanceof MatrixSelector ms) {
            out.add(ms.selector());
        } else if (e instanceof SubqueryExpr sq) {
            collectSelectors(sq.expr(), out);
        } else if (e instanceof ParenExpr p) {
            collectSelectors(p.expr(), out);
        } else if (e instanceof UnaryExpr u) {
            collectSelectors(u.expr(), out);
        } else if (e instanceof BinaryExpr b) {
            collectSelectors(b.lhs(), out);
            collectSelectors(b.rhs(), out);
        } else if (e instanceof AggregateExpr a) {
            collectSelectors(a.expr(), out);
        } else if (e instanceof Call c) {
            for (Expr x : c.args()) {
                collectSelectors(x, out);
            }
        }
    }

    private static void load(Head head, PromqlTestScript.Load l) {
        Appender app = head.appender();
        for (Map.Entry<Labels, List<double[]>> s : l.series().entrySet()) {
            long ref = 0;
            for (double[] sample : s.getValue()) {
                ref = sample.length > 2
                        ? app.appendWithStartTimestamp(ref, s.getKey(), (long) sample[2], (long) sample[0], sample[1])
                        : app.append(ref, s.getKey(), (long) sample[0], sample[1]);
            }
        }
        app.commit();
    }

    private String runEval(Head head, PromqlTestScript.Eval e) {
        String f = runOnce(head, e, e.query(), e.start(), true);
        if (f != null || e.range()) {
            return f;
        }
        boolean timeDependent = TIME_DEPENDENT.matcher(e.query()).find();
        if (!timeDependent) {
            long t = e.start();
            String pinned = PromQLFormatter.format(pin(PromQLParser.parse(e.query()), t));
            long[] times = t != 0 ? new long[] {-10 * t, 0, t / 5, t, 10 * t} : new long[] {-1000, 0, 1000};
            for (long at : times) {
                f = runOnce(head, e, pinned, at, false);
                if (f != null) {
                    return "with @ pinned at " + at + ": " + pinned + ": " + f;
                }
            }
        }
        return null;
    }

    /** Runs the query at {@code time} (instant) or over its range, checks everything. */
    private String runOnce(Head head, PromqlTestScript.Eval e, String query, long time, boolean checkAnnotationsPositions) {
        Result r;
        try {
            if (e.range()) {
                r = engine.rangeQuery(head, query, e.start(), e.end(), e.step(), OPTIONS);
            } else {
                r = engine.instantQuery(head, query, time, OPTIONS);
            }
        } catch (QueryException ex) {
            if (!e.expectFail()) {
                return "unexpected error: " + ex.getMessage();
            }
            for (PromqlTestScript.Expectation x : e.of("fail")) {
                if (x.msg() != null && !x.msg().equals(ex.getMessage())) {
                    return "expected error \"" + x.msg() + "\", got \"" + ex.getMessage() + "\"";
                }
                if (x.regex() != null && !Pattern.compile(x.regex()).matcher(ex.getMessage()).find()) {
                    return "expected error matching " + x.regex() + ", got \"" + ex.getMessage() + "\"";
                }
            }
            return null;
        }
        if (e.expectFail()) {
            return "expected an error, got a result";
        }
        String f = checkAnnotations(e, r.warnings(), "warn");
        if (f == null) {
            f = checkAnnotations(e, r.infos(), "info");
        }
        if (f != null) {
            return f;
        }
        f = checkValue(e, r.value(), e.range() ? e.start() : time);
        if (f != null) {
            return f;
        }
        if (!e.range() && !e.rangeVector() && e.string() == null && !RANGE_SKIP.matcher(query).find()) {
            return crossCheckRange(head, e, query, time);
        }
        return null;
    }

    private String crossCheckRange(Head head, PromqlTestScript.Eval e, String query, long t) {
        Result r;
        try {
            r = engine.rangeQuery(head, query, t - 60_000, t + 60_000, 60_000, OPTIONS);
        } catch (QueryException ex) {
            return "range-mode cross-check failed: " + ex.getMessage();
        }
        Matrix m = (Matrix) r.value();
        for (int i = 1; i < m.size(); i++) {
            if (m.series(i - 1).labels().compareTo(m.series(i).labels()) >= 0) {
                return "range-mode cross-check: matrix not sorted by labels";
            }
        }
        if (e.ordered()) {
            return null;
        }
        List<Labels> ls = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (Matrix.Series s : m.series()) {
            for (int i = 0; i < s.count(); i++) {
                if (s.t()[i] == t) {
                    ls.add(s.labels());
                    vs.add(s.v()[i]);
                }
            }
        }
        if (e.scalar() != null) {
            // upstream compares the first point found at t
            if (vs.isEmpty()) {
                return "range-mode cross-check: expected a scalar at " + t + ", got " + m;
            }
            return almostEqual(e.scalar(), vs.get(0)) ? null
                    : "range-mode cross-check: expected scalar " + e.scalar() + ", got " + vs.get(0);
        }
        String f = compareVector(e, ls, vs, false);
        return f == null ? null : "range-mode cross-check: " + f;
    }

    private static String checkAnnotations(PromqlTestScript.Eval e, List<Annotation> got, String kind) {
        List<PromqlTestScript.Expectation> want = e.of(kind);
        boolean none = !e.of("no_" + kind).isEmpty();
        if (none) {
            return got.isEmpty() ? null : "expected no " + kind + ", got " + got;
        }
        if (want.isEmpty()) {
            return null;
        }
        if (got.isEmpty()) {
            return "expected " + kind + " annotations " + want + ", got none";
        }
        for (PromqlTestScript.Expectation x : want) {
            boolean any = got.stream().anyMatch(a -> matches(x, a.toString()));
            if (!any) {
                return "no " + kind + " matches " + describe(x) + "; got " + got;
            }
        }
        for (Annotation a : got) {
            if (want.stream().noneMatch(x -> matches(x, a.toString()))) {
                return "unexpected " + kind + " " + a;
            }
        }
        return null;
    }

    private static String describe(PromqlTestScript.Expectation x) {
        return x.msg() != null ? "msg: " + x.msg() : x.regex() != null ? "regex: " + x.regex() : "(any)";
    }

    private static boolean matches(PromqlTestScript.Expectation x, String text) {
        if (x.msg() != null) {
            return x.msg().equals(text);
        }
        if (x.regex() != null) {
            return Pattern.compile(x.regex()).matcher(text).find();
        }
        return true;
    }

    private String checkValue(PromqlTestScript.Eval e, Value v, long time) {
        if (e.string() != null) {
            if (!(v instanceof StringValue s)) {
                return "expected string, got " + v.typeName();
            }
            return s.v().equals(e.string()) ? null : "expected string \"" + e.string() + "\", got \"" + s.v() + "\"";
        }
        if (e.scalar() != null) {
            if (!(v instanceof Scalar s)) {
                return "expected scalar " + e.scalar() + ", got " + v.typeName() + " " + v;
            }
            return almostEqual(e.scalar(), s.v()) ? null : "expected scalar " + e.scalar() + ", got " + s.v();
        }
        if (v instanceof Scalar s) {
            return "expected vector or matrix, got scalar " + s.v();
        }
        if (v instanceof StringValue) {
            return "expected vector or matrix, got string";
        }
        if (v instanceof Vector vec) {
            if (e.range() || e.rangeVector()) {
                return "expected matrix, got vector";
            }
            List<Labels> ls = new ArrayList<>();
            List<Double> vs = new ArrayList<>();
            for (int i = 0; i < vec.size(); i++) {
                ls.add(vec.labels(i));
                vs.add(vec.v(i));
            }
            return compareVector(e, ls, vs, e.ordered());
        }
        Matrix m = (Matrix) v;
        if (!e.range() && !e.rangeVector()) {
            return "expected vector, got matrix " + m;
        }
        long start = e.range() ? e.start() : e.rvFrom();
        long end = e.range() ? e.end() : e.rvTo();
        long step = e.range() ? e.step() : e.rvStep();
        for (int i = 1; i < m.size(); i++) {
            if (m.series(i - 1).labels().compareTo(m.series(i).labels()) >= 0) {
                return "matrix not sorted by labels";
            }
        }
        Map<Labels, PromqlTestScript.ExpectedSeries> want = e.series();
        if (m.size() != want.size()) {
            return "expected " + want.size() + " series, got " + m.size() + ":\n" + m;
        }
        for (Matrix.Series s : m.series()) {
            PromqlTestScript.ExpectedSeries x = want.get(s.labels());
            if (x == null) {
                return "unexpected series " + s.labels() + " in\n" + m;
            }
            List<long[]> wantT = new ArrayList<>();
            List<Double> wantV = new ArrayList<>();
            for (int k = 0; k < x.values().size(); k++) {
                Double d = x.values().get(k);
                long t = start + k * step;
                if (t > end) {
                    return "expected value beyond the end of the range for " + s.labels();
                }
                if (d != null) {
                    wantT.add(new long[] {t});
                    wantV.add(d);
                }
            }
            if (wantT.size() != s.count()) {
                return "series " + s.labels() + ": expected " + wantT.size() + " points, got " + s.count() + ":\n" + m;
            }
            for (int k = 0; k < s.count(); k++) {
                if (s.t()[k] != wantT.get(k)[0] || !almostEqual(wantV.get(k), s.v()[k])) {
                    return "series " + s.labels() + ": point " + k + " expected " + wantV.get(k) + "@" + wantT.get(k)[0]
                            + ", got " + s.v()[k] + "@" + s.t()[k];
                }
            }
        }
        return null;
    }

    private static String compareVector(PromqlTestScript.Eval e, List<Labels> ls, List<Double> vs, boolean ordered) {
        Map<Labels, PromqlTestScript.ExpectedSeries> want = e.series();
        if (ls.size() != want.size()) {
            return "expected " + want.size() + " samples " + want.keySet() + ", got " + ls.size() + " " + render(ls, vs);
        }
        Map<Labels, Integer> seen = new HashMap<>();
        List<Labels> order = new ArrayList<>(want.keySet());
        for (int i = 0; i < ls.size(); i++) {
            PromqlTestScript.ExpectedSeries x = want.get(ls.get(i));
            if (x == null) {
                return "unexpected sample " + ls.get(i) + " " + vs.get(i) + "; got " + render(ls, vs);
            }
            if (seen.put(ls.get(i), i) != null) {
                return "duplicate sample " + ls.get(i);
            }
            if (ordered && !order.get(i).equals(ls.get(i))) {
                return "expected " + order.get(i) + " at position " + (i + 1) + ", got " + ls.get(i);
            }
            Double d = x.values().isEmpty() ? null : x.values().get(0);
            if (d == null || !almostEqual(d, vs.get(i))) {
                return "sample " + ls.get(i) + ": expected " + d + ", got " + vs.get(i);
            }
        }
        return null;
    }

    private static String render(List<Labels> ls, List<Double> vs) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ls.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(ls.get(i)).append(' ').append(vs.get(i));
        }
        return sb.append(']').toString();
    }

    /** The float comparison of FORMAT.md §6.4 (relative 1e-6 against the sum of magnitudes). */
    static boolean almostEqual(double e, double a) {
        if (StaleNaN.is(e) || StaleNaN.is(a)) {
            return StaleNaN.is(e) && StaleNaN.is(a);
        }
        if (Double.isNaN(e) && Double.isNaN(a)) {
            return true;
        }
        if (e == a) {
            return true;
        }
        double absSum = Math.abs(e) + Math.abs(a);
        double diff = Math.abs(e - a);
        if (e == 0 || a == 0 || absSum < Double.MIN_NORMAL) {
            return diff < 1e-6 * Double.MIN_NORMAL;
        }
        return diff / Math.min(absSum, Double.MAX_VALUE) < 1e-6;
    }

    /** Adds {@code @ t} to every selector and subquery without one, not descending into subqueries. */
    static Expr pin(Expr e, long t) {
        AtModifier at = AtModifier.at(t);
        if (e instanceof VectorSelector vs) {
            return vs.at().isSet() ? vs : vs.withAt(at, vs.pos());
        }
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            return vs.at().isSet() ? ms : ms.with(vs.withAt(at, vs.pos()), ms.pos());
        }
        if (e instanceof SubqueryExpr sq) {
            return sq.at().isSet() ? sq : sq.withAt(at, sq.pos());
        }
        if (e instanceof ParenExpr p) {
            return new ParenExpr(pin(p.expr(), t), p.pos());
        }
        if (e instanceof UnaryExpr u) {
            return new UnaryExpr(u.op(), pin(u.expr(), t), u.pos());
        }
        if (e instanceof BinaryExpr b) {
            return new BinaryExpr(b.op(), pin(b.lhs(), t), pin(b.rhs(), t), b.matching(), b.returnBool(), b.pos());
        }
        if (e instanceof AggregateExpr a) {
            return new AggregateExpr(a.op(), pin(a.expr(), t), a.param() == null ? null : pin(a.param(), t), a.grouping(),
                    a.without(), a.pos());
        }
        if (e instanceof Call c) {
            List<Expr> args = new ArrayList<>();
            for (Expr a : c.args()) {
                args.add(pin(a, t));
            }
            return new Call(c.function(), args, c.pos());
        }
        return e;
    }
}
