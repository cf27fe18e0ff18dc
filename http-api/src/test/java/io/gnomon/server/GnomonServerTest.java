package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts the real server on a free loopback port and talks HTTP to it. */
class GnomonServerTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Flags flags = Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dataDir, "--web.enable-lifecycle"});
        server = new Gnomon(flags, BuildInfo.load());
        var addr = server.start();
        base = "http://127.0.0.1:" + addr.getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthyAndReady() throws Exception {
        assertEquals(200, send("GET", "/-/healthy").statusCode());
        HttpResponse<String> r = send("GET", "/-/ready");
        assertEquals(200, r.statusCode());
        assertTrue(server.isReady());
    }

    @Test
    void buildInfoHasPrometheusShapeWithoutFeatures() throws Exception {
        for (String m : new String[] {"GET", "POST"}) {
            HttpResponse<String> r = send(m, "/api/v1/status/buildinfo");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
            String body = r.body();
            assertTrue(body.startsWith("{\"status\":\"success\",\"data\":{\"version\":\"3.14.0\""), body);
            for (String key : new String[] {"revision", "branch", "buildUser", "buildDate", "goVersion"}) {
                assertTrue(body.contains("\"" + key + "\":"), key + " missing in " + body);
            }
            assertFalse(body.contains("features"), body);
        }
    }

    @Test
    void unknownPathIsJson404() throws Exception {
        HttpResponse<String> r = send("GET", "/api/v1/nope");
        assertEquals(404, r.statusCode());
        assertEquals("{\"status\":\"error\",\"errorType\":\"not_found\",\"error\":\"no endpoint at /api/v1/nope\"}", r.body());
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = send("DELETE", "/api/v1/status/buildinfo");
        assertEquals(405, r.statusCode());
        assertTrue(r.body().contains("\"errorType\":\"bad_data\""), r.body());
        assertEquals("GET, HEAD, POST, OPTIONS", r.headers().firstValue("allow").orElse("")); // CORS preflight on /api/
        assertEquals(405, send("PUT", "/metrics").statusCode());
    }

    @Test
    void metricsExposeHeadAndJvm() throws Exception {
        Appender app = server.head().appender();
        app.append(0, Labels.of("__name__", "server_test_metric", "job", "t"), 1000, 1);
        app.append(0, Labels.of("__name__", "server_test_metric", "job", "t"), 500, 1); // out of order
        app.commit();
        HttpResponse<String> r = send("GET", "/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        String body = r.body();
        assertTrue(body.contains("\ngnomon_tsdb_head_series "), body);
        assertTrue(body.contains("gnomon_tsdb_head_samples_appended_total "), body);
        assertTrue(body.contains("gnomon_tsdb_rejected_samples_total{reason=\"out_of_order\"} "), body);
        assertTrue(body.contains("jvm_memory_used_bytes{area=\"heap\"}"), body);
        assertTrue(body.contains("jvm_gc_collection_seconds_count{gc="), body);
    }

    @Test
    void gzipWhenAccepted() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/metrics")).header("Accept-Encoding", "gzip").build();
        HttpResponse<byte[]> r = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals("gzip", r.headers().firstValue("content-encoding").orElse(""));
        assertEquals(0x1f, r.body()[0] & 0xff);
    }

    @Test
    void secondInstanceOnSameDataDirIsRefused() {
        Flags flags = Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dataDir});
        Gnomon other = new Gnomon(flags, BuildInfo.load());
        IOException e = assertThrows(IOException.class, other::start);
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        other.close();
    }
}
