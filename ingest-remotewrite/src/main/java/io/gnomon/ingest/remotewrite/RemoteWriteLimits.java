package io.gnomon.ingest.remotewrite;

/**
 * Limits of the remote-write receiver, each settable by a flag of the same name under
 * {@code --web.remote-write.*}.
 *
 * @param maxBodySize          compressed body bytes; more is a 413 ({@code max-body-size})
 * @param maxDecompressedSize  bytes after snappy, checked from the snappy header before anything
 *                             is allocated; more is a 413 ({@code max-decompressed-size})
 * @param maxLabelsPerSeries   label pairs per series; more refuses the series (400)
 * @param maxLabelNameLength   UTF-8 bytes of a label name; more refuses the series (400)
 * @param maxLabelValueLength  UTF-8 bytes of a label value; more refuses the series (400)
 * @param maxSeriesPerRequest  series messages in one request; more is a 413, nothing written
 * @param maxInflight          requests admitted at once (waiting for a worker or decoding); more are
 *                             answered 429 with Retry-After
 */
public record RemoteWriteLimits(int maxBodySize, int maxDecompressedSize, int maxLabelsPerSeries,
                                int maxLabelNameLength, int maxLabelValueLength, int maxSeriesPerRequest,
                                int maxInflight) {

    public static final int DEFAULT_MAX_BODY_SIZE = 32 << 20;
    public static final int DEFAULT_MAX_DECOMPRESSED_SIZE = 128 << 20;
    public static final int DEFAULT_MAX_LABELS_PER_SERIES = 128;
    public static final int DEFAULT_MAX_LABEL_NAME_LENGTH = 1024;
    public static final int DEFAULT_MAX_LABEL_VALUE_LENGTH = 8192;
    public static final int DEFAULT_MAX_SERIES_PER_REQUEST = 500_000;

    public RemoteWriteLimits {
        if (maxBodySize <= 0 || maxDecompressedSize <= 0 || maxLabelsPerSeries <= 0 || maxLabelNameLength <= 0
            || maxLabelValueLength <= 0 || maxSeriesPerRequest <= 0 || maxInflight <= 0) {
            throw new IllegalArgumentException("remote-write limits must be positive [limits=" + this + "]");
        }
    }

    /** The defaults, with {@link #defaultMaxInflight()}. */
    public static RemoteWriteLimits defaults() {
        return new RemoteWriteLimits(DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_DECOMPRESSED_SIZE,
            DEFAULT_MAX_LABELS_PER_SERIES, DEFAULT_MAX_LABEL_NAME_LENGTH, DEFAULT_MAX_LABEL_VALUE_LENGTH,
            DEFAULT_MAX_SERIES_PER_REQUEST, defaultMaxInflight());
    }

    /**
     * 16 requests per core, at least 32. Decoding itself is bounded by the worker pool (one thread
     * per core); this bound is on requests waiting for it, i.e. on memory held by queued bodies
     * and on queueing delay (a few seconds of work). It is deliberately well above what a healthy
     * sender uses: Prometheus runs up to 200 shards, and a sender without
     * {@code retry_on_http_429: true} (Prometheus 2.x's default) drops a batch answered 429.
     */
    public static int defaultMaxInflight() {
        return Math.max(32, 16 * Runtime.getRuntime().availableProcessors());
    }

    public RemoteWriteLimits withMaxBodySize(int v) {
        return new RemoteWriteLimits(v, maxDecompressedSize, maxLabelsPerSeries, maxLabelNameLength,
            maxLabelValueLength, maxSeriesPerRequest, maxInflight);
    }

    public RemoteWriteLimits withMaxDecompressedSize(int v) {
        return new RemoteWriteLimits(maxBodySize, v, maxLabelsPerSeries, maxLabelNameLength,
            maxLabelValueLength, maxSeriesPerRequest, maxInflight);
    }

    public RemoteWriteLimits withMaxLabelsPerSeries(int v) {
        return new RemoteWriteLimits(maxBodySize, maxDecompressedSize, v, maxLabelNameLength,
            maxLabelValueLength, maxSeriesPerRequest, maxInflight);
    }

    public RemoteWriteLimits withMaxLabelNameLength(int v) {
        return new RemoteWriteLimits(maxBodySize, maxDecompressedSize, maxLabelsPerSeries, v,
            maxLabelValueLength, maxSeriesPerRequest, maxInflight);
    }

    public RemoteWriteLimits withMaxLabelValueLength(int v) {
        return new RemoteWriteLimits(maxBodySize, maxDecompressedSize, maxLabelsPerSeries, maxLabelNameLength,
            v, maxSeriesPerRequest, maxInflight);
    }

    public RemoteWriteLimits withMaxSeriesPerRequest(int v) {
        return new RemoteWriteLimits(maxBodySize, maxDecompressedSize, maxLabelsPerSeries, maxLabelNameLength,
            maxLabelValueLength, v, maxInflight);
    }

    public RemoteWriteLimits withMaxInflight(int v) {
        return new RemoteWriteLimits(maxBodySize, maxDecompressedSize, maxLabelsPerSeries, maxLabelNameLength,
            maxLabelValueLength, maxSeriesPerRequest, v);
    }
}
