package io.gnomon.ingest.remotewrite;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one remote-write request, independent of the transport.
 *
 * @param status            204 when everything was written; 400, 413, 415, 429 or 500 otherwise
 * @param message           empty for 204; otherwise one line a user can act on
 * @param samplesWritten    float samples stored (the {@code -Samples-Written} header)
 * @param histogramsWritten native histogram samples stored
 * @param exemplarsWritten  exemplars stored
 * @param retryAfterSeconds the {@code Retry-After} header of a 429, 0 otherwise
 */
public record WriteResponse(int status, String message, long samplesWritten, long histogramsWritten,
                            long exemplarsWritten, int retryAfterSeconds) {

    public WriteResponse {
        message = message == null ? "" : message;
    }

    static WriteResponse error(int status, String message) {
        return new WriteResponse(status, message, 0, 0, 0, 0);
    }

    /**
     * The response headers: the three {@code X-Prometheus-Remote-Write-*-Written} counts on every
     * answer (the 2.0 spec requires them, also on errors; 1.0 senders ignore them), and
     * {@code Retry-After} on a 429.
     */
    public Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>(4);
        h.put(RemoteWriteDescriptor.HEADER_SAMPLES_WRITTEN, Long.toString(samplesWritten));
        h.put(RemoteWriteDescriptor.HEADER_HISTOGRAMS_WRITTEN, Long.toString(histogramsWritten));
        h.put(RemoteWriteDescriptor.HEADER_EXEMPLARS_WRITTEN, Long.toString(exemplarsWritten));
        if (retryAfterSeconds > 0) {
            h.put("Retry-After", Integer.toString(retryAfterSeconds));
        }
        return h;
    }

    public boolean isSuccess() {
        return status == 204;
    }
}
