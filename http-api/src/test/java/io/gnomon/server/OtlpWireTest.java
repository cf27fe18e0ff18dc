package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.resource.v1.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTLP answers over real sockets: HTTP status codes and gRPC status trailers for good and hostile input. */
class OtlpWireTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static String grpc;
    static final HttpClient client = HttpClient.newHttpClient();
    static final OkHttpClient h2 = new OkHttpClient.Builder().protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE)).build();
    static final String EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    @BeforeAll
    static void start() throws Exception {
        Flags flags = Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dataDir,
            "--otlp.grpc.listen-address=127.0.0.1:0"});
        server = new Gnomon(flags, BuildInfo.load());
        base = "http://127.0.0.1:" + server.start().getPort();
        grpc = "http://127.0.0.1:" + server.otlpGrpcAddress().getPort();
    }

    @AfterAll
    static void stop() {
        h2.dispatcher().executorService().shutdown();
        h2.connectionPool().evictAll();
        server.close();
    }

    static byte[] request(String metric, long tMs) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("wire"))))
            .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder().setName(metric)
                .setGauge(Gauge.newBuilder().addDataPoints(NumberDataPoint.newBuilder()
                    .setTimeUnixNano(tMs * 1_000_000L).setAsDouble(1)))))).build().toByteArray();
    }

    static HttpResponse<byte[]> post(String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/otlp/v1/metrics"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static boolean stored(String metric) {
        try (Querier q = server.db().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet s = q.select(false, SelectHints.NONE, Matcher.eq("__name__", metric));
            return s.next();
        }
    }

    @Test
    void httpAnswers() throws Exception {
        long now = System.currentTimeMillis();
        HttpResponse<byte[]> ok = post("application/x-protobuf", request("wire_ok", now));
        assertEquals(200, ok.statusCode());
        assertEquals("application/x-protobuf", ok.headers().firstValue("Content-Type").orElse(""));
        ExportMetricsServiceResponse.parseFrom(ok.body());
        assertTrue(stored("wire_ok"));
        assertEquals(415, post("text/plain", request("x", now)).statusCode());
        assertEquals(415, post(null, request("x", now)).statusCode());
        byte[] r = request("wire_trunc", now);
        HttpResponse<byte[]> bad = post("application/x-protobuf", java.util.Arrays.copyOf(r, r.length - 4));
        assertEquals(400, bad.statusCode());
        HttpResponse<byte[]> badJson = post("application/json", "{\"resourceMetrics\":".getBytes());
        assertEquals(400, badJson.statusCode());
        assertTrue(new String(badJson.body()).contains("malformed OTLP JSON body"));
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/otlp/v1/metrics")).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    static byte[] frame(byte[] msg) {
        return ByteBuffer.allocate(5 + msg.length).put((byte) 0).putInt(msg.length).put(msg).array();
    }

    static Response call(String path, byte[] body) throws Exception {
        return h2.newCall(new Request.Builder().url(grpc + path).header("te", "trailers")
            .post(RequestBody.create(body, MediaType.get("application/grpc"))).build()).execute();
    }

    static Response callGzip(String path, byte[] body) throws Exception {
        return h2.newCall(new Request.Builder().url(grpc + path).header("te", "trailers").header("grpc-encoding", "gzip")
            .post(RequestBody.create(body, MediaType.get("application/grpc"))).build()).execute();
    }

    static String status(Response r) throws Exception {
        String s = r.header("grpc-status");
        if (s == null) {
            r.body().bytes();
            s = r.trailers().get("grpc-status");
        }
        return s;
    }

    @Test
    void grpcAnswers() throws Exception {
        long now = System.currentTimeMillis();
        try (Response r = call(EXPORT, frame(request("grpc_ok", now)))) {
            assertEquals(200, r.code());
            byte[] b = r.body().bytes();
            assertEquals("0", r.trailers().get("grpc-status"));
            assertEquals(0, b[0]);
            ExportMetricsServiceResponse.parseFrom(java.util.Arrays.copyOfRange(b, 5, b.length));
        }
        assertTrue(stored("grpc_ok"));
        try (Response r = call("/opentelemetry.proto.collector.trace.v1.TraceService/Export", frame(new byte[0]))) {
            assertEquals("12", status(r));
        }
        byte[] msg = request("grpc_bad", now);
        try (Response r = call(EXPORT, frame(java.util.Arrays.copyOf(msg, msg.length - 3)))) {
            assertEquals("3", status(r));
            String m = r.header("grpc-message") != null ? r.header("grpc-message") : r.trailers().get("grpc-message");
            assertNotNull(m);
            assertTrue(m.contains("malformed OTLP protobuf body"), m);
        }
        try (Response r = call(EXPORT, new byte[] {0, 0, 0})) {
            assertEquals("3", status(r));
        }
        try (Response r = call(EXPORT, new byte[] {1, 0, 0, 0, 1, 7})) {
            assertEquals("3", status(r)); // compressed flag without grpc-encoding
        }
    }

    /** A gzip-compressed message (flag 1, grpc-encoding gzip) is stored; corrupt gzip is INVALID_ARGUMENT, named. */
    @Test
    void grpcGzipMessages() throws Exception {
        long now = System.currentTimeMillis();
        java.io.ByteArrayOutputStream z = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream g = new java.util.zip.GZIPOutputStream(z)) {
            g.write(request("grpc_gzip_ok", now));
        }
        byte[] gz = z.toByteArray();
        byte[] framed = frame(gz);
        framed[0] = 1;
        try (Response r = callGzip(EXPORT, framed)) {
            assertEquals("0", status(r));
        }
        assertTrue(stored("grpc_gzip_ok"));
        byte[] bad = framed.clone();
        bad[bad.length - 6] ^= 0x55; // inside the trailer's CRC32
        try (Response r = callGzip(EXPORT, bad)) {
            assertEquals("3", status(r));
            String m = r.header("grpc-message") != null ? r.header("grpc-message") : r.trailers().get("grpc-message");
            assertNotNull(m);
            assertTrue(m.contains("gzip"), m);
        }
    }
}
