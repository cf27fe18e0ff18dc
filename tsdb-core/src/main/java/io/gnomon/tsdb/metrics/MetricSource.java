package io.gnomon.tsdb.metrics;

/** A component that exposes its own metrics; called on every scrape of /metrics. Thread-safe. */
@FunctionalInterface
public interface MetricSource {
    void writeMetrics(MetricWriter w);
}
