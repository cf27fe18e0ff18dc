package io.gnomon.ingest.otlp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * OTLP metric and attribute names to Prometheus names, following the OpenTelemetry "Prometheus and
 * OpenMetrics compatibility" specification as Prometheus implements it.
 *
 * <p>With escaping, a metric name is split into tokens at every character outside
 * {@code [a-zA-Z0-9:]} (so runs of invalid characters and underscores become one {@code _}), the
 * unit's suffix tokens are appended unless already present, then {@code total} for monotonic
 * sums and {@code ratio} for gauges of unit {@code 1} (each moved to the end if present
 * elsewhere), and a leading digit gets a {@code _} prefix. Without escaping, the name is kept and
 * suffixes are appended unless it already ends with them.
 *
 * <p>Units: {@code {annotations}} are dropped; {@code a/b} becomes {@code a_per_b}; well-known
 * UCUM units are spelled out ({@code s} -> {@code seconds}, {@code By} -> {@code bytes},
 * {@code 1} -> nothing, see {@link #UNITS}).
 *
 * <p>Labels: with escaping, every character outside {@code [a-zA-Z0-9_]} becomes {@code _} (merged
 * with an underscore before it, so {@code a..b} is {@code a_b} while {@code __reserved__} stays),
 * and a leading digit gets {@code key_}.
 */
public final class Names {

    /** UCUM unit -> Prometheus unit word. */
    static final Map<String, String> UNITS = Map.ofEntries(
        Map.entry("d", "days"), Map.entry("h", "hours"), Map.entry("min", "minutes"),
        Map.entry("s", "seconds"), Map.entry("ms", "milliseconds"), Map.entry("us", "microseconds"),
        Map.entry("ns", "nanoseconds"), Map.entry("By", "bytes"), Map.entry("KiBy", "kibibytes"),
        Map.entry("MiBy", "mebibytes"), Map.entry("GiBy", "gibibytes"), Map.entry("TiBy", "tibibytes"),
        Map.entry("KBy", "kilobytes"), Map.entry("MBy", "megabytes"), Map.entry("GBy", "gigabytes"),
        Map.entry("TBy", "terabytes"), Map.entry("m", "meters"), Map.entry("V", "volts"),
        Map.entry("A", "amperes"), Map.entry("J", "joules"), Map.entry("W", "watts"), Map.entry("g", "grams"),
        Map.entry("Cel", "celsius"), Map.entry("Hz", "hertz"), Map.entry("1", ""), Map.entry("%", "percent"));

    /** UCUM unit after {@code /} -> singular word. */
    static final Map<String, String> PER_UNITS = Map.of(
        "s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    /** What kind of Prometheus metric a name is built for (decides {@code _total} and {@code _ratio}). */
    public enum Kind { COUNTER, GAUGE, HISTOGRAM, SUMMARY }

    private Names() {
    }

    /**
     * The Prometheus metric name, or {@code ""} when nothing valid is left (the caller rejects
     * the metric).
     */
    public static String metricName(String name, String unit, Kind kind, TranslationStrategy strategy) {
        unit = unit == null ? "" : unit;
        String result = strategy.escapes() ? escapedMetricName(name, unit, kind, strategy.addsSuffixes())
            : utf8MetricName(name, unit, kind, strategy.addsSuffixes());
        if (strategy.escapes()) {
            boolean onlyUnderscores = true;
            for (int i = 0; i < result.length(); i++) {
                if (result.charAt(i) != '_') {
                    onlyUnderscores = false;
                    break;
                }
            }
            if (onlyUnderscores) {
                return "";
            }
        }
        return result;
    }

    private static String escapedMetricName(String name, String unit, Kind kind, boolean suffixes) {
        List<String> tokens = tokens(name, false);
        if (suffixes) {
            String[] u = unitWords(unit);
            String main = clean(u[0]);
            String per = clean(u[1]);
            if (!main.isEmpty() && !tokens.contains(main)) {
                tokens.add(main);
            }
            if (!per.isEmpty()) {
                String perToken = "per_" + per;
                if (!String.join("_", tokens).endsWith(perToken)) {
                    tokens.add("per");
                    tokens.add(per);
                }
            }
            if (kind == Kind.COUNTER) {
                tokens.remove("total");
                tokens.add("total");
            }
            if ("1".equals(unit) && kind == Kind.GAUGE) {
                tokens.remove("ratio");
                tokens.add("ratio");
            }
        }
        String joined = String.join("_", tokens);
        if (!joined.isEmpty() && Character.isDigit(joined.charAt(0))) {
            joined = "_" + joined;
        }
        return joined;
    }

    private static String utf8MetricName(String name, String unit, Kind kind, boolean suffixes) {
        if (!suffixes) {
            return name;
        }
        String[] u = unitWords(unit);
        String n = name;
        boolean ratio = "1".equals(unit) && kind == Kind.GAUGE;
        boolean total = kind == Kind.COUNTER;
        if (ratio) {
            n = trimSuffix(n, "ratio");
        }
        if (total) {
            n = trimSuffix(n, "total");
        }
        String per = u[1].isEmpty() ? "" : "per_" + u[1];
        if (!per.isEmpty()) {
            n = trimSuffix(n, per);
        }
        if (!u[0].isEmpty() && !n.endsWith(u[0])) {
            n = n + "_" + u[0];
        }
        if (!per.isEmpty()) {
            n = n + "_" + per;
        }
        if (total) {
            n = n + "_total";
        }
        if (ratio) {
            n = n + "_ratio";
        }
        return n;
    }

    private static String trimSuffix(String name, String suffix) {
        if (name.endsWith(suffix) && name.length() > suffix.length() + 1) {
            return name.substring(0, name.length() - suffix.length() - 1);
        }
        return name;
    }

    /** [main word, per word] of a UCUM unit, either may be empty. */
    static String[] unitWords(String unit) {
        String u = stripAnnotations(unit).trim();
        String main = u;
        String per = "";
        int slash = u.indexOf('/');
        if (slash >= 0) {
            main = u.substring(0, slash).trim();
            per = u.substring(slash + 1).trim();
        }
        String mainWord = main.isEmpty() ? "" : UNITS.getOrDefault(main, main);
        String perWord = per.isEmpty() ? "" : PER_UNITS.getOrDefault(per, per);
        return new String[] {mainWord, perWord};
    }

    private static String stripAnnotations(String unit) {
        if (unit.indexOf('{') < 0) {
            return unit;
        }
        StringBuilder sb = new StringBuilder(unit.length());
        int depth = 0;
        for (int i = 0; i < unit.length(); i++) {
            char c = unit.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            } else if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A unit word made of metric-name characters, outer underscores trimmed. */
    private static String clean(String word) {
        return String.join("_", tokens(word, false));
    }

    /** Splits at every character that is not a valid metric-name character (underscore included). */
    private static List<String> tokens(String s, boolean keepUnderscore) {
        List<String> out = new ArrayList<>(8);
        int start = -1;
        for (int i = 0; i <= s.length(); i++) {
            boolean valid = i < s.length() && isMetricChar(s.charAt(i), keepUnderscore);
            if (valid && start < 0) {
                start = i;
            } else if (!valid && start >= 0) {
                out.add(s.substring(start, i));
                start = -1;
            }
        }
        return out;
    }

    private static boolean isMetricChar(char c, boolean underscore) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':'
            || (underscore && c == '_');
    }

    /**
     * The Prometheus label name of an attribute key, or {@code ""} when nothing valid is left
     * (empty or only underscores; the caller rejects the point).
     */
    public static String labelName(String key, TranslationStrategy strategy) {
        if (key.isEmpty()) {
            return "";
        }
        if (!strategy.escapes()) {
            return onlyUnderscores(key) ? "" : key;
        }
        StringBuilder sb = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            char out = valid ? c : '_';
            if (!valid && sb.length() > 0 && sb.charAt(sb.length() - 1) == '_' && !leadingUnderscores(sb)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++; // one code point, one underscore
            }
            sb.append(out);
        }
        String name = sb.toString();
        if (Character.isDigit(name.charAt(0))) {
            name = "key_" + name;
        }
        return onlyUnderscores(name) ? "" : name;
    }

    private static boolean leadingUnderscores(StringBuilder sb) {
        for (int i = 0; i < sb.length(); i++) {
            if (sb.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean onlyUnderscores(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '_') {
                return false;
            }
        }
        return true;
    }

    /**
     * A bucket bound or quantile as Prometheus writes it ({@code strconv.FormatFloat(v, 'f', -1,
     * 64)}): the shortest decimal that round-trips, never in exponent form; {@code +Inf},
     * {@code -Inf}, {@code NaN}.
     */
    public static String formatFloat(double v) {
        return io.gnomon.tsdb.text.GoFloat.format(v, 'f');
    }
}
