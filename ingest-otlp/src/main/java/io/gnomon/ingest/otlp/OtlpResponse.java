package io.gnomon.ingest.otlp;

/**
 * The answer to one OTLP/HTTP request, independent of the transport.
 *
 * @param status            200 (success, possibly partial), 400, 413, 415, 429 or 503
 * @param contentType       of {@code body}: the request's encoding where known, else protobuf
 * @param body              an {@code ExportMetricsServiceResponse} (200) or a {@code google.rpc.Status} (errors)
 * @param message           empty on full success; otherwise the line a user can act on (also in body)
 * @param rejectedPoints    data points refused in a partial success
 * @param retryAfterSeconds the {@code Retry-After} header of a 429 or 503, 0 otherwise
 */
public record OtlpResponse(int status, String contentType, byte[] body, String message, long rejectedPoints,
                           int retryAfterSeconds) {

    public OtlpResponse {
        message = message == null ? "" : message;
    }

    public boolean isSuccess() {
        return status == 200;
    }
}
