package io.gnomon.ingest.otlp;

/**
 * A body that is not a well-formed OTLP export request: bad gzip, bad protobuf, bad JSON, a bad
 * trace or span id. Answered 400 / {@code INVALID_ARGUMENT}; nothing of the request is written.
 */
public final class MalformedOtlpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private MalformedOtlpException(String message) {
        super(message, null, false, false);
    }

    static MalformedOtlpException protobuf(String detail) {
        return new MalformedOtlpException("malformed OTLP protobuf body [detail=" + detail + "]");
    }

    static MalformedOtlpException json(String detail) {
        return new MalformedOtlpException("malformed OTLP JSON body [detail=" + detail + "]");
    }

    static MalformedOtlpException gzip(String detail) {
        return new MalformedOtlpException("malformed gzip body [detail=" + detail + "]");
    }
}
