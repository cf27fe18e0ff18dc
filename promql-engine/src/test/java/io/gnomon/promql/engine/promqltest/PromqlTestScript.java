package io.gnomon.promql.engine.promqltest;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.parser.PromQLParser;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed promqltest script ({@code ../shared/conformance/promql/FORMAT.md}): a list of
 * {@code load}, {@code clear} and {@code eval} commands. Parsing is strict: an unknown command
 * or malformed line is an {@link IllegalArgumentException} naming the line.
 */
final class PromqlTestScript {
    sealed interface Command permits Load, Clear, Eval {
        int line();
    }

    /**
     * Samples of one load block, each {@code {t, v}} or {@code {t, v, st}} (a start timestamp from
     * an {@code @st} line; 0 is none); {@code nhcb} for {@code load_with_nhcb}; {@code histograms}
     * when any {@code {{}}} appeared.
     */
    record Load(int line, Map<Labels, List<double[]>> series, boolean histograms, boolean nhcb,
            java.util.Set<Labels> histogramSeries) implements Command {
    }

    record Clear(int line) implements Command {
    }

    record Expectation(String kind, String msg, String regex) {
    }

    /** An expected series: label set and one value per slot (null = no point); {@code histogram} if any slot was one. */
    record ExpectedSeries(Labels labels, List<Double> values, boolean histogram) {
    }

    record Eval(int line, String query, boolean range, long start, long end, long step,
            List<Expectation> expectations, Map<Labels, ExpectedSeries> series, Double scalar, String string,
            boolean ordered, boolean rangeVector, long rvFrom, long rvTo, long rvStep, boolean histogramExpected)
            implements Command {
        boolean expectFail() {
            return expectations.stream().anyMatch(e -> e.kind().equals("fail"));
        }

        List<Expectation> of(String kind) {
            return expectations.stream().filter(e -> e.kind().equals(kind)).toList();
        }
    }

    final String name;
    final List<Command> commands = new ArrayList<>();

    private PromqlTestScript(String name) {
        this.name = name;
    }

    static PromqlTestScript parse(String name, String text) {
        PromqlTestScript s = new PromqlTestScript(name);
        String[] raw = text.split("\n", -1);
        String[] lines = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            String l = raw[i].strip();
            lines[i] = l.startsWith("#") ? "" : l;
        }
        int i = 0;
        while (i < lines.length) {
            String l = lines[i];
            if (l.isEmpty()) {
                i++;
                continue;
            }
            String word = l.split("[ \t]+", 2)[0].toLowerCase(Locale.ROOT);
            int lineNo = i + 1;
            try {
                if (word.equals("clear")) {
                    s.commands.add(new Clear(lineNo));
                    i++;
                } else if (word.startsWith("load")) {
                    i = parseLoad(s, lines, i);
                } else if (word.startsWith("eval")) {
                    i = parseEval(s, lines, i);
                } else {
                    throw new IllegalArgumentException("unknown command");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(name + ":" + lineNo + ": " + e.getMessage() + " [line=" + l + "]", e);
            }
        }
        return s;
    }

    private static int parseLoad(PromqlTestScript s, String[] lines, int i) {
        String[] head = lines[i].split("[ \t]+");
        boolean nhcb = head[0].equals("load_with_nhcb");
        if (!head[0].equals("load") && !nhcb || head.length != 2) {
            throw new IllegalArgumentException("bad load header");
        }
        long interval = duration(head[1]);
        Map<Labels, List<double[]>> series = new LinkedHashMap<>();
        boolean hist = false;
        java.util.Set<Labels> histSeries = new java.util.HashSet<>();
        int j = i + 1;
        Labels stLabels = null;
        List<Long> stOffsets = null;
        for (; j < lines.length && !lines[j].isEmpty(); j++) {
            String[] sv = splitSeries(lines[j]);
            if (sv[0].endsWith("@st")) {
                if (stLabels != null) {
                    throw new IllegalArgumentException("@st line not followed by its series [line=" + (j + 1) + "]");
                }
                stLabels = labels(sv[0].substring(0, sv[0].length() - "@st".length()));
                stOffsets = startOffsets(sv[1]);
                continue;
            }
            Labels labels = labels(sv[0]);
            List<Double> vals = new ArrayList<>();
            if (values(sv[1], vals)) {
                hist = true;
                histSeries.add(labels);
            }
            if (nhcb) {
                String n = labels.metricName();
                for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                    if (n.endsWith(suffix)) {
                        histSeries.add(labels.toBuilder().del("le")
                                .set(Labels.METRIC_NAME, n.substring(0, n.length() - suffix.length())).build());
                    }
                }
            }
            List<Long> offsets = null;
            if (stLabels != null) {
                if (!stLabels.equals(labels) || stOffsets.size() != vals.size()) {
                    throw new IllegalArgumentException("@st line does not match the series after it [line=" + (j + 1)
                            + ", slots=" + stOffsets.size() + "/" + vals.size() + "]");
                }
                offsets = stOffsets;
                stLabels = null;
                stOffsets = null;
            }
            List<double[]> samples = new ArrayList<>();
            for (int k = 0; k < vals.size(); k++) {
                if (vals.get(k) != null) {
                    Long off = offsets == null ? null : offsets.get(k);
                    samples.add(off == null ? new double[] {k * interval, vals.get(k)}
                            : new double[] {k * interval, vals.get(k), k * interval + off});
                }
            }
            series.put(labels, samples);
        }
        if (stLabels != null) {
            throw new IllegalArgumentException("@st line at the end of a load block [line=" + j + "]");
        }
        s.commands.add(new Load(i + 1, series, hist, nhcb, histSeries));
        return j;
    }

    /**
     * The items of an {@code @st} line, one per slot: the offset from the sample's timestamp to
     * its start timestamp, null for {@code _} (none). Items: {@code _}, {@code _xN} (N slots),
     * {@code d}, {@code dxN} (N+1 copies), {@code d+exN} / {@code d-exN} (N+1 offsets changing by
     * e); d is a signed duration, e an unsigned one (FORMAT.md 3.6).
     */
    static List<Long> startOffsets(String items) {
        List<Long> out = new ArrayList<>();
        for (String item : items.strip().split("[ \t]+")) {
            if (item.isEmpty()) {
                continue;
            }
            int x = item.lastIndexOf('x');
            String base = x < 0 ? item : item.substring(0, x);
            int times = x < 0 ? -1 : Integer.parseInt(item.substring(x + 1));
            if (base.equals("_")) {
                for (int k = 0; k < Math.max(1, times); k++) {
                    out.add(null);
                }
                continue;
            }
            int op = -1;
            for (int k = 1; k < base.length(); k++) {
                if (base.charAt(k) == '+' || base.charAt(k) == '-') {
                    op = k;
                    break;
                }
            }
            long d = signedDuration(op < 0 ? base : base.substring(0, op));
            if (times < 0) {
                if (op >= 0) {
                    throw new IllegalArgumentException("bad @st item " + item);
                }
                out.add(d);
                continue;
            }
            long e = op < 0 ? 0 : duration(base.substring(op + 1)) * (base.charAt(op) == '-' ? -1 : 1);
            for (int k = 0; k <= times; k++) {
                out.add(d);
                d += e;
            }
        }
        return out;
    }

    static long signedDuration(String s) {
        if (s.startsWith("-")) {
            return -duration(s.substring(1));
        }
        return duration(s.startsWith("+") ? s.substring(1) : s);
    }

    private static final Pattern INSTANT = Pattern.compile("^(\\S+)\\s+instant\\s+at\\s+(\\S+)\\s+(.+)$");
    private static final Pattern RANGE = Pattern.compile("^(\\S+)\\s+range\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s+(.+)$");
    private static final Pattern EXPECT = Pattern.compile("^expect (fail|warn|no_warn|info|no_info|ordered)(?:\\s+(msg|regex):(.*))?$");
    private static final Pattern RANGE_VECTOR = Pattern.compile("^expect range vector from (\\S+) to (\\S+) step (\\S+)$");

    private static int parseEval(PromqlTestScript s, String[] lines, int i) {
        String l = lines[i];
        Matcher mi = INSTANT.matcher(l);
        Matcher mr = RANGE.matcher(l);
        String cmd;
        String query;
        boolean range;
        long start;
        long end;
        long step;
        if (mi.matches()) {
            cmd = mi.group(1);
            start = duration(mi.group(2));
            end = start;
            step = 0;
            query = mi.group(3);
            range = false;
        } else if (mr.matches()) {
            cmd = mr.group(1);
            start = duration(mr.group(2));
            end = duration(mr.group(3));
            step = duration(mr.group(4));
            query = mr.group(5);
            range = true;
            if (end < start) {
                throw new IllegalArgumentException("end before start");
            }
        } else {
            throw new IllegalArgumentException("bad eval header");
        }
        List<Expectation> ex = new ArrayList<>();
        boolean ordered = false;
        switch (cmd) {
            case "eval" -> {
            }
            case "eval_fail" -> ex.add(new Expectation("fail", null, null));
            case "eval_warn" -> ex.add(new Expectation("warn", null, null));
            case "eval_info" -> ex.add(new Expectation("info", null, null));
            case "eval_ordered" -> ordered = true;
            default -> throw new IllegalArgumentException("bad eval command " + cmd);
        }
        Map<Labels, ExpectedSeries> series = new LinkedHashMap<>();
        Double scalar = null;
        String string = null;
        boolean rv = false;
        long rvFrom = 0;
        long rvTo = 0;
        long rvStep = 0;
        boolean histExpected = false;
        int j = i + 1;
        for (; j < lines.length && !lines[j].isEmpty(); j++) {
            String b = lines[j];
            Matcher m;
            if ((m = RANGE_VECTOR.matcher(b)).matches()) {
                rv = true;
                rvFrom = duration(m.group(1));
                rvTo = duration(m.group(2));
                rvStep = duration(m.group(3));
                start = rvTo;
                end = rvTo;
            } else if (b.startsWith("expect string")) {
                String q = b.substring("expect string".length()).strip();
                if (q.isEmpty()) {
                    throw new IllegalArgumentException("expect string without value");
                }
                Expr e = PromQLParser.parse(q);
                string = ((io.gnomon.promql.ast.StringLiteral) e).value();
            } else if (b.split(" ", 2)[0].equals("expect")) {
                if (!(m = EXPECT.matcher(b)).matches()) {
                    throw new IllegalArgumentException("bad expect line");
                }
                String kind = m.group(1);
                String text = m.group(3) == null ? null : m.group(3).strip();
                if (kind.equals("ordered")) {
                    ordered = true;
                }
                ex.add(new Expectation(kind, "msg".equals(m.group(2)) ? text : null, "regex".equals(m.group(2)) ? text : null));
            } else if (parseScalar(b) != null) {
                scalar = parseScalar(b);
                j++;
                break;
            } else {
                String[] sv = splitSeries(b);
                List<Double> vals = new ArrayList<>();
                boolean h = values(sv[1], vals);
                histExpected |= h;
                Labels labels = labels(sv[0]);
                series.put(labels, new ExpectedSeries(labels, vals, h));
            }
        }
        s.commands.add(new Eval(i + 1, query, range, start, end, step, ex, series, scalar, string, ordered, rv, rvFrom,
                rvTo, rvStep, histExpected));
        return j;
    }

    static Double parseScalar(String s) {
        String t = s.strip();
        String low = t.toLowerCase(Locale.ROOT);
        String body = low.startsWith("+") || low.startsWith("-") ? low.substring(1) : low;
        double sign = low.startsWith("-") ? -1 : 1;
        switch (body) {
            case "inf", "infinity":
                return sign * Double.POSITIVE_INFINITY;
            case "nan":
                return Double.NaN;
            default:
                break;
        }
        try {
            if (body.startsWith("0x")) {
                return sign * Long.parseLong(body.substring(2), 16);
            }
            if (body.startsWith("0o")) {
                return sign * Long.parseLong(body.substring(2), 8);
            }
            if (body.startsWith("0b")) {
                return sign * Long.parseLong(body.substring(2), 2);
            }
            if (!body.matches("[0-9._]*[0-9.]([eE][+-]?[0-9]+)?") || !body.matches(".*[0-9].*")) {
                return null;
            }
            return sign * Double.parseDouble(body.replace("_", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Splits "series values" at the first whitespace outside braces and quotes. */
    static String[] splitSeries(String line) {
        int depth = 0;
        char quote = 0;
        for (int k = 0; k < line.length(); k++) {
            char c = line.charAt(k);
            if (quote != 0) {
                if (c == '\\' && quote != '`') {
                    k++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '"' || c == '\'' || c == '`') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if ((c == ' ' || c == '\t') && depth == 0) {
                return new String[] {line.substring(0, k), line.substring(k).strip()};
            }
        }
        return new String[] {line, ""};
    }

    static Labels labels(String series) {
        String s = series.strip();
        if (s.equals("{}")) {
            return Labels.EMPTY;
        }
        Expr e = PromQLParser.parse(s);
        if (!(e instanceof VectorSelector vs)) {
            throw new IllegalArgumentException("not a series: " + s);
        }
        Labels.Builder b = Labels.builder();
        for (LabelMatcher m : vs.matchers()) {
            if (m.type() != LabelMatcher.Type.EQ) {
                throw new IllegalArgumentException("only = matchers in a series: " + s);
            }
            b.set(m.name(), m.value());
        }
        return b.build();
    }

    /** Expands a value sequence into slots (null = no sample); returns true if it held histograms. */
    static boolean values(String text, List<Double> out) {
        boolean hist = false;
        int k = 0;
        while (k < text.length()) {
            while (k < text.length() && (text.charAt(k) == ' ' || text.charAt(k) == '\t')) {
                k++;
            }
            if (k >= text.length()) {
                break;
            }
            int e;
            if (text.startsWith("{{", k)) {
                // histogram item, possibly {{A}}+{{B}}xN: skip to the end of the item
                e = k;
                int depth = 0;
                while (e < text.length()) {
                    char c = text.charAt(e);
                    if (c == '{') {
                        depth++;
                    } else if (c == '}') {
                        depth--;
                    } else if ((c == ' ' || c == '\t') && depth == 0) {
                        break;
                    }
                    e++;
                }
                hist = true;
                String item = text.substring(k, e);
                Matcher m = Pattern.compile("x(\\d+)$").matcher(item);
                int n = m.find() ? Integer.parseInt(m.group(1)) + 1 : 1;
                for (int r = 0; r < n; r++) {
                    out.add(null);
                }
                k = e;
                continue;
            }
            e = k;
            while (e < text.length() && text.charAt(e) != ' ' && text.charAt(e) != '\t') {
                e++;
            }
            item(text.substring(k, e), out);
            k = e;
        }
        return hist;
    }

    private static final Pattern REPEAT = Pattern.compile("^(.*)x(\\d+)$");

    private static void item(String item, List<Double> out) {
        if (item.equals("_")) {
            out.add(null);
            return;
        }
        if (item.equals("stale")) {
            out.add(StaleNaN.VALUE);
            return;
        }
        Matcher m = REPEAT.matcher(item);
        if (!m.matches()) {
            out.add(number(item));
            return;
        }
        String base = m.group(1);
        int n = Integer.parseInt(m.group(2));
        if (base.equals("_")) {
            for (int r = 0; r < n; r++) {
                out.add(null);
            }
            return;
        }
        int op = -1;
        for (int p = 1; p < base.length(); p++) {
            char c = base.charAt(p);
            if ((c == '+' || c == '-') && base.charAt(p - 1) != 'e' && base.charAt(p - 1) != 'E') {
                op = p;
                break;
            }
        }
        double start;
        double inc = 0;
        if (op < 0) {
            start = number(base);
        } else {
            start = number(base.substring(0, op));
            inc = number(base.substring(op + 1));
            if (base.charAt(op) == '-') {
                inc = -inc;
            }
        }
        double v = start;
        out.add(v);
        for (int r = 0; r < n; r++) {
            v += inc;
            out.add(v);
        }
    }

    static double number(String s) {
        String low = s.toLowerCase(Locale.ROOT);
        String body = low.startsWith("+") || low.startsWith("-") ? low.substring(1) : low;
        double sign = low.startsWith("-") ? -1 : 1;
        if (body.equals("inf")) {
            return sign * Double.POSITIVE_INFINITY;
        }
        if (body.equals("nan")) {
            return Double.NaN;
        }
        if (!body.matches("([0-9][0-9_]*\\.?[0-9_]*|\\.[0-9_]+)([eE][+-]?[0-9]+)?")) {
            throw new IllegalArgumentException("bad number " + s);
        }
        return sign * Double.parseDouble(body.replace("_", ""));
    }

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)(ms|y|w|d|h|m|s)");

    static long duration(String s) {
        if (s.equals("0")) {
            return 0;
        }
        Matcher m = DURATION_PART.matcher(s);
        long total = 0;
        int pos = 0;
        while (m.find()) {
            if (m.start() != pos) {
                throw new IllegalArgumentException("bad duration " + s);
            }
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2)) {
                case "y" -> 365L * 24 * 3600_000;
                case "w" -> 7L * 24 * 3600_000;
                case "d" -> 24L * 3600_000;
                case "h" -> 3600_000L;
                case "m" -> 60_000L;
                case "s" -> 1000L;
                default -> 1L;
            };
            pos = m.end();
        }
        if (pos != s.length() || pos == 0) {
            throw new IllegalArgumentException("bad duration " + s);
        }
        return total;
    }
}
