package io.gnomon.server;

import io.gnomon.http.GrpcServer;
import io.gnomon.http.Responses;
import io.gnomon.http.Route;
import io.gnomon.ingest.otlp.GrpcAnswer;
import io.gnomon.ingest.otlp.OtlpReceiver;
import io.gnomon.ingest.otlp.OtlpResponse;
import io.gnomon.ingest.otlp.Reason;
import io.gnomon.tsdb.metrics.MetricWriter;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * OTLP metrics over HTTP ({@code POST /api/v1/otlp/v1/metrics} on the main port, {@code /v1/metrics}
 * on the optional OTel-standard listener) and over gRPC
 * ({@code opentelemetry.proto.collector.metrics.v1.MetricsService/Export}): hands the body to the
 * {@link OtlpReceiver} on a worker thread and writes its answer back.
 */
final class OtlpRoute {

    /** The gRPC method path of OTLP metrics export. */
    static final String GRPC_EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    private OtlpRoute() {
    }

    static Route.Admission admission(OtlpReceiver receiver) {
        return new Route.Admission() {
            @Override
            public boolean tryAcquire() {
                return receiver.tryAdmit();
            }

            @Override
            public FullHttpResponse refusal() {
                return respond(receiver.overloaded(null));
            }

            @Override
            public void release() {
                receiver.release();
            }
        };
    }

    /** Answers an admitted request; {@code ready} false (storage replaying) is a 503 with Retry-After. */
    static FullHttpResponse handle(OtlpReceiver receiver, FullHttpRequest req, BooleanSupplier ready,
                                   Supplier<String> notReadyReason) {
        String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (!ready.getAsBoolean()) {
            return respond(receiver.unavailable(ct, notReadyReason.get()));
        }
        ByteBuf content = req.content();
        int len = content.readableBytes();
        if (len > receiver.options().maxBodySize()) {
            return respond(receiver.bodyTooLarge(ct, len));
        }
        byte[] body;
        int off;
        if (content.hasArray()) {
            body = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            body = new byte[len];
            content.getBytes(content.readerIndex(), body);
            off = 0;
        }
        return respond(receiver.handleHttp(ct, req.headers().get(HttpHeaderNames.CONTENT_ENCODING), body, off, len));
    }

    static FullHttpResponse respond(OtlpResponse r) {
        FullHttpResponse resp = Responses.bytes(HttpResponseStatus.valueOf(r.status()), r.contentType(), r.body());
        if (r.retryAfterSeconds() > 0) {
            resp.headers().set(HttpHeaderNames.RETRY_AFTER, Integer.toString(r.retryAfterSeconds()));
        }
        return resp;
    }

    /** The gRPC method over the receiver; storage not ready is UNAVAILABLE. */
    static GrpcServer.Method grpcMethod(OtlpReceiver receiver, BooleanSupplier ready, Supplier<String> notReadyReason) {
        return new GrpcServer.Method() {
            @Override
            public boolean tryAdmit() {
                return receiver.tryAdmit();
            }

            @Override
            public void release() {
                receiver.release();
            }

            @Override
            public GrpcServer.Reply refused() {
                return reply(receiver.overloadedGrpc());
            }

            @Override
            public GrpcServer.Reply call(byte[] message, int off, int len) {
                if (!ready.getAsBoolean()) {
                    return new GrpcServer.Reply(GrpcServer.UNAVAILABLE, "storage unavailable: " + notReadyReason.get(), null);
                }
                return reply(receiver.handleGrpc(message, off, len));
            }
        };
    }

    private static GrpcServer.Reply reply(GrpcAnswer a) {
        return new GrpcServer.Reply(a.status(), a.message(), a.response());
    }

    /** Receiver counters for {@code /metrics}. */
    static void writeMetrics(OtlpReceiver rx, MetricWriter w) {
        if (rx == null) {
            return;
        }
        w.family("gnomon_otlp_requests_total", "counter", "OTLP export requests answered, by status class.");
        for (int c = 2; c <= 5; c++) {
            w.sample("gnomon_otlp_requests_total", rx.requestsByStatusClass(c), "code", c + "xx");
        }
        w.family("gnomon_otlp_data_points_total", "counter", "OTLP data points received.")
            .sample("gnomon_otlp_data_points_total", rx.dataPoints());
        w.family("gnomon_otlp_samples_written_total", "counter", "Samples written from OTLP data points.")
            .sample("gnomon_otlp_samples_written_total", rx.samplesWritten());
        w.family("gnomon_otlp_refused_total", "counter", "OTLP data points and exemplars not stored, by reason.");
        for (Reason r : Reason.values()) {
            w.sample("gnomon_otlp_refused_total", rx.refused(r), "reason", r.name().toLowerCase(Locale.ROOT));
        }
        w.family("gnomon_otlp_delta_streams", "gauge", "Delta streams held for delta-to-cumulative conversion.")
            .sample("gnomon_otlp_delta_streams", rx.deltaStore().size());
    }
}
