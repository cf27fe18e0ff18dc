package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Labels;

/**
 * An exemplar: a sample with its own small label set (typically {@code trace_id}, {@code span_id})
 * attached to a series. {@code hasTimestamp} is false when the sender gave none.
 */
public record Exemplar(Labels labels, double value, long timestamp, boolean hasTimestamp) {

    /** Prometheus's limit on the UTF-8 length of all exemplar label names and values together. */
    public static final int MAX_LABELS_UTF8_LENGTH = 128;

    public Exemplar {
        if (labels == null) {
            labels = Labels.EMPTY;
        }
    }

    /** Same labels, value and timestamp (value compared by bits, as NaN may be an exemplar value). */
    public boolean sameAs(Exemplar o) {
        return timestamp == o.timestamp
            && Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(o.value)
            && labels.equals(o.labels);
    }
}
