package io.gnomon.scrape.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry with every default resolved (interval and timeout from
 * {@code global}, limits from {@code global} when unset). Limits of 0 mean "no limit".
 *
 * @param accept                   the {@code Accept} header built from {@code scrape_protocols} and
 *                                 the escaping scheme, as Prometheus 3 builds it
 * @param fallbackProtocol         {@code fallback_scrape_protocol}, or empty: how a body with a
 *                                 blank or unknown {@code Content-Type} is parsed
 * @param legacyNameValidation     {@code metric_name_validation_scheme: legacy}: a series whose
 *                                 metric or label names are not legacy names fails the scrape
 * @param trackTimestampsStaleness stale markers also for series exposed with their own timestamps
 * @param keepDroppedTargets       how many dropped targets the targets API lists (0: all)
 */
public record ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, String metricsPath,
                           String scheme, Map<String, List<String>> params, boolean honorLabels,
                           boolean honorTimestamps, List<TargetGroup> staticConfigs, List<FileSdConfig> fileSdConfigs,
                           List<HttpSdConfig> httpSdConfigs, List<RelabelConfig> relabelConfigs,
                           List<RelabelConfig> metricRelabelConfigs, long sampleLimit, long labelLimit,
                           long labelNameLengthLimit, long labelValueLengthLimit, long bodySizeLimit,
                           long targetLimit, HttpClientConfig http, boolean enableCompression, String accept,
                           String fallbackProtocol, boolean legacyNameValidation, boolean trackTimestampsStaleness,
                           long keepDroppedTargets) {

    public ScrapeConfig {
        params = Map.copyOf(params);
        staticConfigs = List.copyOf(staticConfigs);
        fileSdConfigs = List.copyOf(fileSdConfigs);
        httpSdConfigs = List.copyOf(httpSdConfigs);
        relabelConfigs = List.copyOf(relabelConfigs);
        metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
    }
}
