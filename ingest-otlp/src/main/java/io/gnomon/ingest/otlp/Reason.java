package io.gnomon.ingest.otlp;

import io.gnomon.tsdb.storage.Rejection;

/**
 * Why part of an OTLP request was not stored: what the translation refuses per data point, plus
 * every storage {@link Rejection} under Prometheus's message. Named in the partial-success
 * {@code error_message}.
 */
public enum Reason {
    INVALID_NAME("invalid metric or attribute name", true),
    LABEL_LIMITS("attribute limits exceeded", true),
    MISSING_VALUE("data point without a value", true),
    MISSING_TIMESTAMP("data point without time_unix_nano", true),
    UNSPECIFIED_TEMPORALITY("aggregation_temporality is unspecified", true),
    INVALID_HISTOGRAM("histogram bucket_counts do not match explicit_bounds", true),
    EXPONENTIAL_HISTOGRAM("exponential histograms are not supported until native histograms are stored; "
        + "configure the sender to export explicit-bucket histograms", true),
    EMPTY_METRIC("metric without data", true),
    DELTA_OVERLAP("delta interval overlaps what was already accumulated", true),
    DELTA_STREAM_LIMIT("too many delta streams", true),
    INVALID_EXEMPLAR("invalid exemplar", false),
    OUT_OF_ORDER(Rejection.OUT_OF_ORDER.message(), true),
    DUPLICATE(Rejection.DUPLICATE.message(), true),
    TOO_OLD(Rejection.TOO_OLD.message(), true),
    INVALID_LABELS(Rejection.INVALID_LABELS.message(), true),
    EMPTY_LABELS(Rejection.EMPTY_LABELS.message(), true),
    SERIES_LIMIT(Rejection.SERIES_LIMIT.message(), true),
    EXEMPLAR_OUT_OF_ORDER(Rejection.EXEMPLAR_OUT_OF_ORDER.message(), false),
    EXEMPLAR_DUPLICATE(Rejection.EXEMPLAR_DUPLICATE.message(), false),
    EXEMPLAR_LABELS_TOO_LONG(Rejection.EXEMPLAR_LABELS_TOO_LONG.message(), false),
    EXEMPLARS_DISABLED(Rejection.EXEMPLARS_DISABLED.message(), false);

    private final String message;
    private final boolean dataPoint;

    Reason(String message, boolean dataPoint) {
        this.message = message;
        this.dataPoint = dataPoint;
    }

    public String message() {
        return message;
    }

    /** Whether it refuses (part of) a data point, rather than an exemplar. */
    public boolean dataPoint() {
        return dataPoint;
    }

    public static Reason of(Rejection r) {
        return valueOf(r.name());
    }
}
