package io.gnomon.http.api;

import java.time.Duration;

/** Prometheus's duration syntax, shared by flags and API parameters. */
public final class PromDuration {

    private PromDuration() {
    }

    /**
     * Parses a Prometheus duration: one or more {@code <number><unit>} with units
     * {@code y w d h m s ms} in decreasing order, or {@code 0}.
     *
     * @throws IllegalArgumentException when it does not parse
     */
    public static Duration parse(String s) {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration");
        }
        long totalMs = 0;
        int i = 0;
        int lastRank = Integer.MAX_VALUE;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("bad duration " + s);
            }
            long n = Long.parseLong(s.substring(start, i));
            int unitStart = i;
            while (i < s.length() && Character.isLetter(s.charAt(i))) {
                i++;
            }
            String unit = s.substring(unitStart, i);
            long mult;
            int rank;
            switch (unit) {
                case "y" -> { mult = 365L * 24 * 3600 * 1000; rank = 7; }
                case "w" -> { mult = 7L * 24 * 3600 * 1000; rank = 6; }
                case "d" -> { mult = 24L * 3600 * 1000; rank = 5; }
                case "h" -> { mult = 3600L * 1000; rank = 4; }
                case "m" -> { mult = 60L * 1000; rank = 3; }
                case "s" -> { mult = 1000L; rank = 2; }
                case "ms" -> { mult = 1L; rank = 1; }
                default -> throw new IllegalArgumentException("bad unit " + unit);
            }
            if (rank >= lastRank) {
                throw new IllegalArgumentException("units out of order in " + s);
            }
            lastRank = rank;
            totalMs = Math.addExact(totalMs, Math.multiplyExact(n, mult));
        }
        return Duration.ofMillis(totalMs);
    }

}
