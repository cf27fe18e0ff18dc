package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.gnomon.scrape.config.ConfigLoader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The same {@code prometheus.yml} in Prometheus 2.42 and in Gnomon, against the same loopback
 * targets: an HTTPS target that requires a client certificate (scraped with the right one, with
 * none, with an untrusted one) and a target behind an OAuth 2.0 token endpoint. Every job must have
 * the same health in both. A missing {@code prometheus} binary skips the test, or fails it under
 * {@code CI=true}.
 */
class PrometheusClientAuthSideBySideTest {

    @TempDir
    Path dir;

    @Test
    void sameHealthAsPrometheus() throws Exception {
        String bin = Peers.binary("prometheus");
        Path tls = Path.of(PrometheusClientAuthSideBySideTest.class.getResource("/tls/ca.pem").toURI()).getParent();
        for (String f : List.of("ca.pem", "client.pem", "client-pkcs1.key", "stranger.pem", "stranger.key")) {
            Files.copy(tls.resolve(f), dir.resolve(f));
        }
        try (TlsTarget mtls = new TlsTarget(true, "side_metric 1\n"); FixtureServer plain = new FixtureServer()) {
            plain.handlers.put("/token", ex -> {
                ex.getRequestBody().readAllBytes();
                FixtureServer.reply(ex, 200, "application/json", "{\"access_token\":\"tok-side\",\"token_type\":\"bearer\",\"expires_in\":3600}");
            });
            plain.handlers.put("/metrics", ex -> {
                boolean ok = "Bearer tok-side".equals(ex.getRequestHeaders().getFirst("Authorization"));
                FixtureServer.reply(ex, ok ? 200 : 401, "text/plain; version=0.0.4", ok ? "side_metric 1\n" : "");
            });
            String tlsJob = "  - job_name: %s\n    scheme: https\n    tls_config:\n      ca_file: ca.pem\n      server_name: target.test\n%s"
                + "    static_configs:\n      - targets: ['" + mtls.address() + "']\n";
            String config = "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
                + String.format(tlsJob, "mtls", "      cert_file: client.pem\n      key_file: client-pkcs1.key\n")
                + String.format(tlsJob, "nocert", "")
                + String.format(tlsJob, "stranger", "      cert_file: stranger.pem\n      key_file: stranger.key\n")
                + "  - job_name: oauth\n    oauth2:\n      client_id: gnomon\n      client_secret: s3cret\n"
                + "      token_url: http://" + plain.address() + "/token\n      scopes: [metrics]\n"
                + "    static_configs:\n      - targets: ['" + plain.address() + "']\n";
            Path cfg = dir.resolve("prometheus.yml");
            Files.writeString(cfg, config);
            Map<String, String> expected = Map.of("mtls", "up", "nocert", "down", "stranger", "down", "oauth", "up");

            int port = Peers.freePort();
            Process prom = new ProcessBuilder(bin, "--config.file=" + cfg, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
            ScrapeManager gnomon = new ScrapeManager(new MemoryStorage(), ScrapeManager.Options.defaults("Gnomon/test"));
            try {
                gnomon.apply(ConfigLoader.load(cfg));
                Map<String, String> p = awaitHealth(() -> prometheusHealth(port, prom), expected.keySet().size(), "prometheus", prom);
                Map<String, String> g = awaitHealth(() -> {
                    Map<String, String> m = new HashMap<>();
                    for (Target t : gnomon.activeTargets()) {
                        if (t.health() != Target.Health.UNKNOWN) {
                            m.put(t.scrapePool(), t.health().text());
                        }
                    }
                    return m;
                }, expected.keySet().size(), "gnomon", prom);
                assertEquals(expected, p, "prometheus: " + Files.readString(dir.resolve("prometheus.log")));
                assertEquals(p, g);
            } finally {
                gnomon.close();
                prom.destroy();
                if (!prom.waitFor(10, TimeUnit.SECONDS)) {
                    prom.destroyForcibly().waitFor();
                }
            }
        }
    }

    interface HealthSource {
        Map<String, String> get() throws Exception;
    }

    /** Polls until every job has a health (after a scrape that is not the first, which may be slow). */
    private Map<String, String> awaitHealth(HealthSource s, int jobs, String who, Process prom) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, String> last = Map.of();
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            if (!prom.isAlive()) {
                fail("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                last = s.get();
                if (last.size() == jobs && ++rounds >= 3) { // a few scrapes in, not only the first
                    return last;
                }
            } catch (IOException e) {
                // prometheus not listening yet
            }
            Thread.sleep(1000);
        }
        throw new AssertionError(who + " did not scrape every job within 60 s: " + last);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> prometheusHealth(int port, Process prom) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/api/v1/targets")).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        Map<String, String> out = new HashMap<>();
        if (r.statusCode() != 200) {
            return out;
        }
        Map<String, Object> doc = new Yaml().load(r.body());
        Map<String, Object> data = (Map<String, Object>) doc.get("data");
        for (Object o : (List<Object>) data.get("activeTargets")) {
            Map<String, Object> t = (Map<String, Object>) o;
            if (!"unknown".equals(t.get("health"))) {
                out.put((String) t.get("scrapePool"), (String) t.get("health"));
            }
        }
        return out;
    }
}
