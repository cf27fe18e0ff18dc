package io.gnomon.scrape.config;

import java.time.Duration;

/**
 * Prometheus's duration syntax ({@code model.Duration}): units {@code y w d h m s ms} in that
 * order, each at most once, integers only, or a bare {@code 0}; e.g. {@code 1h30m}, {@code 15s}.
 * Also the formatter the targets API uses ({@code 1m}, {@code 1h30m}, {@code 500ms}).
 */
public final class Durations {
    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] MILLIS = {365L * 86_400_000, 7L * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1};

    private Durations() {
    }

    /** Parses; throws {@link IllegalArgumentException} with Prometheus's message. */
    public static Duration parse(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        long total = 0;
        int pos = 0;
        int lastUnit = -1;
        while (pos < s.length()) {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
                pos++;
            }
            if (pos == start || pos - start > 18) {
                throw invalid(s);
            }
            long n = Long.parseLong(s, start, pos, 10);
            int unit = -1;
            if (s.startsWith("ms", pos)) {
                unit = 6;
            } else if (pos < s.length()) {
                for (int u = 0; u < 6; u++) {
                    if (s.charAt(pos) == UNITS[u].charAt(0)) {
                        unit = u;
                    }
                }
            }
            if (unit < 0 || unit <= lastUnit) {
                throw invalid(s);
            }
            pos += UNITS[unit].length();
            lastUnit = unit;
            try {
                total = Math.addExact(total, Math.multiplyExact(n, MILLIS[unit]));
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("duration out of range: \"" + s + "\"");
            }
        }
        return Duration.ofMillis(total);
    }

    private static IllegalArgumentException invalid(String s) {
        return new IllegalArgumentException("not a valid duration string: \"" + s + "\"");
    }

    /** Formats as Prometheus does ({@code 0s}, {@code 15s}, {@code 1m30s}, {@code 1d}, {@code 250ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < UNITS.length; u++) {
            if (ms >= MILLIS[u]) {
                sb.append(ms / MILLIS[u]).append(UNITS[u]);
                ms %= MILLIS[u];
            }
        }
        return sb.toString();
    }

    /**
     * Parses a byte size as Prometheus's {@code body_size_limit} takes it (base-2 units:
     * {@code B}, {@code KB}/{@code KiB}, {@code MB}/{@code MiB}, {@code GB}, {@code TB}, {@code PB},
     * {@code EB}; {@code 0} means no limit).
     */
    public static long parseBytes(String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty byte size");
        }
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a valid byte size: \"" + s + "\"");
        }
        double n;
        try {
            n = Double.parseDouble(s.substring(0, i));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a valid byte size: \"" + s + "\"");
        }
        String unit = s.substring(i).trim();
        long mult = switch (unit) {
            case "", "B" -> 1;
            case "KB", "KiB", "K" -> 1L << 10;
            case "MB", "MiB", "M" -> 1L << 20;
            case "GB", "GiB", "G" -> 1L << 30;
            case "TB", "TiB", "T" -> 1L << 40;
            case "PB", "PiB", "P" -> 1L << 50;
            case "EB", "EiB", "E" -> 1L << 60;
            default -> throw new IllegalArgumentException("not a valid byte size: \"" + s + "\"");
        };
        return (long) (n * mult);
    }
}
