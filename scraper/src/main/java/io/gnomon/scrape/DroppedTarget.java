package io.gnomon.scrape;

import io.gnomon.tsdb.labels.Labels;

/** A discovered target that relabeling dropped, listed by the targets API with its discovered labels. */
public record DroppedTarget(String scrapePool, Labels discoveredLabels) {
}
