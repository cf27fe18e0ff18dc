package io.gnomon.scrape.config;

import java.util.List;

/**
 * The {@code otlp:} section, as Prometheus 3 defines it, validated but not interpreted here: the
 * OTLP receiver maps it onto its own options.
 *
 * @param translationStrategy one of {@code UnderscoreEscapingWithSuffixes} (the default),
 *     {@code UnderscoreEscapingWithoutSuffixes}, {@code NoUTF8EscapingWithSuffixes}, {@code NoTranslation}
 */
public record OtlpConfig(String translationStrategy, List<String> promoteResourceAttributes,
                         List<String> ignoreResourceAttributes, boolean promoteAllResourceAttributes,
                         boolean keepIdentifyingResourceAttributes, boolean convertHistogramsToNhcb,
                         boolean promoteScopeMetadata) {

    public static final String UNDERSCORE_ESCAPING_WITH_SUFFIXES = "UnderscoreEscapingWithSuffixes";
    public static final List<String> TRANSLATION_STRATEGIES = List.of(UNDERSCORE_ESCAPING_WITH_SUFFIXES,
        "UnderscoreEscapingWithoutSuffixes", "NoUTF8EscapingWithSuffixes", "NoTranslation");

    public static final OtlpConfig DEFAULT =
        new OtlpConfig(UNDERSCORE_ESCAPING_WITH_SUFFIXES, List.of(), List.of(), false, false, false, false);

    public OtlpConfig {
        promoteResourceAttributes = List.copyOf(promoteResourceAttributes);
        ignoreResourceAttributes = List.copyOf(ignoreResourceAttributes);
    }
}
