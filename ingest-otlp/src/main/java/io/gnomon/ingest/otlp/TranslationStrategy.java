package io.gnomon.ingest.otlp;

import java.util.Locale;

/**
 * How OTLP metric and attribute names become Prometheus names; the values and their spelling are
 * Prometheus's {@code otlp.translation_strategy}.
 */
public enum TranslationStrategy {
    /** Invalid characters become {@code _}; unit and type suffixes are added. The default. */
    UnderscoreEscapingWithSuffixes(true, true),
    /** Invalid characters become {@code _}; no suffixes. */
    UnderscoreEscapingWithoutSuffixes(true, false),
    /** Names stay UTF-8 as sent; unit and type suffixes are added. */
    NoUTF8EscapingWithSuffixes(false, true),
    /** Names stay exactly as sent. */
    NoTranslation(false, false);

    private final boolean escape;
    private final boolean suffixes;

    TranslationStrategy(boolean escape, boolean suffixes) {
        this.escape = escape;
        this.suffixes = suffixes;
    }

    public boolean escapes() {
        return escape;
    }

    public boolean addsSuffixes() {
        return suffixes;
    }

    /**
     * The strategy spelled as in {@code prometheus.yml} (case-insensitive).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static TranslationStrategy parse(String s) {
        for (TranslationStrategy t : values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(s == null ? "" : s.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown OTLP translation strategy [value=" + s + ", accepted="
            + java.util.Arrays.toString(values()) + "]");
    }
}
