package io.gnomon.scrape.config;

import java.util.List;

/**
 * A loaded {@code prometheus.yml}: what Gnomon acts on. Sections Prometheus has and Gnomon does
 * not act on yet ({@code rule_files}, {@code alerting}, {@code remote_write}, {@code remote_read},
 * {@code storage}, {@code tracing}, {@code runtime}) are accepted and listed in {@link #ignoredSections()}.
 *
 * @param source where it came from (a file path, or {@code <embedded default>})
 */
public record PrometheusConfig(GlobalConfig global, List<ScrapeConfig> scrapeConfigs, OtlpConfig otlp,
                               List<String> ignoredSections, String source) {
    public PrometheusConfig {
        scrapeConfigs = List.copyOf(scrapeConfigs);
        ignoredSections = List.copyOf(ignoredSections);
    }

    /** The scrape config of a job, or null. */
    public ScrapeConfig job(String name) {
        for (ScrapeConfig c : scrapeConfigs) {
            if (c.jobName().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
