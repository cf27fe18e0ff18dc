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
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server with a prometheus.yml: targets API, metadata, reload (good and bad), self-scrape default. */
class ScrapingServerTest {

    @TempDir
    Path dir;
    final HttpClient client = HttpClient.newHttpClient();

    static HttpServer fixture(Map<String, String> bodies) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        s.createContext("/", ex -> {
            String b = bodies.get(ex.getRequestURI().getPath());
            byte[] bytes = (b == null ? "" : b).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.sendResponseHeaders(b == null ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
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

    HttpResponse<String> send(String base, String method, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(HttpResponse<String> r) {
        return (Map<String, Object>) ((Map<String, Object>) MiniJson.parse(r.body())).get("data");
    }

    @Test
    void targetsMetadataAndReload() throws Exception {
        Map<String, String> bodies = new java.util.concurrent.ConcurrentHashMap<>();
        bodies.put("/metrics", "# HELP temp_celsius Temperature.\n# TYPE temp_celsius gauge\ntemp_celsius{room=\"a\"} 21.5\n");
        HttpServer fx = fixture(bodies);
        String addr = "127.0.0.1:" + fx.getAddress().getPort();
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: fx\n    static_configs:\n"
            + "      - targets: ['" + addr + "']\n  - job_name: dropme\n    static_configs:\n      - targets: ['x:1']\n"
            + "    relabel_configs:\n      - action: drop\n        source_labels: [__address__]\n");
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("data"),
            "--config.file=" + cfg, "--web.enable-lifecycle"}), BuildInfo.load());
        try {
            String base = "http://127.0.0.1:" + g.start().getPort();
            await("a successful scrape", () -> {
                try {
                    return send(base, "GET", "/api/v1/targets").body().contains("\"health\":\"up\"");
                } catch (Exception e) {
                    return false;
                }
            });
            Map<String, Object> d = data(send(base, "GET", "/api/v1/targets"));
            List<Object> active = (List<Object>) d.get("activeTargets");
            assertEquals(1, active.size());
            Map<String, Object> t = (Map<String, Object>) active.get(0);
            assertEquals("fx", t.get("scrapePool"));
            assertEquals("http://" + addr + "/metrics", t.get("scrapeUrl"));
            assertEquals(Map.of("job", "fx", "instance", addr), t.get("labels"));
            assertEquals("1s", t.get("scrapeInterval"));
            assertEquals("1s", t.get("scrapeTimeout"));
            assertEquals("", t.get("lastError"));
            assertEquals("fx", ((Map<String, Object>) t.get("discoveredLabels")).get("job"));
            assertEquals(1, ((List<Object>) d.get("droppedTargets")).size());
            assertEquals(Map.of("fx", 0.0, "dropme", 1.0), d.get("droppedTargetCounts"));
            assertEquals(0, ((List<Object>) data(send(base, "GET", "/api/v1/targets?state=active")).get("droppedTargets")).size());
            assertEquals(0, ((List<Object>) data(send(base, "GET", "/api/v1/targets?state=dropped")).get("activeTargets")).size());

            String md = send(base, "GET", "/api/v1/targets/metadata?match_target=" + URLEncoder.encode("{job=\"fx\"}", StandardCharsets.UTF_8)).body();
            assertTrue(md.contains("\"metric\":\"temp_celsius\",\"type\":\"gauge\",\"help\":\"Temperature.\""), md);
            String meta = send(base, "GET", "/api/v1/metadata?metric=temp_celsius").body();
            assertTrue(meta.contains("\"type\":\"gauge\""), meta);
            String q = send(base, "GET", "/api/v1/query?query=" + URLEncoder.encode("temp_celsius", StandardCharsets.UTF_8)).body();
            assertTrue(q.contains("\"room\":\"a\"") && q.contains("\"21.5\""), q);

            // a bad file is refused and the running configuration stays
            Files.writeString(cfg, "scrape_configs:\n  - job_name: fx\n    scrape_intervall: 1s\n");
            HttpResponse<String> bad = send(base, "POST", "/-/reload");
            assertEquals(500, bad.statusCode());
            assertTrue(bad.body().contains("prometheus.yml:3: scrape_configs[0].scrape_intervall"), bad.body());
            assertEquals(1, ((List<Object>) data(send(base, "GET", "/api/v1/targets")).get("activeTargets")).size());
            assertTrue(send(base, "GET", "/api/v1/status/runtimeinfo").body().contains("\"reloadConfigSuccess\":false"));
            assertTrue(send(base, "GET", "/api/v1/status/config").body().contains("job_name: fx"), "the configuration in effect");

            // a good one removing the job: the target goes, its series end (stale marker)
            Files.writeString(cfg, "scrape_configs: []\n");
            assertEquals(200, send(base, "POST", "/-/reload").statusCode());
            assertEquals(0, ((List<Object>) data(send(base, "GET", "/api/v1/targets")).get("activeTargets")).size());
            await("temp_celsius to go stale", () -> {
                try {
                    return send(base, "GET", "/api/v1/query?query=temp_celsius").body().contains("\"result\":[]");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            g.close();
            fx.stop(0);
        }
    }

    @Test
    void reloadNeedsTheLifecycleFlag() throws Exception {
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("d2")}),
            BuildInfo.load());
        try {
            String base = "http://127.0.0.1:" + g.start().getPort();
            assertEquals(403, send(base, "POST", "/-/reload").statusCode());
            // the embedded default scrapes this server
            Map<String, Object> d = data(send(base, "GET", "/api/v1/targets"));
            Map<String, Object> t = (Map<String, Object>) ((List<Object>) d.get("activeTargets")).get(0);
            assertEquals("gnomon", t.get("scrapePool"));
            assertEquals(base.replace("127.0.0.1", "127.0.0.1") + "/metrics", t.get("scrapeUrl"));
            assertEquals("15s", t.get("scrapeInterval"));
        } finally {
            g.close();
        }
    }

    @Test
    void aBadConfigFileFailsStartUp() throws Exception {
        Path cfg = dir.resolve("bad.yml");
        Files.writeString(cfg, "scrape_configs:\n  - job_name: a\n    bogus: 1\n");
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("d3"),
            "--config.file=" + cfg}), BuildInfo.load());
        try {
            io.gnomon.scrape.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                io.gnomon.scrape.config.ConfigException.class, g::start);
            assertEquals(3, e.line());
        } finally {
            g.close();
        }
    }
}
