package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2.42 and Gnomon scrape the same fixture targets with the same prometheus.yml; what
 * each stores is compared through the same HTTP API: the series (names and labels, synthetic ones
 * included), their current values, and staleness when a series disappears and a target fails.
 */
class PrometheusScrapeSideBySideTest {

    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static final String STABLE = "# HELP fx_requests_total Requests.\n# TYPE fx_requests_total counter\n"
        + "fx_requests_total{code=\"200\",method=\"get\"} 1027\nfx_requests_total{code=\"500\",method=\"get\"} 3\n"
        + "# TYPE fx_latency_seconds histogram\nfx_latency_seconds_bucket{le=\"0.5\"} 4\nfx_latency_seconds_bucket{le=\"+Inf\"} 5\n"
        + "fx_latency_seconds_sum 2.5\nfx_latency_seconds_count 5\n"
        + "# TYPE fx_temp gauge\nfx_temp{job=\"exposed\",instance=\"other\"} -4.5e-3\n"
        + "fx_dropped_metric 1\n";

    static HttpServer fixture(Map<String, String> bodies, Map<String, Integer> status) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            int code = status.getOrDefault(path, 200);
            String b = code == 200 ? bodies.getOrDefault(path, "") : "failing\n";
            byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(bytes);
                }
            }
            ex.close();
        });
        s.start();
        return s;
    }

    String get(String base, String path) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Series of job fx as a set of label maps. */
    @SuppressWarnings("unchecked")
    Set<Map<String, Object>> series(String base) {
        String body = get(base, "/api/v1/series?match[]=" + URLEncoder.encode("{job=\"fx\"}", StandardCharsets.UTF_8)
            + "&start=" + (System.currentTimeMillis() / 1000 - 3600));
        Set<Map<String, Object>> out = new HashSet<>();
        for (Object o : (List<Object>) ((Map<String, Object>) MiniJson.parse(body)).get("data")) {
            out.add(new TreeMap<>((Map<String, Object>) o));
        }
        return out;
    }

    /** Instant query result as labels -> value. */
    @SuppressWarnings("unchecked")
    Map<String, String> instant(String base, String query) {
        String body = get(base, "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
        Map<String, Object> data = (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(body)).get("data");
        Map<String, String> out = new TreeMap<>();
        for (Object o : (List<Object>) data.get("result")) {
            Map<String, Object> r = (Map<String, Object>) o;
            out.put(new TreeMap<>((Map<String, Object>) r.get("metric")).toString(), (String) ((List<Object>) r.get("value")).get(1));
        }
        return out;
    }

    @Test
    void sameSeriesSameValuesSameStaleness() throws Exception {
        String promBin = PrometheusProcess.binary();
        Map<String, String> bodies = new ConcurrentHashMap<>();
        Map<String, Integer> status = new ConcurrentHashMap<>();
        bodies.put("/a", STABLE + "fx_vanishing{x=\"1\"} 7\n");
        bodies.put("/b", "fx_other 42\n");
        HttpServer fx = fixture(bodies, status);
        String port = Integer.toString(fx.getAddress().getPort());
        String config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: fx\n    metrics_path: /a\n    static_configs:\n      - targets: ['127.0.0.1:" + port + "']\n"
            + "        labels: {team: a}\n"
            + "    metric_relabel_configs:\n      - source_labels: [__name__]\n        regex: fx_dropped_.*\n        action: drop\n"
            + "  - job_name: fx-b\n    metrics_path: /b\n    static_configs:\n      - targets: ['localhost:" + port + "']\n"
            + "    relabel_configs:\n      - target_label: job\n        replacement: fx\n";
        Path cfg = dir.resolve("gnomon.yml");
        Files.writeString(cfg, config);
        Files.createDirectories(dir.resolve("prom"));
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dir.resolve("gdata"), "--config.file=" + cfg}), BuildInfo.load());
        try (PrometheusProcess prom = PrometheusProcess.start(dir.resolve("prom"), PrometheusRemoteWriteInteropTest.freePort(), config)) {
            assertTrue(promBin != null);
            String gBase = "http://127.0.0.1:" + g.start().getPort();
            String pBase = "http://127.0.0.1:" + prom.port;
            ScrapingServerTest.await("both servers to scrape both targets twice", () ->
                instant(gBase, "count_over_time(up{job=\"fx\"}[1m]) >= 2").size() == 2
                    && instant(pBase, "count_over_time(up{job=\"fx\"}[1m]) >= 2").size() == 2);

            Set<Map<String, Object>> gs = series(gBase);
            Set<Map<String, Object>> ps = series(pBase);
            assertEquals(ps, gs);
            assertEquals(19, gs.size()); // 8 + 5 synthetic from a, 1 + 5 from b

            String values = "{job=\"fx\",__name__!=\"scrape_duration_seconds\",__name__!=\"scrape_series_added\"}";
            assertEquals(instant(pBase, values), instant(gBase, values));

            // a series disappears and a target fails: both mark them stale at once (no 5m lookback)
            bodies.put("/a", STABLE);
            status.put("/b", 500);
            ScrapingServerTest.await("staleness in both", () ->
                instant(gBase, "fx_vanishing").isEmpty() && instant(pBase, "fx_vanishing").isEmpty()
                    && instant(gBase, "fx_other").isEmpty() && instant(pBase, "fx_other").isEmpty());
            ScrapingServerTest.await("up == 0 for the failing target in both", () ->
                instant(gBase, "up{instance=\"localhost:" + port + "\"} == 0").size() == 1
                    && instant(pBase, "up{instance=\"localhost:" + port + "\"} == 0").size() == 1);
            assertEquals(instant(pBase, values), instant(gBase, values));
        } finally {
            g.close();
            fx.stop(0);
        }
    }
}
