package io.gnomon.scrape.config;

import io.gnomon.tsdb.labels.Labels;
import java.time.Duration;

/**
 * {@code global}: the scrape interval and timeout every job inherits (Prometheus's defaults 1m
 * and 10s), the evaluation interval (accepted; rules are not evaluated yet), external labels, and
 * the global defaults of the per-job settings: limits (0: no limit), {@code keep_dropped_targets},
 * {@code scrape_protocols} (empty: Prometheus's default list), and the metric name validation
 * ({@code utf8} or {@code legacy}) and escaping schemes (empty: the default for the validation).
 */
public record GlobalConfig(Duration scrapeInterval, Duration scrapeTimeout, Duration evaluationInterval,
                           Labels externalLabels, long sampleLimit, long labelLimit, long labelNameLengthLimit,
                           long labelValueLengthLimit, long bodySizeLimit, long targetLimit, long keepDroppedTargets,
                           java.util.List<String> scrapeProtocols, String nameValidation, String nameEscaping) {

    public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_SCRAPE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofMinutes(1);

    public static final GlobalConfig DEFAULT = new GlobalConfig(DEFAULT_SCRAPE_INTERVAL, DEFAULT_SCRAPE_TIMEOUT,
        DEFAULT_EVALUATION_INTERVAL, Labels.EMPTY, 0, 0, 0, 0, 0, 0, 0, java.util.List.of(), "utf8", "");

    public GlobalConfig {
        scrapeProtocols = java.util.List.copyOf(scrapeProtocols);
    }
}
