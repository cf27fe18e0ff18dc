package io.gnomon.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gnomon's command-line flags. Names, defaults and meanings follow Prometheus (so scripts and
 * unit files carry over); Gnomon-only flags are namespaced the same way.
 *
 * <p>Syntax: {@code --name=value} or {@code --name value}; boolean flags also as {@code --name}
 * and {@code --no-name}. An unknown flag or a value that does not parse is a {@link FlagException}
 * whose message names the flag and what is expected; {@link Main} prints it on one line and exits
 * with status 2, as Prometheus does.
 */
public final class Flags {

    /** The kind of a flag's value, which decides how it is parsed and described. */
    public enum Kind {
        STRING("a string"),
        BOOL("true or false"),
        DURATION("a duration like 15d, 2h, 5m or 30s"),
        DURATION_OR_ZERO("a duration like 15d or 0 for none"),
        BYTES("a size like 512MB, 10GB or 0 for none"),
        INT("an integer"),
        LOG_LEVEL("one of debug, info, warn, error"),
        FSYNC("one of interval, always"),
        /** Repeatable; values are comma-separated feature names, collected over every use. */
        FEATURES("feature names separated by commas");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }
    }

    /** One flag: its name without dashes, kind, default as written on the command line, help. */
    public record Def(String name, Kind kind, String defaultValue, String help) {
    }

    /** Prometheus feature flags whose behaviour Gnomon always has. */
    static final List<String> ALWAYS_ON_FEATURES = List.of("exemplar-storage", "promql-experimental-functions",
        "promql-duration-expr", "promql-delayed-name-removal", "created-timestamp-zero-ingestion", "otlp-deltatocumulative");
    /** Feature flags Gnomon acts on. */
    static final List<String> SWITCHABLE_FEATURES = List.of("use-start-timestamps");

    private static final List<Def> DEFS = List.of(
        new Def("config.file", Kind.STRING, "", "Prometheus configuration file path (prometheus.yml). Empty: the embedded default, which scrapes Gnomon itself."),
        new Def("web.listen-address", Kind.STRING, ":9090", "Address to listen on for the UI, API and telemetry."),
        new Def("web.config.file", Kind.STRING, "", "Path to a web configuration file (TLS and basic auth), in Prometheus's format."),
        new Def("web.enable-admin-api", Kind.BOOL, "false", "Enable API endpoints for admin control actions."),
        new Def("web.enable-lifecycle", Kind.BOOL, "false", "Enable shutdown and reload via HTTP request."),
        new Def("web.enable-remote-write-receiver", Kind.BOOL, "true", "Accept remote-write requests on /api/v1/write."),
        new Def("web.remote-write.max-body-size", Kind.BYTES, "32MB", "Largest compressed remote-write body; larger ones are answered 413."),
        new Def("web.remote-write.max-decompressed-size", Kind.BYTES, "128MB", "Largest remote-write body after snappy, read from the snappy header before decompressing; larger ones are answered 413."),
        new Def("web.remote-write.max-labels-per-series", Kind.INT, "128", "Most labels a remote-written series may have; a series with more is refused (400)."),
        new Def("web.remote-write.max-label-name-length", Kind.INT, "1024", "Longest label name in UTF-8 bytes a remote-written series may have; longer is refused (400)."),
        new Def("web.remote-write.max-label-value-length", Kind.INT, "8192", "Longest label value in UTF-8 bytes a remote-written series may have; longer is refused (400)."),
        new Def("web.remote-write.max-series-per-request", Kind.INT, "500000", "Most series in one remote-write request; more is answered 413 and nothing is written."),
        new Def("web.remote-write.max-inflight", Kind.INT, "0", "Most remote-write requests admitted at once (waiting for a worker or decoding); more are answered 429 with Retry-After. 0: 16 per core, at least 32."),
        new Def("web.cors.origin", Kind.STRING, ".*", "Regex for CORS origin. It is fully anchored."),
        new Def("web.max-connections", Kind.INT, "512", "Maximum number of simultaneous connections."),
        new Def("web.read-timeout", Kind.DURATION, "5m", "Maximum duration before timing out read of the request, and closing idle connections."),
        new Def("storage.tsdb.path", Kind.STRING, "data/", "Base path for metrics storage."),
        new Def("storage.tsdb.retention.time", Kind.DURATION_OR_ZERO, "15d", "How long to retain samples in storage."),
        new Def("storage.tsdb.retention.size", Kind.BYTES, "0", "Maximum number of bytes that can be stored for blocks, WAL and head chunks. 0 means no limit."),
        new Def("storage.tsdb.min-block-duration", Kind.DURATION, "2h", "Minimum duration of a data block before being persisted; also the head's chunk range. For use in testing."),
        new Def("storage.tsdb.max-block-duration", Kind.DURATION_OR_ZERO, "0s", "Maximum duration compacted blocks may span. For use in testing. 0: 10% of the retention time, at most 31d."),
        new Def("storage.tsdb.max-exemplars", Kind.INT, "100000", "Maximum number of exemplars kept in memory; 0 disables exemplar storage."),
        new Def("storage.tsdb.wal-compression", Kind.BOOL, "true", "Compress the write-ahead log with LZ4."),
        new Def("storage.tsdb.wal-fsync", Kind.FSYNC, "interval", "When to fsync the write-ahead log: 'interval' (on segment cut and every storage.tsdb.wal-fsync-interval) or 'always' (before every acknowledgement)."),
        new Def("storage.tsdb.wal-fsync-interval", Kind.DURATION, "1s", "Fsync interval of the write-ahead log in 'interval' mode: the most a power loss (not a process crash) can lose."),
        new Def("storage.tsdb.out-of-order-time-window", Kind.DURATION_OR_ZERO, "0s", "Reserved: out-of-order ingestion window. Only 0 is supported."),
        new Def("query.timeout", Kind.DURATION, "2m", "Maximum time a query may take before being aborted."),
        new Def("query.max-samples", Kind.INT, "50000000", "Maximum number of samples a single query can load into memory."),
        new Def("query.max-concurrency", Kind.INT, "20", "Maximum number of queries executed concurrently."),
        new Def("query.lookback-delta", Kind.DURATION, "5m", "The maximum lookback duration for retrieving metrics during expression evaluations."),
        new Def("web.enable-otlp-receiver", Kind.BOOL, "true", "Accept OTLP metrics on /api/v1/otlp/v1/metrics."),
        new Def("otlp.http.listen-address", Kind.STRING, "", "Address of an extra OTLP/HTTP listener serving /v1/metrics (e.g. :4318). Empty: off."),
        new Def("otlp.grpc.listen-address", Kind.STRING, "", "Address of an OTLP/gRPC listener (e.g. :4317). Empty: off."),
        new Def("enable-feature", Kind.FEATURES, "", "Comma separated feature names to enable; the flag may be repeated."
            + " Acted on: use-start-timestamps (rate, increase, irate and resets use stored start timestamps)."
            + " Accepted as always on in Gnomon: " + String.join(", ", ALWAYS_ON_FEATURES) + ". Unknown names are logged and ignored, as Prometheus does."),
        new Def("log.level", Kind.LOG_LEVEL, "info", "Only log messages with the given severity or above."),
        new Def("help", Kind.BOOL, "false", "Show this help and exit."),
        new Def("version", Kind.BOOL, "false", "Show version, revision and build date and exit."));

    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    /** Every flag Gnomon knows, in the order --help prints them. */
    public static List<Def> definitions() {
        return DEFS;
    }

    /** The flags at their defaults. */
    public static Flags defaults() {
        return parse(new String[0]);
    }

    /**
     * Parses the command line.
     *
     * @throws FlagException on an unknown flag, a missing value or a value that does not parse
     */
    public static Flags parse(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Def d : DEFS) {
            values.put(d.name(), d.defaultValue());
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new FlagException("unexpected argument '" + arg + "', flags start with --, try --help");
            }
            String body = arg.substring(2);
            String name = body;
            String value = null;
            int eq = body.indexOf('=');
            if (eq >= 0) {
                name = body.substring(0, eq);
                value = body.substring(eq + 1);
            }
            Def def = find(name);
            if (def == null && name.startsWith("no-") && value == null) {
                Def negated = find(name.substring(3));
                if (negated != null && negated.kind() == Kind.BOOL) {
                    values.put(negated.name(), "false");
                    continue;
                }
            }
            if (def == null) {
                throw new FlagException("unknown long flag '--" + name + "', try --help");
            }
            if (value == null) {
                if (def.kind() == Kind.BOOL) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new FlagException("expected argument for flag '--" + name + "': " + def.kind().expected);
                }
            }
            validate(def, value);
            if (def.kind() == Kind.FEATURES && !values.get(def.name()).isEmpty()) {
                value = values.get(def.name()) + "," + value; // repeated: collect
            }
            values.put(def.name(), value);
        }
        return new Flags(Collections.unmodifiableMap(values));
    }

    private static Def find(String name) {
        for (Def d : DEFS) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    private static void validate(Def def, String value) {
        try {
            switch (def.kind()) {
                case BOOL -> {
                    if (!value.equals("true") && !value.equals("false")) {
                        throw new IllegalArgumentException();
                    }
                }
                case DURATION -> {
                    if (parseDuration(value).isZero()) {
                        throw new IllegalArgumentException();
                    }
                }
                case DURATION_OR_ZERO -> parseDuration(value);
                case BYTES -> parseBytes(value);
                case INT -> {
                    if (Long.parseLong(value) < 0) {
                        throw new IllegalArgumentException();
                    }
                }
                case LOG_LEVEL -> {
                    if (!List.of("debug", "info", "warn", "error").contains(value)) {
                        throw new IllegalArgumentException();
                    }
                }
                case FSYNC -> {
                    if (!value.equals("interval") && !value.equals("always")) {
                        throw new IllegalArgumentException();
                    }
                }
                case STRING, FEATURES -> {
                }
            }
        } catch (IllegalArgumentException e) {
            throw new FlagException("invalid value \"" + value + "\" for flag '--" + def.name() + "': expected " + def.kind().expected);
        }
    }

    public String string(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no such flag [name=" + name + "]");
        }
        return v;
    }

    public boolean bool(String name) {
        return Boolean.parseBoolean(string(name));
    }

    public long integer(String name) {
        return Long.parseLong(string(name));
    }

    /** The names given to {@code --enable-feature}, over every use of the flag. */
    public java.util.Set<String> features() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (String f : string("enable-feature").split(",")) {
            if (!f.isBlank()) {
                out.add(f.trim());
            }
        }
        return out;
    }

    /** The enabled feature names that Gnomon does not know (logged at start-up and ignored). */
    public List<String> unknownFeatures() {
        List<String> out = new ArrayList<>();
        for (String f : features()) {
            if (!ALWAYS_ON_FEATURES.contains(f) && !SWITCHABLE_FEATURES.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }

    public Duration duration(String name) {
        return parseDuration(string(name));
    }

    public long bytes(String name) {
        return parseBytes(string(name));
    }

    /** Every flag and its value, in definition order (for /api/v1/status/flags). */
    public Map<String, String> asMap() {
        return values;
    }

    /**
     * Parses a Prometheus duration: one or more {@code <number><unit>} with units
     * {@code y w d h m s ms} in decreasing order, or {@code 0}.
     *
     * @throws IllegalArgumentException when it does not parse
     */
    public static Duration parseDuration(String s) {
        return io.gnomon.http.api.PromDuration.parse(s);
    }

    /**
     * Parses a size as Prometheus's {@code units.Base2Bytes}: a number with an optional unit
     * {@code B KB MB GB TB PB EB} (powers of 1024; {@code KiB} forms accepted too).
     */
    public static long parseBytes(String s) {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("bad size " + s);
        }
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).replace("iB", "B");
        long mult = switch (unit) {
            case "", "B" -> 1L;
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            case "TB" -> 1L << 40;
            case "PB" -> 1L << 50;
            case "EB" -> 1L << 60;
            default -> throw new IllegalArgumentException("bad size unit " + unit);
        };
        return Math.multiplyExact(n, mult);
    }

    /** The --help text: usage and every flag with its default. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: gnomon [<flags>]\n\n");
        sb.append("Gnomon: a Prometheus-compatible time-series database.\n\n");
        sb.append("Flags:\n");
        List<String> lines = new ArrayList<>();
        for (Def d : DEFS) {
            String head = d.kind() == Kind.BOOL ? "  --[no-]" + d.name() : "  --" + d.name() + "=<" + placeholder(d.kind()) + ">";
            String dflt = d.kind() == Kind.BOOL || d.defaultValue().isEmpty() ? "" : " (default: " + d.defaultValue() + ")";
            if (d.kind() == Kind.BOOL && !d.name().equals("help") && !d.name().equals("version")) {
                dflt = " (default: " + d.defaultValue() + ")";
            }
            lines.add(head + "\n      " + d.help() + dflt);
        }
        sb.append(String.join("\n", lines)).append('\n');
        return sb.toString();
    }

    private static String placeholder(Kind k) {
        return switch (k) {
            case DURATION, DURATION_OR_ZERO -> "duration";
            case BYTES -> "size";
            case INT -> "int";
            case LOG_LEVEL -> "level";
            case FSYNC -> "mode";
            case FEATURES -> "features";
            default -> "string";
        };
    }

    /** A bad command line; the message is the one line Main prints. */
    public static final class FlagException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        FlagException(String message) {
            super(message);
        }
    }
}
