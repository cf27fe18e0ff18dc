package io.gnomon.scrape.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry with every default resolved (interval and timeout from
 * {@code global}, limits from {@code global} when unset). Limits of 0 mean "no limit".
 */
public record ScrapeConfig(String jobName, Duration scrapeInterval, Duration scrapeTimeout, String metricsPath,
                           String scheme, Map<String, List<String>> params, boolean honorLabels,
                           boolean honorTimestamps, List<TargetGroup> staticConfigs, List<FileSdConfig> fileSdConfigs,
                           List<HttpSdConfig> httpSdConfigs, List<RelabelConfig> relabelConfigs,
                           List<RelabelConfig> metricRelabelConfigs, long sampleLimit, long labelLimit,
                           long labelNameLengthLimit, long labelValueLengthLimit, long bodySizeLimit,
                           long targetLimit, HttpClientConfig http, boolean enableCompression) {

    public ScrapeConfig {
        params = Map.copyOf(params);
        staticConfigs = List.copyOf(staticConfigs);
        fileSdConfigs = List.copyOf(fileSdConfigs);
        httpSdConfigs = List.copyOf(httpSdConfigs);
        relabelConfigs = List.copyOf(relabelConfigs);
        metricRelabelConfigs = List.copyOf(metricRelabelConfigs);
    }
}
