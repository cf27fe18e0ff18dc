package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /api/v1/write} over a real socket into the real head. */
class RemoteWriteHttpTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static final HttpClient client = HttpClient.newHttpClient();
    static final String V1 = "application/x-protobuf";
    static final String V2 = "application/x-protobuf;proto=io.prometheus.write.v2.Request";

    @BeforeAll
    static void start() throws Exception {
        Flags flags = Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dataDir,
            "--web.remote-write.max-label-value-length=64"});
        server = new Gnomon(flags, BuildInfo.load());
        base = "http://127.0.0.1:" + server.start().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> post(String contentType, String version, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
            .header("Content-Type", contentType).header("Content-Encoding", "snappy")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (version != null) {
            b.header("X-Prometheus-Remote-Write-Version", version);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<long[]> samples(String metric) {
        List<long[]> out = new ArrayList<>();
        try (Querier q = server.head().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("__name__", metric));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    out.add(new long[] {it.atT(), (long) it.atV()});
                }
            }
        }
        return out;
    }

    static void assertWritten(HttpResponse<?> r, long samples) {
        assertEquals(String.valueOf(samples), r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
        assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(null));
        assertEquals("0", r.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written").orElse(null));
    }

    @Test
    void v1SamplesReachTheHead() throws Exception {
        long now = System.currentTimeMillis();
        HttpResponse<String> r = post(V1, "0.1.0",
            RwPayload.v1(new String[] {"__name__", "rw_http_v1", "job", "t"}, new long[] {now - 2000, now - 1000}, new double[] {1, 2}));
        assertEquals(204, r.statusCode(), r.body());
        assertWritten(r, 2);
        assertEquals(2, samples("rw_http_v1").size());
    }

    @Test
    void v2WithMetadataAndCreatedTimestamp() throws Exception {
        long now = System.currentTimeMillis();
        HttpResponse<String> r = post(V2, "2.0.0", RwPayload.v2(new String[] {"__name__", "rw_http_v2_total", "job", "t"},
            new long[] {now - 1000}, new double[] {5}, 1, "Things done.", "things", now - 5000));
        assertEquals(204, r.statusCode(), r.body());
        assertWritten(r, 1);
        List<long[]> s = samples("rw_http_v2_total");
        assertEquals(2, s.size());
        assertEquals(now - 5000, s.get(0)[0]);
        assertEquals(0, s.get(0)[1]);
        HttpResponse<String> md = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/metadata?metric=rw_http_v2_total"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, md.statusCode());
        assertEquals("{\"status\":\"success\",\"data\":{\"rw_http_v2_total\":[{\"type\":\"counter\",\"help\":\"Things done.\","
            + "\"unit\":\"things\"}]}}", md.body());
    }

    @Test
    void outOfOrderIs400WithMessageAndHeaders() throws Exception {
        long now = System.currentTimeMillis();
        String[] l = {"__name__", "rw_http_ooo", "job", "t"};
        assertEquals(204, post(V1, null, RwPayload.v1(l, new long[] {now}, new double[] {1})).statusCode());
        HttpResponse<String> r = post(V1, null, RwPayload.v1(l, new long[] {now - 1000, now + 1}, new double[] {1, 2}));
        assertEquals(400, r.statusCode());
        assertWritten(r, 1);
        assertTrue(r.body().startsWith("out of order sample for series {__name__=\"rw_http_ooo\", job=\"t\"}"), r.body());
    }

    @Test
    void labelValueLimitFlagApplies() throws Exception {
        HttpResponse<String> r = post(V1, null, RwPayload.v1(new String[] {"__name__", "rw_http_long", "v", "x".repeat(65)},
            new long[] {System.currentTimeMillis()}, new double[] {1}));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("longer than 64 bytes"), r.body());
    }

    /** Past the server's hard cap the body is never read; the 413 still carries the written counts. */
    @Test
    void bodyPastTheServerCapIs413WithHeaders() throws Exception {
        int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
            sock.setSoTimeout(10_000);
            sock.getOutputStream().write(("POST /api/v1/write HTTP/1.1\r\nHost: x\r\nContent-Type: " + V1
                + "\r\nContent-Encoding: snappy\r\nContent-Length: 500000000\r\n\r\nabc").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            String head = new String(sock.getInputStream().readNBytes(2048), java.nio.charset.StandardCharsets.ISO_8859_1);
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
            assertTrue(head.contains("X-Prometheus-Remote-Write-Samples-Written: 0"), head);
            assertTrue(head.contains("500000000"), head);
        }
    }

    @Test
    void unsupportedMediaTypeIs415() throws Exception {
        HttpResponse<String> r = post("application/json", null, new byte[] {1});
        assertEquals(415, r.statusCode());
        assertTrue(r.body().contains("io.prometheus.write.v2.Request"), r.body());
        assertWritten(r, 0);
    }

    @Test
    void getIs405AndMetricsCountRequests() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        HttpResponse<String> m = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(m.body().contains("gnomon_remote_write_requests_total{code=\"2xx\"}"), m.body());
    }
}
