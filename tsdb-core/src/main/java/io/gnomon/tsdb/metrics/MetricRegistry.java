package io.gnomon.tsdb.metrics;

import java.util.concurrent.CopyOnWriteArrayList;

/** The sources whose metrics /metrics exposes, in registration order. Thread-safe. */
public final class MetricRegistry {
    private final CopyOnWriteArrayList<MetricSource> sources = new CopyOnWriteArrayList<>();

    public void register(MetricSource source) {
        sources.add(source);
    }

    /** The whole exposition in the Prometheus text format. */
    public String scrape() {
        StringBuilder sb = new StringBuilder(16 * 1024);
        MetricWriter w = new MetricWriter(sb);
        for (MetricSource s : sources) {
            s.writeMetrics(w);
        }
        return sb.toString();
    }
}
