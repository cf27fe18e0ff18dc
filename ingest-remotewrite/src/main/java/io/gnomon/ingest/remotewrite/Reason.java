package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.storage.Rejection;

/**
 * Why part of a remote-write request was not stored: every storage {@link Rejection} under the
 * same message, plus what the receiver itself refuses before the data reaches storage.
 */
public enum Reason {
    OUT_OF_ORDER(Rejection.OUT_OF_ORDER.message(), true),
    DUPLICATE(Rejection.DUPLICATE.message(), true),
    TOO_OLD(Rejection.TOO_OLD.message(), true),
    INVALID_LABELS(Rejection.INVALID_LABELS.message(), true),
    EMPTY_LABELS(Rejection.EMPTY_LABELS.message(), true),
    SERIES_LIMIT(Rejection.SERIES_LIMIT.message(), true),
    EXEMPLAR_OUT_OF_ORDER(Rejection.EXEMPLAR_OUT_OF_ORDER.message(), true),
    /** Prometheus ignores duplicate exemplars (a resent batch): counted, but not a 400. */
    EXEMPLAR_DUPLICATE(Rejection.EXEMPLAR_DUPLICATE.message(), false),
    EXEMPLAR_LABELS_TOO_LONG(Rejection.EXEMPLAR_LABELS_TOO_LONG.message(), true),
    /** Exemplar storage switched off by configuration: counted, but not a 400. */
    EXEMPLARS_DISABLED(Rejection.EXEMPLARS_DISABLED.message(), false),
    /** A series over the labels-per-series, label-name or label-value length limit. */
    LABEL_LIMITS("label limits exceeded", true),
    /** Native histogram samples, until the head stores them. */
    HISTOGRAMS_UNSUPPORTED("native histograms are not supported yet", true),
    INVALID_EXEMPLAR("invalid exemplar labels", true),
    INVALID_METADATA("invalid metadata", true);

    private static final Reason[] BY_REJECTION = new Reason[Rejection.values().length];

    static {
        for (Rejection r : Rejection.values()) {
            BY_REJECTION[r.ordinal()] = valueOf(r.name());
        }
    }

    private final String message;
    private final boolean badRequest;

    Reason(String message, boolean badRequest) {
        this.message = message;
        this.badRequest = badRequest;
    }

    public String message() {
        return message;
    }

    /** Whether data refused for this reason makes the answer a 400 (it can never succeed). */
    public boolean badRequest() {
        return badRequest;
    }

    public static Reason of(Rejection r) {
        return BY_REJECTION[r.ordinal()];
    }
}
