package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.tsdb.labels.Labels;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.regex.Pattern;

/**
 * Function calls. Range functions slide a window {@code [lo, hi)} over each series' primitive
 * points, step by step, without copying; instant functions map values per step.
 */
final class FunctionCalls {
    private final Evaluator ev;

    FunctionCalls(Evaluator ev) {
        this.ev = ev;
    }

    Object eval(Call c, Grid g) {
        String name = c.function().name();
        List<Expr> args = c.args();
        switch (name) {
            case "time": {
                double[] out = new double[g.n()];
                for (int i = 0; i < g.n(); i++) {
                    out[i] = g.t(i) / 1000.0;
                }
                return out;
            }
            case "pi": {
                double[] out = new double[g.n()];
                Arrays.fill(out, Math.PI);
                return out;
            }
            case "start", "end", "range", "step": {
                double v = switch (name) {
                    case "start" -> ev.ctx.queryStart / 1000.0;
                    case "end" -> ev.ctx.queryEnd / 1000.0;
                    case "range" -> (ev.ctx.queryEnd - ev.ctx.queryStart) / 1000.0;
                    default -> ev.ctx.queryStep / 1000.0;
                };
                double[] out = new double[g.n()];
                Arrays.fill(out, v);
                return out;
            }
            case "min_of", "max_of": {
                double[] a = (double[]) ev.eval(args.get(0), g);
                double[] b = (double[]) ev.eval(args.get(1), g);
                double[] out = new double[g.n()];
                for (int i = 0; i < g.n(); i++) {
                    out[i] = name.equals("min_of") ? Math.min(a[i], b[i]) : Math.max(a[i], b[i]);
                }
                return out;
            }
            case "vector": {
                double[] a = (double[]) ev.eval(args.get(0), g);
                StepSeries s = new StepSeries(Labels.EMPTY, g.n(), false);
                for (int i = 0; i < g.n(); i++) {
                    s.set(i, a[i]);
                }
                List<StepSeries> out = new ArrayList<>(1);
                out.add(s);
                return out;
            }
            case "scalar": {
                List<StepSeries> in = Evaluator.asVector(ev.eval(args.get(0), g));
                double[] out = new double[g.n()];
                for (int i = 0; i < g.n(); i++) {
                    int n = 0;
                    double v = Double.NaN;
                    for (StepSeries s : in) {
                        if (s.has(i)) {
                            n++;
                            v = s.v[i];
                        }
                    }
                    out[i] = n == 1 ? v : Double.NaN;
                }
                return out;
            }
            case "start_timestamp": {
                // As Prometheus: only a plain selector's samples carry start timestamps, and only
                // when they are used at all; otherwise the result is empty.
                Expr a = unwrap(args.get(0));
                if (!(a instanceof VectorSelector vs) || !ev.ctx.options.useStartTimestamps()) {
                    ev.eval(a, g);
                    return new ArrayList<StepSeries>();
                }
                List<StepSeries> in = ev.selectVector(vs, g, Evaluator.SELECT_START_TIMESTAMPS);
                for (StepSeries s : in) {
                    s.dropName = true;
                }
                return in;
            }
            case "timestamp": {
                Expr a = unwrap(args.get(0));
                List<StepSeries> in = a instanceof VectorSelector vs ? ev.selectVector(vs, g, true)
                        : timestampsOf(Evaluator.asVector(ev.eval(a, g)), g);
                for (StepSeries s : in) {
                    s.dropName = true;
                }
                return in;
            }
            case "absent":
                return absent(args.get(0), Evaluator.asVector(ev.eval(args.get(0), g)), g);
            case "sort", "sort_desc", "sort_by_label", "sort_by_label_desc":
                return sort(c, g);
            case "label_replace":
                return labelReplace(c, g);
            case "label_join":
                return labelJoin(c, g);
            case "info":
                return InfoFunction.eval(ev, c, g);
            case "histogram_count", "histogram_sum", "histogram_avg", "histogram_stddev", "histogram_stdvar": {
                // These read native-histogram samples only and ignore floats; until native
                // histograms land (their own issue) no sample can produce output.
                ev.eval(args.get(0), g);
                return new ArrayList<StepSeries>();
            }
            case "histogram_quantile", "histogram_fraction", "histogram_quantiles":
                return HistogramQuantile.eval(ev, c, g);
            case "clamp", "clamp_min", "clamp_max":
                return clamp(c, g);
            case "round":
                return round(c, g);
            case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year":
                return date(c, g);
            default:
                break;
        }
        DoubleUnaryOperator math = mathFunction(name);
        if (math != null) {
            List<StepSeries> in = Evaluator.asVector(ev.eval(args.get(0), g));
            for (StepSeries s : in) {
                for (int i = 0; i < g.n(); i++) {
                    if (s.has(i)) {
                        s.v[i] = math.applyAsDouble(s.v[i]);
                    }
                }
                s.dropName = true;
            }
            return in;
        }
        if (c.function().argTypes().contains(io.gnomon.promql.ast.ValueType.MATRIX)) {
            return RangeFunctions.eval(ev, c, g);
        }
        throw QueryException.badData("function " + name + " is not implemented yet", null);
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    private static List<StepSeries> timestampsOf(List<StepSeries> in, Grid g) {
        for (StepSeries s : in) {
            for (int i = 0; i < g.n(); i++) {
                if (s.has(i)) {
                    s.v[i] = g.t(i) / 1000.0;
                }
            }
        }
        return in;
    }

    static DoubleUnaryOperator mathFunction(String name) {
        return switch (name) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log2" -> FunctionCalls::log2;
            case "log10" -> Math::log10;
            case "sgn" -> x -> Double.isNaN(x) ? x : Math.signum(x);
            case "sin" -> Math::sin;
            case "cos" -> Math::cos;
            case "tan" -> Math::tan;
            case "asin" -> Math::asin;
            case "acos" -> Math::acos;
            case "atan" -> Math::atan;
            case "sinh" -> Math::sinh;
            case "cosh" -> Math::cosh;
            case "tanh" -> Math::tanh;
            case "asinh" -> FunctionCalls::asinh;
            case "acosh" -> x -> x < 1 ? Double.NaN : Double.isInfinite(x) ? x : Math.log(x + Math.sqrt(x * x - 1));
            case "atanh" -> x -> 0.5 * Math.log1p(2 * x / (1 - x));
            case "deg" -> x -> x * 180 / Math.PI;
            case "rad" -> x -> x * Math.PI / 180;
            default -> null;
        };
    }

    /** Go's {@code math.Log2}: exact for powers of two. */
    static double log2(double x) {
        if (x > 0 && !Double.isInfinite(x) && x >= Double.MIN_NORMAL) {
            int e = Math.getExponent(x);
            double frac = Math.scalb(x, -e - 1); // in [0.5, 1)
            if (frac == 0.5) {
                return e;
            }
            return Math.log(frac) * (1 / Math.log(2)) + (e + 1);
        }
        return Math.log(x) / Math.log(2);
    }

    /** asinh with log1p, accurate near zero. */
    static double asinh(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
            return x;
        }
        double a = Math.abs(x);
        double r = a > 1e8 ? Math.log(a) + Math.log(2) : Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        return x < 0 ? -r : r;
    }

    /** absent(): one series with the equality matchers' labels when the input is empty at a step. */
    static List<StepSeries> absentOf(Expr arg, boolean[] empty, Grid g) {
        Labels labels = Labels.EMPTY;
        Expr a = unwrap(arg);
        if (a instanceof MatrixSelector ms) {
            a = ms.selector();
        }
        if (a instanceof VectorSelector vs) {
            Labels.Builder b = Labels.builder();
            Map<String, Integer> seen = new HashMap<>();
            for (LabelMatcher m : vs.matchers()) {
                if (m.name().equals(Labels.METRIC_NAME)) {
                    continue;
                }
                seen.merge(m.name(), 1, Integer::sum);
            }
            for (LabelMatcher m : vs.matchers()) {
                if (m.type() == LabelMatcher.Type.EQ && !m.name().equals(Labels.METRIC_NAME) && seen.get(m.name()) == 1) {
                    b.set(m.name(), m.value());
                }
            }
            labels = b.build();
        }
        StepSeries s = new StepSeries(labels, g.n(), false);
        for (int i = 0; i < g.n(); i++) {
            if (empty[i]) {
                s.set(i, 1);
            }
        }
        List<StepSeries> out = new ArrayList<>(1);
        if (!s.isEmpty()) {
            out.add(s);
        }
        return out;
    }

    private static List<StepSeries> absent(Expr arg, List<StepSeries> in, Grid g) {
        boolean[] empty = new boolean[g.n()];
        Arrays.fill(empty, true);
        for (StepSeries s : in) {
            for (int i = 0; i < g.n(); i++) {
                if (s.has(i)) {
                    empty[i] = false;
                }
            }
        }
        return absentOf(arg, empty, g);
    }

    private List<StepSeries> sort(Call c, Grid g) {
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        String name = c.function().name();
        if (g.n() > 1) {
            ev.ctx.warn("sort is ineffective for range queries since results are always ordered by labels", c.pos());
            return in;
        }
        List<StepSeries> present = new ArrayList<>();
        for (StepSeries s : in) {
            if (s.has(0)) {
                present.add(s);
            }
        }
        if (name.startsWith("sort_by_label")) {
            List<String> labels = new ArrayList<>();
            for (int i = 1; i < c.args().size(); i++) {
                labels.add((String) ev.eval(c.args().get(i), g));
            }
            boolean desc = name.endsWith("_desc");
            present.sort((a, b) -> {
                for (String l : labels) {
                    int r = naturalCompare(a.labels.get(l), b.labels.get(l));
                    if (r != 0) {
                        return desc ? -r : r;
                    }
                }
                int r = a.labels.compareTo(b.labels);
                return desc ? -r : r;
            });
            return present;
        }
        boolean desc = name.equals("sort_desc");
        present.sort((a, b) -> {
            double x = a.v[0];
            double y = b.v[0];
            boolean nx = Double.isNaN(x);
            boolean ny = Double.isNaN(y);
            if (nx || ny) {
                return Boolean.compare(nx, ny);
            }
            return desc ? Double.compare(y, x) : Double.compare(x, y);
        });
        return present;
    }

    /** Natural sort order (digit runs compare as numbers), as Prometheus's sort_by_label. */
    static int naturalCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (Character.isDigit(ca) && Character.isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && Character.isDigit(a.charAt(i))) {
                    i++;
                }
                while (j < b.length() && Character.isDigit(b.charAt(j))) {
                    j++;
                }
                String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
                String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
                if (na.length() != nb.length()) {
                    return Integer.compare(na.length(), nb.length());
                }
                int r = na.compareTo(nb);
                if (r != 0) {
                    return r;
                }
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private List<StepSeries> labelReplace(Call c, Grid g) {
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        String dst = (String) ev.eval(c.args().get(1), g);
        String repl = (String) ev.eval(c.args().get(2), g);
        String src = (String) ev.eval(c.args().get(3), g);
        String re = (String) ev.eval(c.args().get(4), g);
        Pattern p;
        try {
            p = Pattern.compile("^(?s:" + re + ")$");
        } catch (RuntimeException e) {
            throw QueryException.execution("invalid regular expression in label_replace(): " + re);
        }
        if (dst.isEmpty() || !Labels.isValidUtf8(dst)) {
            throw QueryException.execution("invalid destination label name in label_replace(): " + dst);
        }
        for (StepSeries s : in) {
            java.util.regex.Matcher m = p.matcher(s.labels.get(src));
            if (m.matches()) {
                String v = expand(repl, m);
                Labels.Builder b = s.labels.toBuilder().set(dst, v);
                s.labels = b.build();
                if (dst.equals(Labels.METRIC_NAME)) {
                    s.dropName = false;
                }
            }
        }
        return in;
    }

    /** Go's {@code Regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code $$}. */
    static String expand(String tmpl, java.util.regex.Matcher m) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < tmpl.length()) {
            char c = tmpl.charAt(i);
            if (c != '$' || i + 1 >= tmpl.length()) {
                sb.append(c);
                i++;
                continue;
            }
            char d = tmpl.charAt(i + 1);
            if (d == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (d == '{') {
                int close = tmpl.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = tmpl.substring(i + 2, close);
                end = close + 1;
            } else {
                int j = i + 1;
                while (j < tmpl.length() && (Character.isLetterOrDigit(tmpl.charAt(j)) || tmpl.charAt(j) == '_')) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = tmpl.substring(i + 1, j);
                end = j;
            }
            String v = "";
            try {
                if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
                    int n = Integer.parseInt(name);
                    if (n <= m.groupCount() && m.group(n) != null) {
                        v = m.group(n);
                    }
                } else {
                    String gv = m.group(name);
                    v = gv == null ? "" : gv;
                }
            } catch (RuntimeException e) {
                v = "";
            }
            sb.append(v);
            i = end;
        }
        return sb.toString();
    }

    private List<StepSeries> labelJoin(Call c, Grid g) {
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        String dst = (String) ev.eval(c.args().get(1), g);
        String sep = (String) ev.eval(c.args().get(2), g);
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < c.args().size(); i++) {
            String s = (String) ev.eval(c.args().get(i), g);
            if (!Labels.isValidUtf8(s)) {
                throw QueryException.execution("invalid source label name in label_join(): " + s);
            }
            srcs.add(s);
        }
        if (dst.isEmpty() || !Labels.isValidUtf8(dst)) {
            throw QueryException.execution("invalid destination label name in label_join(): " + dst);
        }
        for (StepSeries s : in) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < srcs.size(); i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(s.labels.get(srcs.get(i)));
            }
            s.labels = s.labels.toBuilder().set(dst, sb.toString()).build();
            if (dst.equals(Labels.METRIC_NAME)) {
                s.dropName = false;
            }
        }
        return in;
    }

    private List<StepSeries> clamp(Call c, Grid g) {
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        String name = c.function().name();
        double[] lo = null;
        double[] hi = null;
        if (name.equals("clamp")) {
            lo = (double[]) ev.eval(c.args().get(1), g);
            hi = (double[]) ev.eval(c.args().get(2), g);
        } else if (name.equals("clamp_min")) {
            lo = (double[]) ev.eval(c.args().get(1), g);
        } else {
            hi = (double[]) ev.eval(c.args().get(1), g);
        }
        List<StepSeries> out = new ArrayList<>(in.size());
        for (StepSeries s : in) {
            for (int i = 0; i < g.n(); i++) {
                if (!s.has(i)) {
                    continue;
                }
                if (lo != null && hi != null && hi[i] < lo[i]) {
                    s.clear(i);
                    continue;
                }
                double v = s.v[i];
                if (lo != null) {
                    v = Math.max(lo[i], v);
                }
                if (hi != null) {
                    v = Math.min(hi[i], v);
                }
                if (lo != null && Double.isNaN(lo[i]) || hi != null && Double.isNaN(hi[i])) {
                    v = Double.NaN;
                }
                s.v[i] = v;
            }
            s.dropName = true;
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private List<StepSeries> round(Call c, Grid g) {
        List<StepSeries> in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        double[] to = c.args().size() > 1 ? (double[]) ev.eval(c.args().get(1), g) : null;
        for (StepSeries s : in) {
            for (int i = 0; i < g.n(); i++) {
                if (s.has(i)) {
                    double inv = 1.0 / (to == null ? 1 : to[i]);
                    s.v[i] = Math.floor(s.v[i] * inv + 0.5) / inv;
                }
            }
            s.dropName = true;
        }
        return in;
    }

    private List<StepSeries> date(Call c, Grid g) {
        List<StepSeries> in;
        if (c.args().isEmpty()) {
            StepSeries s = new StepSeries(Labels.EMPTY, g.n(), false);
            for (int i = 0; i < g.n(); i++) {
                s.set(i, g.t(i) / 1000.0);
            }
            in = new ArrayList<>(List.of(s));
        } else {
            in = Evaluator.asVector(ev.eval(c.args().get(0), g));
        }
        String name = c.function().name();
        for (StepSeries s : in) {
            for (int i = 0; i < g.n(); i++) {
                if (!s.has(i)) {
                    continue;
                }
                double v = s.v[i];
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    continue;
                }
                ZonedDateTime t = Instant.ofEpochSecond((long) v).atZone(ZoneOffset.UTC);
                s.v[i] = switch (name) {
                    case "days_in_month" -> t.toLocalDate().lengthOfMonth();
                    case "day_of_month" -> t.getDayOfMonth();
                    case "day_of_week" -> t.getDayOfWeek().getValue() % 7;
                    case "day_of_year" -> t.getDayOfYear();
                    case "hour" -> t.getHour();
                    case "minute" -> t.getMinute();
                    case "month" -> t.getMonthValue();
                    default -> t.getYear();
                };
            }
            s.dropName = true;
        }
        return in;
    }
}
