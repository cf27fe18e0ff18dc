package io.gnomon.ingest.otlp;

/**
 * The answer to one OTLP/gRPC {@code Export} call.
 *
 * @param status   the gRPC status code ({@link #OK}, {@link #INVALID_ARGUMENT}, {@link #RESOURCE_EXHAUSTED},
 *                 {@link #UNAVAILABLE}, {@link #INTERNAL})
 * @param message  the {@code grpc-message}; empty on OK
 * @param response the serialized {@code ExportMetricsServiceResponse} on OK (possibly a partial success),
 *                 null otherwise
 */
public record GrpcAnswer(int status, String message, byte[] response) {
    public static final int OK = 0;
    public static final int INVALID_ARGUMENT = 3;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;

    public GrpcAnswer {
        message = message == null ? "" : message;
    }
}
