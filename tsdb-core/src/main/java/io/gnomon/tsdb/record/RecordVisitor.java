package io.gnomon.tsdb.record;

import io.gnomon.tsdb.labels.Labels;

/**
 * Receives decoded record entries, one call per entry, with primitives: decoding a samples
 * record allocates nothing. Default methods ignore the entry.
 */
public interface RecordVisitor {

    default void series(long ref, Labels labels) {
    }

    default void sample(long ref, long t, double v) {
    }

    default void exemplar(long ref, long t, double v, Labels labels) {
    }

    default void metadata(long ref, String metricName, String type, String unit, String help) {
    }
}
