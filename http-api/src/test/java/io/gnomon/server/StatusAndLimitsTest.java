package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Status endpoints, CORS, and the request-size limits, over a real connection. */
class StatusAndLimitsTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static int port;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dataDir, "--web.cors.origin=https?://grafana\\.example\\.com",
            "--storage.tsdb.retention.size=512MB"}), BuildInfo.load());
        port = server.start().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder req(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery));
    }

    @Test
    void statusEndpointsHavePrometheusShapes() throws Exception {
        String rt = send(req("/api/v1/status/runtimeinfo")).body();
        for (String field : new String[] {"\"startTime\":\"", "\"CWD\":\"", "\"reloadConfigSuccess\":true", "\"lastConfigTime\":\"",
            "\"corruptionCount\":0", "\"goroutineCount\":", "\"GOMAXPROCS\":", "\"storageRetention\":\"15d or 512MB\""}) {
            assertTrue(rt.contains(field), field + " in " + rt);
        }
        assertTrue(send(req("/api/v1/status/walreplay")).body().matches(
            "\\{\"status\":\"success\",\"data\":\\{\"min\":\\d+,\"max\":\\d+,\"current\":\\d+}}"));
        assertTrue(send(req("/api/v1/status/config")).body().startsWith("{\"status\":\"success\",\"data\":{\"yaml\":\"global:"));
        assertEquals("{\"status\":\"success\",\"data\":{\"groups\":[]}}", send(req("/api/v1/rules")).body());
        assertEquals("{\"status\":\"success\",\"data\":{\"alerts\":[]}}", send(req("/api/v1/alerts")).body());
        assertEquals("{\"status\":\"success\",\"data\":[]}", send(req("/api/v1/notifications")).body());
        assertEquals(400, send(req("/api/v1/metadata?limit_per_metric=x")).statusCode());
        assertEquals(200, send(req("/api/v1/metadata?limit_per_metric=1&limit=5")).statusCode());
    }

    @Test
    void corsFollowsTheOriginFlag() throws Exception {
        HttpResponse<String> ok = send(req("/api/v1/labels").header("Origin", "https://grafana.example.com"));
        assertEquals("https://grafana.example.com", ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("GET, POST, OPTIONS", ok.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
        HttpResponse<String> other = send(req("/api/v1/labels").header("Origin", "https://evil.example.com"));
        assertNull(other.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertEquals("Origin", other.headers().firstValue("Vary").orElse(null));
        HttpResponse<String> none = send(req("/api/v1/labels"));
        assertNull(none.headers().firstValue("Vary").orElse(null));
        HttpResponse<String> preflight = send(req("/api/v1/query").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
            .header("Origin", "http://grafana.example.com"));
        assertEquals(204, preflight.statusCode());
        assertEquals("http://grafana.example.com", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        // Not the API: no CORS.
        assertNull(send(req("/metrics").header("Origin", "https://grafana.example.com")).headers()
            .firstValue("Access-Control-Allow-Origin").orElse(null));
        HttpResponse<String> put = send(req("/api/v1/labels").PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, put.statusCode());
        assertTrue(put.headers().firstValue("Allow").orElse("").contains("OPTIONS"));
    }

    @Test
    void tooManyParametersIsRefusedNotTruncated() throws Exception {
        StringBuilder form = new StringBuilder("match[]=up");
        for (int i = 0; i < 10_001; i++) {
            form.append("&match[]=x").append(i);
        }
        HttpResponse<String> r = send(req("/api/v1/series").header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form.toString())));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("too many parameters"), r.body());
        // 1,500 matchers: past Netty's default of 1,024, all are honoured.
        StringBuilder ok = new StringBuilder("match[]=up");
        for (int i = 0; i < 1500; i++) {
            ok.append("&match[]=x").append(i);
        }
        assertEquals(200, send(req("/api/v1/series").header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(ok.toString()))).statusCode());
    }

    @Test
    void oversizedHeadersAndRequestLineAreRefused() throws Exception {
        assertTrue(raw("GET /api/v1/labels HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1_100_000) + "\r\n\r\n")
            .startsWith("HTTP/1.1 413"));
        assertTrue(raw("GET /api/v1/labels?q=" + "a".repeat(1_100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .startsWith("HTTP/1.1 414"));
        assertTrue(raw("GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400"));
    }

    /** A client trickling its request in is cut off at the read timeout, idle or not. */
    @Test
    void slowRequestsTimeOut() throws Exception {
        try (Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + dataDir.resolve("slow"), "--web.read-timeout=1s"}), BuildInfo.load())) {
            int p = g.start().getPort();
            try (Socket s = new Socket("127.0.0.1", p)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                long t0 = System.nanoTime();
                String answer = "";
                byte[] req = "GET /api/v1/labels HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes(StandardCharsets.US_ASCII);
                try {
                    for (byte b : req) {
                        out.write(b);
                        out.flush();
                        Thread.sleep(100); // never idle for long, but never done
                    }
                } catch (java.io.IOException closed) {
                    // the server closed the connection: expected
                }
                answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                assertTrue((System.nanoTime() - t0) / 1e9 < 8, "cut off near the 1 s read timeout");
            }
            // A normal request on a fresh connection is unaffected.
            assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + p + "/api/v1/labels")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    private static String raw(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException closedEarly) {
                // the server may answer and close before the whole request is sent
            }
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256];
            int n = in.readNBytes(buf, 0, 12);
            return new String(buf, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
        }
    }
}
