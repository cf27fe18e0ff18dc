package io.gnomon.tsdb.storage;

/**
 * Why a sample, exemplar or series was not stored. The messages are Prometheus's, so clients
 * that match on them (and users who search for them) find what they know.
 */
public enum Rejection {
    OUT_OF_ORDER("out of order sample"),
    DUPLICATE("duplicate sample for timestamp"),
    TOO_OLD("out of bounds"),
    INVALID_LABELS("invalid labels"),
    EMPTY_LABELS("empty label set"),
    SERIES_LIMIT("series limit reached"),
    EXEMPLAR_OUT_OF_ORDER("out of order exemplar"),
    EXEMPLAR_DUPLICATE("duplicate exemplar"),
    EXEMPLAR_LABELS_TOO_LONG("exemplar label set exceeds 128 UTF-8 characters"),
    EXEMPLARS_DISABLED("exemplar storage is disabled");

    private final String message;

    Rejection(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }

    /** Whether this rejection concerns an exemplar rather than a sample. */
    public boolean isExemplar() {
        return ordinal() >= EXEMPLAR_OUT_OF_ORDER.ordinal();
    }
}
