package io.gnomon.scrape.parse;

import io.gnomon.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;

/**
 * A pull parser for the Prometheus text format (0.0.4, and 1.0.0's quoted UTF-8 names) and
 * OpenMetrics 1.0, over a byte array, allocating nothing per sample: {@link #next()} moves to the
 * next entry and the accessors read it in place. A series is identified by the raw bytes of its
 * name and label set ({@link #seriesStart()}..{@link #seriesEnd()}), which the caller uses as a cache
 * key, so {@link #labels} (which creates strings) only runs for series it has not seen before.
 *
 * <h2>Grammar (both formats)</h2>
 * <pre>
 * line     = comment | sample ;                        lines end with '\n'
 * comment  = "# HELP " name " " text | "# TYPE " name " " type | "# UNIT " name " " unit (OM)
 *          | "# EOF" (OM, required, last) | "#" anything (text format only)
 * sample   = ( name [ "{" labels "}" ] | "{" quoted-name { "," label } "}" ) ws value [ ws timestamp ]
 *            [ " # {" labels "} " value [ " " timestamp ] ]   (exemplar, OM only)
 * label    = ( name | quoted-name ) "=" '"' escaped '"' ;  a trailing ',' is allowed
 * </pre>
 * Timestamps are integer milliseconds in the text format and (possibly fractional) seconds in
 * OpenMetrics; {@link #timestamp()} is always milliseconds. Escapes: {@code \\ \" \n} in label
 * values (and OM HELP), {@code \\ \n} in text-format HELP.
 *
 * <p>Prometheus 3 normalizes the values of {@code le} on histogram series and {@code quantile} on
 * summary series to OpenMetrics float form ({@code le="1"} is stored as {@code le="1.0"}); so does
 * {@link #labels}.
 *
 * <p>Errors are thrown as {@link ParseException} naming the 1-based line. Not thread-safe; reusable
 * with {@link #reset}.
 */
public final class ExpositionParser {

    /** What {@link #next()} found. */
    public enum Entry { SERIES, HELP, TYPE, UNIT, END }

    private byte[] b;
    private int end;
    private int pos;
    private int line;
    private boolean openMetrics;
    private boolean sawEof;

    // current entry
    private int lineStart;
    private int nameStart;
    private int nameEnd;
    private boolean nameQuoted;
    private int seriesStart;
    private int seriesEnd;
    private int labelsStart = -1; // position after '{' or -1
    private double value;
    private boolean hasTimestamp;
    private long timestamp;
    private int textStart;
    private int textEnd;
    private String familyType = "unknown";
    private String familyName = "";
    // exemplar
    private boolean hasExemplar;
    private int exLabelsStart;
    private double exValue;
    private boolean exHasTs;
    private long exTs;

    private final StringBuilder sb = new StringBuilder();

    /** Starts on {@code buf[0..len)}; {@code openMetrics} selects the format. */
    public ExpositionParser reset(byte[] buf, int len, boolean openMetrics) {
        this.b = buf;
        this.end = len;
        this.pos = 0;
        this.line = 0;
        this.openMetrics = openMetrics;
        this.sawEof = false;
        this.familyType = "unknown";
        this.familyName = "";
        return this;
    }

    public boolean isOpenMetrics() {
        return openMetrics;
    }

    /** Advances; {@link Entry#END} at the end of input. */
    public Entry next() {
        while (true) {
            if (pos >= end) {
                if (openMetrics && !sawEof) {
                    throw error("data does not end with # EOF");
                }
                return Entry.END;
            }
            if (sawEof) {
                throw error("unexpected data after # EOF");
            }
            line++;
            lineStart = pos;
            int eol = indexOf((byte) '\n', pos);
            if (eol < 0) {
                if (openMetrics) {
                    eol = end; // "# EOF" may lack its newline
                } else {
                    eol = end;
                }
            }
            if (eol == pos) {
                pos = eol + 1;
                if (openMetrics) {
                    throw error("unexpected empty line");
                }
                continue;
            }
            byte c = b[pos];
            if (c == '#') {
                Entry e = comment(eol);
                pos = eol + 1;
                if (e != null) {
                    return e;
                }
                continue;
            }
            if (!openMetrics && (c == ' ' || c == '\t')) {
                int p = pos;
                while (p < eol && (b[p] == ' ' || b[p] == '\t')) {
                    p++;
                }
                if (p == eol) {
                    pos = eol + 1;
                    continue; // blank line
                }
                if (b[p] == '#') {
                    pos = p;
                    Entry e = comment(eol);
                    pos = eol + 1;
                    if (e != null) {
                        return e;
                    }
                    continue;
                }
                pos = p;
            }
            sample(eol);
            pos = eol + 1;
            return Entry.SERIES;
        }
    }

    private Entry comment(int eol) {
        int p = pos + 1;
        if (openMetrics) {
            if (eol - pos == 5 && startsWith(p, " EOF")) {
                sawEof = true;
                return null;
            }
            if (p >= eol || b[p] != ' ') {
                throw error("expected a space after '#'");
            }
            p++;
        } else {
            while (p < eol && (b[p] == ' ' || b[p] == '\t')) {
                p++;
            }
        }
        if (!openMetrics && p == pos + 1) {
            return null; // "#foo": a comment
        }
        Entry kind;
        if (startsWith(p, "HELP") && isSep(p + 4, eol)) {
            kind = Entry.HELP;
        } else if (startsWith(p, "TYPE") && isSep(p + 4, eol)) {
            kind = Entry.TYPE;
        } else if (openMetrics && startsWith(p, "UNIT") && isSep(p + 4, eol)) {
            kind = Entry.UNIT;
        } else {
            if (openMetrics) {
                throw error("unknown comment; OpenMetrics allows only HELP, TYPE, UNIT and EOF");
            }
            return null;
        }
        p += 4;
        p = skipWs(p, eol);
        nameStart = p;
        if (p < eol && b[p] == '"') {
            nameQuoted = true;
            p = skipQuoted(p, eol);
            nameEnd = p;
        } else {
            nameQuoted = false;
            while (p < eol && isNameChar(b[p], p == nameStart)) {
                p++;
            }
            nameEnd = p;
        }
        if (nameEnd == nameStart) {
            throw error("expected a metric name after # " + kind);
        }
        if (p < eol && b[p] != ' ' && b[p] != '\t') {
            throw error("invalid metric name in # " + kind);
        }
        if (p < eol) {
            p = openMetrics ? p + 1 : skipWs(p, eol);
        }
        textStart = p;
        textEnd = eol;
        if (kind == Entry.TYPE) {
            String t = text();
            String valid = validType(t);
            if (valid == null) {
                throw error("invalid metric type \"" + t + "\"");
            }
            familyType = valid;
            familyName = metricName();
        } else if (kind == Entry.UNIT && textEnd > textStart) {
            String mn = metricName();
            String unit = text();
            if (!mn.endsWith("_" + unit) && !mn.endsWith("_" + unit + "_total")) {
                throw error("unit \"" + unit + "\" not a suffix of metric \"" + mn + "\"");
            }
        }
        return kind;
    }

    private String validType(String t) {
        if (openMetrics) {
            return switch (t) {
                case "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset", "unknown" -> t;
                default -> null;
            };
        }
        return switch (t) {
            case "counter", "gauge", "histogram", "summary" -> t;
            case "untyped" -> "unknown";
            default -> null;
        };
    }

    private boolean isSep(int p, int eol) {
        return p < eol && (b[p] == ' ' || (!openMetrics && b[p] == '\t'));
    }

    private void sample(int eol) {
        hasExemplar = false;
        hasTimestamp = false;
        int p = pos;
        seriesStart = p;
        labelsStart = -1;
        if (b[p] == '{') {
            // {"name", labels} or {"name"} (text 1.0 / OM with UTF-8 names)
            p++;
            p = skipWs(p, eol);
            if (p >= eol || b[p] != '"') {
                throw error("expected a quoted metric name after '{'");
            }
            nameQuoted = true;
            nameStart = p;
            p = skipQuoted(p, eol);
            nameEnd = p;
            p = skipWs(p, eol);
            if (p < eol && b[p] == ',') {
                labelsStart = p + 1;
                p = skipLabels(p + 1, eol);
            } else if (p < eol && b[p] == '}') {
                p++;
            } else {
                throw error("expected ',' or '}' after the metric name");
            }
        } else {
            nameQuoted = false;
            nameStart = p;
            while (p < eol && isNameChar(b[p], p == nameStart)) {
                p++;
            }
            nameEnd = p;
            if (nameEnd == nameStart) {
                throw error("expected a metric name, got \"" + snippet(p, eol) + "\"");
            }
            if (p < eol && b[p] == '{') {
                labelsStart = p + 1;
                p = skipLabels(p + 1, eol);
            }
        }
        seriesEnd = p;
        if (p >= eol || (b[p] != ' ' && b[p] != '\t')) {
            throw error("expected a space and a value after the series, got \"" + snippet(p, eol) + "\"");
        }
        p = openMetrics ? p + 1 : skipWs(p, eol);
        int vs = p;
        while (p < eol && b[p] != ' ' && b[p] != '\t') {
            p++;
        }
        value = parseFloat(vs, p, "value");
        if (p < eol) {
            p = openMetrics ? p + 1 : skipWs(p, eol);
        }
        if (p < eol && b[p] != '#') {
            int ts = p;
            while (p < eol && b[p] != ' ' && b[p] != '\t') {
                p++;
            }
            timestamp = parseTimestamp(ts, p);
            hasTimestamp = true;
            if (p < eol) {
                p = openMetrics ? p + 1 : skipWs(p, eol);
            }
        }
        if (p < eol) {
            if (!openMetrics || b[p] != '#') {
                throw error("unexpected text after the sample: \"" + snippet(p, eol) + "\"");
            }
            exemplar(p, eol);
        }
    }

    private void exemplar(int p, int eol) {
        if (!startsWith(p, "# {")) {
            throw error("expected \"# {\" to start an exemplar");
        }
        p += 3;
        exLabelsStart = p;
        p = skipLabels(p, eol);
        if (p >= eol || b[p] != ' ') {
            throw error("expected a value after the exemplar labels");
        }
        p++;
        int vs = p;
        while (p < eol && b[p] != ' ') {
            p++;
        }
        exValue = parseFloat(vs, p, "exemplar value");
        exHasTs = false;
        if (p < eol) {
            p++;
            int ts = p;
            while (p < eol && b[p] != ' ') {
                p++;
            }
            exTs = parseTimestamp(ts, p);
            exHasTs = true;
            if (p < eol) {
                throw error("unexpected text after the exemplar");
            }
        }
        hasExemplar = true;
    }

    /** Skips {@code labels "}"} starting after '{'; returns the position after '}'. */
    private int skipLabels(int p, int eol) {
        while (true) {
            p = openMetrics ? p : skipWs(p, eol);
            if (p >= eol) {
                throw error("unterminated label set");
            }
            if (b[p] == '}') {
                return p + 1;
            }
            int ns = p;
            if (b[p] == '"') {
                p = skipQuoted(p, eol);
            } else {
                while (p < eol && isNameChar(b[p], p == ns) && b[p] != ':') {
                    p++;
                }
                if (p == ns) {
                    throw error("expected a label name, got \"" + snippet(p, eol) + "\"");
                }
            }
            p = openMetrics ? p : skipWs(p, eol);
            if (p >= eol || b[p] != '=') {
                throw error("expected '=' after label name");
            }
            p++;
            p = openMetrics ? p : skipWs(p, eol);
            if (p >= eol || b[p] != '"') {
                throw error("expected a quoted label value");
            }
            p = skipQuoted(p, eol);
            p = openMetrics ? p : skipWs(p, eol);
            if (p < eol && b[p] == ',') {
                p++;
            } else if (p >= eol || b[p] != '}') {
                throw error("expected ',' or '}' after a label value, got \"" + snippet(p, eol) + "\"");
            }
        }
    }

    /** p at '"'; returns the position after the closing quote. */
    private int skipQuoted(int p, int eol) {
        p++;
        while (p < eol) {
            byte c = b[p];
            if (c == '\\') {
                if (p + 1 >= eol) {
                    break;
                }
                byte e = b[p + 1];
                if (e != '\\' && e != '"' && e != 'n') {
                    throw error("invalid escape sequence '\\" + (char) e + "'");
                }
                p += 2;
                continue;
            }
            if (c == '"') {
                return p + 1;
            }
            p++;
        }
        throw error("unterminated quoted string");
    }

    private static boolean isNameChar(byte c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (!first && c >= '0' && c <= '9');
    }

    private int skipWs(int p, int eol) {
        while (p < eol && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }

    private boolean startsWith(int p, String s) {
        if (p + s.length() > end) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(byte c, int from) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    // ---- values ---------------------------------------------------------------------------------

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * Go's {@code strconv.ParseFloat} on ASCII: a fast exact path for decimals with at most 15
     * significant digits and a small exponent (Clinger: both factors are exact doubles, so one
     * multiplication or division rounds correctly), {@link Double#parseDouble} otherwise.
     */
    private double parseFloat(int s, int e, String what) {
        if (s == e) {
            throw error("expected a " + what);
        }
        int p = s;
        boolean neg = false;
        if (b[p] == '-' || b[p] == '+') {
            neg = b[p] == '-';
            p++;
        }
        long mant = 0;
        int digits = 0;
        int scale = 0;
        boolean any = false;
        while (p < e && b[p] >= '0' && b[p] <= '9') {
            if (mant != 0 || b[p] != '0') {
                digits++;
            }
            mant = mant * 10 + (b[p] - '0');
            p++;
            any = true;
            if (digits > 15) {
                return slowFloat(s, e, what);
            }
        }
        if (p < e && b[p] == '.') {
            p++;
            while (p < e && b[p] >= '0' && b[p] <= '9') {
                if (mant != 0 || b[p] != '0') {
                    digits++;
                }
                mant = mant * 10 + (b[p] - '0');
                scale++;
                p++;
                any = true;
                if (digits > 15) {
                    return slowFloat(s, e, what);
                }
            }
        }
        if (!any) {
            return slowFloat(s, e, what);
        }
        int exp = 0;
        if (p < e && (b[p] == 'e' || b[p] == 'E')) {
            p++;
            boolean eneg = false;
            if (p < e && (b[p] == '-' || b[p] == '+')) {
                eneg = b[p] == '-';
                p++;
            }
            int es = p;
            while (p < e && b[p] >= '0' && b[p] <= '9' && p - es < 6) {
                exp = exp * 10 + (b[p] - '0');
                p++;
            }
            if (p == es) {
                throw error("invalid " + what + " \"" + str(s, e) + "\"");
            }
            if (eneg) {
                exp = -exp;
            }
        }
        if (p != e) {
            return slowFloat(s, e, what);
        }
        int e10 = exp - scale;
        double d;
        if (e10 == 0) {
            d = mant;
        } else if (e10 > 0 && e10 <= 22) {
            d = mant * POW10[e10];
        } else if (e10 < 0 && e10 >= -22) {
            d = mant / POW10[-e10];
        } else {
            return slowFloat(s, e, what);
        }
        return neg ? -d : d;
    }

    private double slowFloat(int s, int e, String what) {
        String t = str(s, e);
        String u = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        if (u.equalsIgnoreCase("inf") || u.equalsIgnoreCase("infinity")) {
            return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (u.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        // Java accepts forms Go does not (hex floats are shared; 'd'/'f' suffixes are not).
        for (int i = 0; i < u.length(); i++) {
            char c = u.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == '_')) {
                throw error("invalid " + what + " \"" + t + "\"");
            }
        }
        try {
            return Double.parseDouble(t.replace("_", ""));
        } catch (NumberFormatException ex) {
            throw error("invalid " + what + " \"" + t + "\"");
        }
    }

    private long parseTimestamp(int s, int e) {
        if (openMetrics) {
            double secs = parseFloat(s, e, "timestamp");
            if (Double.isNaN(secs) || Double.isInfinite(secs)) {
                throw error("invalid timestamp \"" + str(s, e) + "\"");
            }
            return Math.round(secs * 1000.0);
        }
        long v = 0;
        int p = s;
        boolean neg = false;
        if (p < e && (b[p] == '-' || b[p] == '+')) {
            neg = b[p] == '-';
            p++;
        }
        if (p == e || e - p > 18) {
            throw error("invalid timestamp \"" + str(s, e) + "\"");
        }
        for (; p < e; p++) {
            if (b[p] < '0' || b[p] > '9') {
                throw error("invalid timestamp \"" + str(s, e) + "\"");
            }
            v = v * 10 + (b[p] - '0');
        }
        return neg ? -v : v;
    }

    // ---- accessors ------------------------------------------------------------------------------

    public int line() {
        return line;
    }

    public byte[] buffer() {
        return b;
    }

    /** Start of the series' raw bytes (name and labels) in {@link #buffer()}. */
    public int seriesStart() {
        return seriesStart;
    }

    public int seriesEnd() {
        return seriesEnd;
    }

    public double value() {
        return value;
    }

    public boolean hasTimestamp() {
        return hasTimestamp;
    }

    /** Milliseconds. */
    public long timestamp() {
        return timestamp;
    }

    /** The metric name of the current series or comment. Allocates. */
    public String metricName() {
        if (nameQuoted) {
            return unquote(nameStart, nameEnd);
        }
        return new String(b, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
    }

    /** HELP text (unescaped), TYPE or UNIT of the current comment. Allocates. */
    public String text() {
        if (!openMetrics) {
            // text format HELP: only \\ and \n are escapes
            sb.setLength(0);
            String raw = new String(b, textStart, textEnd - textStart, StandardCharsets.UTF_8);
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length() && (raw.charAt(i + 1) == '\\' || raw.charAt(i + 1) == 'n')) {
                    sb.append(raw.charAt(i + 1) == 'n' ? '\n' : '\\');
                    i++;
                } else {
                    sb.append(c);
                }
            }
            return sb.toString().trim();
        }
        return unescape(textStart, textEnd);
    }

    /** The type of the current family: Prometheus's names, {@code unknown} when untyped. */
    public String familyType() {
        return familyType;
    }

    public String familyName() {
        return familyName;
    }

    /**
     * The current series' labels, including {@code __name__}, added to {@code into} (which the
     * caller resets). Applies Prometheus 3's {@code le}/{@code quantile} normalization. Allocates.
     */
    public void labels(Labels.Builder into) {
        String name = metricName();
        into.add(Labels.METRIC_NAME, name);
        if (labelsStart >= 0) {
            boolean normLe = "histogram".equals(familyType) || "gaugehistogram".equals(familyType);
            boolean normQ = "summary".equals(familyType);
            readLabels(labelsStart, into, normLe, normQ);
        }
    }

    public boolean hasExemplar() {
        return hasExemplar;
    }

    public void exemplarLabels(Labels.Builder into) {
        readLabels(exLabelsStart, into, false, false);
    }

    public double exemplarValue() {
        return exValue;
    }

    public boolean exemplarHasTimestamp() {
        return exHasTs;
    }

    public long exemplarTimestamp() {
        return exTs;
    }

    private void readLabels(int p, Labels.Builder into, boolean normLe, boolean normQ) {
        int eol = end;
        while (true) {
            p = skipWs(p, eol);
            if (b[p] == '}') {
                return;
            }
            int ns = p;
            String ln;
            if (b[p] == '"') {
                p = skipQuoted(p, eol);
                ln = unquote(ns, p);
            } else {
                while (isNameChar(b[p], p == ns) && b[p] != ':') {
                    p++;
                }
                ln = new String(b, ns, p - ns, StandardCharsets.US_ASCII);
            }
            p = skipWs(p, eol);
            p++; // '='
            p = skipWs(p, eol);
            int vs = p;
            p = skipQuoted(p, eol);
            String lv = unquote(vs, p);
            if ((normLe && ln.equals("le")) || (normQ && ln.equals("quantile"))) {
                lv = normalizeFloat(lv);
            }
            into.add(ln, lv);
            p = skipWs(p, eol);
            if (b[p] == ',') {
                p++;
            }
        }
    }

    /** Prometheus 3's {@code le}/{@code quantile} normalization to OpenMetrics float text. */
    static String normalizeFloat(String v) {
        double f;
        try {
            String t = v.trim();
            String u = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
            if (u.equalsIgnoreCase("inf") || u.equalsIgnoreCase("infinity")) {
                return t.startsWith("-") ? "-Inf" : "+Inf";
            }
            if (u.equalsIgnoreCase("nan")) {
                return "NaN";
            }
            if (t.isEmpty() || t.endsWith("d") || t.endsWith("D") || t.endsWith("f") || t.endsWith("F")) {
                return v;
            }
            f = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return v;
        }
        return formatOpenMetricsFloat(f);
    }

    /** Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}, plus ".0" for integral values without '.' or 'e'. */
    static String formatOpenMetricsFloat(double f) {
        String g = io.gnomon.tsdb.text.GoFloat.format(f, 'g');
        if (g.indexOf('.') < 0 && g.indexOf('e') < 0 && !Double.isNaN(f) && !Double.isInfinite(f)) {
            return g + ".0";
        }
        return g;
    }

    private String unquote(int s, int e) {
        return unescape(s + 1, e - 1);
    }

    private String unescape(int s, int e) {
        boolean esc = false;
        for (int i = s; i < e; i++) {
            if (b[i] == '\\') {
                esc = true;
                break;
            }
        }
        if (!esc) {
            return new String(b, s, e - s, StandardCharsets.UTF_8);
        }
        byte[] out = new byte[e - s];
        int n = 0;
        for (int i = s; i < e; i++) {
            if (b[i] == '\\' && i + 1 < e) {
                byte c = b[++i];
                out[n++] = c == 'n' ? (byte) '\n' : c;
            } else {
                out[n++] = b[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private String str(int s, int e) {
        return new String(b, s, e - s, StandardCharsets.UTF_8);
    }

    private String snippet(int p, int eol) {
        return str(p, Math.min(eol, p + 40));
    }

    private ParseException error(String what) {
        return new ParseException(what + " [line=" + line + "]");
    }
}
