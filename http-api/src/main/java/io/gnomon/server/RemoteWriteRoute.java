package io.gnomon.server;

import io.gnomon.ingest.remotewrite.Reason;
import io.gnomon.ingest.remotewrite.RemoteWriteDescriptor;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.ingest.remotewrite.WriteResponse;
import io.gnomon.http.Responses;
import io.gnomon.http.Route;
import io.gnomon.tsdb.metrics.MetricWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Locale;

/**
 * {@code POST /api/v1/write}: hands headers and body to the {@link RemoteWriteReceiver} on a
 * worker thread and writes its answer back, with the written-counts headers on every status.
 * The body is copied out of Netty's (usually composite, direct) buffer into a per-thread array
 * that is reused; the compressed body is small next to what it decodes to.
 */
final class RemoteWriteRoute {

    private static final ThreadLocal<byte[]> BODY = ThreadLocal.withInitial(() -> new byte[1 << 16]);

    private RemoteWriteRoute() {
    }

    /** Admission on the event loop: at most max-inflight requests queued or decoding; 429 past it. */
    static Route.Admission admission(RemoteWriteReceiver receiver) {
        return new Route.Admission() {
            @Override
            public boolean tryAcquire() {
                return receiver.tryAdmit();
            }

            @Override
            public FullHttpResponse refusal() {
                return respond(receiver.overloaded());
            }

            @Override
            public void release() {
                receiver.release();
            }

            @Override
            public FullHttpResponse tooLarge(long size, int maxBytes) {
                return respond(receiver.bodyTooLarge(size));
            }
        };
    }

    /** Answers a request admitted by {@link #admission}; the permit is released by the router. */
    static FullHttpResponse handle(RemoteWriteReceiver receiver, FullHttpRequest req) {
        ByteBuf content = req.content();
        int len = content.readableBytes();
        WriteResponse w;
        if (len > receiver.limits().maxBodySize()) {
            w = receiver.bodyTooLarge(len);
        } else {
            byte[] body;
            int off;
            if (content.hasArray()) {
                body = content.array();
                off = content.arrayOffset() + content.readerIndex();
            } else {
                body = BODY.get();
                if (body.length < len) {
                    body = new byte[Math.max(len, body.length * 2)];
                    BODY.set(body);
                }
                content.getBytes(content.readerIndex(), body, 0, len);
                off = 0;
            }
            w = receiver.handleAdmitted(req.headers().get(HttpHeaderNames.CONTENT_TYPE),
                req.headers().get(HttpHeaderNames.CONTENT_ENCODING),
                req.headers().get(RemoteWriteDescriptor.HEADER_VERSION), body, off, len);
        }
        return respond(w);
    }

    static FullHttpResponse respond(WriteResponse w) {
        FullHttpResponse r = w.status() == 204
            ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT, Unpooled.EMPTY_BUFFER)
            : Responses.text(HttpResponseStatus.valueOf(w.status()), w.message() + "\n");
        w.headers().forEach((k, v) -> r.headers().set(k, v));
        return r;
    }

    /** Receiver counters for {@code /metrics}. */
    static void writeMetrics(RemoteWriteReceiver rw, MetricWriter w) {
        if (rw == null) {
            return;
        }
        w.family("gnomon_remote_write_requests_total", "counter", "Remote-write requests answered, by status class.");
        for (int c = 2; c <= 5; c++) {
            w.sample("gnomon_remote_write_requests_total", rw.requestsByStatusClass(c), "code", c + "xx");
        }
        w.family("gnomon_remote_write_samples_written_total", "counter", "Samples written by remote-write requests.")
            .sample("gnomon_remote_write_samples_written_total", rw.samplesWritten());
        w.family("gnomon_remote_write_exemplars_written_total", "counter", "Exemplars written by remote-write requests.")
            .sample("gnomon_remote_write_exemplars_written_total", rw.exemplarsWritten());
        w.family("gnomon_remote_write_refused_total", "counter",
            "Samples, histograms, exemplars and metadata entries of remote-write requests that were not stored, by reason.");
        for (Reason r : Reason.values()) {
            w.sample("gnomon_remote_write_refused_total", rw.refused(r), "reason", r.name().toLowerCase(Locale.ROOT));
        }
    }
}
