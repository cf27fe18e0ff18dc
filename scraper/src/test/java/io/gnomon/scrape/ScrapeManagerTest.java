package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.scrape.config.PrometheusConfig;
import io.gnomon.tsdb.labels.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole scrape path over real HTTP on loopback: hostile targets (slow, failing, garbage, huge,
 * bad gzip, gone) fail their scrape with a clear error and never take the manager down; discovery
 * and reload. Waits poll for an outcome with a generous deadline; nothing asserts on durations.
 */
class ScrapeManagerTest {

    FixtureServer server;
    MemoryStorage storage;
    ScrapeManager manager;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws IOException {
        server = new FixtureServer();
        storage = new MemoryStorage();
        manager = new ScrapeManager(storage, ScrapeManager.Options.defaults("Gnomon/test").withMaxBodyBytes(16 << 20));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        server.close();
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    PrometheusConfig config(String jobs) {
        return ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 2s\n  scrape_timeout: 1500ms\nscrape_configs:\n" + jobs, dir);
    }

    String job(String name, String path) {
        return "  - job_name: " + name + "\n    metrics_path: " + path + "\n    static_configs:\n      - targets: ['" + server.address() + "']\n";
    }

    /** A job with room to move megabytes (the loopback server is not fast under leak detection). */
    String bigJob(String name, String path) {
        return job(name, path) + "    scrape_interval: 10s\n    scrape_timeout: 10s\n";
    }

    Target target(String job) {
        for (Target t : manager.activeTargets()) {
            if (t.scrapePool().equals(job)) {
                return t;
            }
        }
        return null;
    }

    String errorOf(String job) throws InterruptedException {
        await(job + " to be scraped", () -> target(job) != null && target(job).health() != Target.Health.UNKNOWN);
        return target(job).lastError();
    }

    @Test
    void hostileTargetsFailWithClearErrors() throws Exception {
        server.text("/ok", "# TYPE a gauge\na 1\n");
        server.handlers.put("/500", ex -> FixtureServer.reply(ex, 500, "text/plain", "boom\n"));
        server.handlers.put("/slow", ex -> {
            try {
                Thread.sleep(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            FixtureServer.reply(ex, 200, "text/plain", "a 1\n");
        });
        server.handlers.put("/slowbody", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write("a 1\n".getBytes(StandardCharsets.UTF_8));
            o.flush();
            try {
                Thread.sleep(6000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            o.close();
        });
        server.text("/garbage", "\u0000\u0001\u0002 not metrics at all {{{\n");
        server.handlers.put("/huge", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, 0);
            byte[] line = "some_metric_with_a_long_name{label=\"value\"} 1\n".getBytes(StandardCharsets.UTF_8);
            byte[] chunk = new byte[line.length * 20_000];
            for (int i = 0; i < 20_000; i++) {
                System.arraycopy(line, 0, chunk, i * line.length, line.length);
            }
            try (OutputStream o = ex.getResponseBody()) {
                for (long sent = 0; sent < 100L << 20; sent += chunk.length) {
                    o.write(chunk);
                }
            }
        });
        server.handlers.put("/badgzip", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            byte[] b = "this is not gzip".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        byte[] bomb = gzip(new byte[32 << 20]); // 32 MiB of zeros inflate past the 16 MiB cap
        server.handlers.put("/gzipbomb", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, bomb.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(bomb);
            }
        });
        byte[] good = gzip("# TYPE g gauge\ng 7\n".getBytes(StandardCharsets.UTF_8));
        server.handlers.put("/gzip", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            ex.getResponseHeaders().set("Content-Encoding", "gzip");
            ex.sendResponseHeaders(200, good.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(good);
            }
        });
        manager.apply(config(job("ok", "/ok") + job("e500", "/500") + job("slow", "/slow") + job("slowbody", "/slowbody")
            + job("garbage", "/garbage") + bigJob("huge", "/huge") + job("badgzip", "/badgzip") + bigJob("gzipbomb", "/gzipbomb")
            + job("gzip", "/gzip")
            + "  - job_name: limited\n    body_size_limit: 1KB\n    metrics_path: /huge\n    static_configs:\n      - targets: ['"
            + server.address() + "']\n"));

        await("ok up", () -> target("ok") != null && target("ok").health() == Target.Health.UP);
        assertEquals(HttpFetcher.ACCEPT, server.lastAccept.get());
        assertEquals("server returned HTTP status 500 Internal Server Error", errorOf("e500"));
        assertTrue(errorOf("slow").contains("deadline exceeded (timeout 1s500ms)"), errorOf("slow"));
        assertTrue(errorOf("slowbody").contains("deadline exceeded"), errorOf("slowbody"));
        assertTrue(errorOf("garbage").contains("expected a metric name"), errorOf("garbage"));
        assertTrue(errorOf("huge").startsWith("body size limit exceeded (limit 16777216 bytes)"), errorOf("huge"));
        assertTrue(errorOf("limited").startsWith("body size limit exceeded (limit 1024 bytes)"), errorOf("limited"));
        assertTrue(errorOf("badgzip").startsWith("invalid gzip body"), errorOf("badgzip"));
        assertTrue(errorOf("gzipbomb").contains("after gzip decompression"), errorOf("gzipbomb"));
        await("gzip up", () -> target("gzip") != null && target("gzip").health() == Target.Health.UP);
        Labels inst = Labels.of("job", "gzip", "instance", server.address());
        await("g", () -> storage.last("__name__", "g", "job", "gzip", "instance", server.address()) != null);
        assertEquals(7.0, storage.last("__name__", "g", "job", "gzip", "instance", server.address()).v());
        assertTrue(inst.size() == 2);
        for (String j : List.of("e500", "slow", "garbage", "huge", "badgzip")) {
            assertEquals(0.0, storage.last("__name__", "up", "job", j, "instance", server.address()).v(), j);
        }
        // still scraping the good ones
        await("ok scraped again", () -> storage.samples("__name__", "a", "job", "ok", "instance", server.address()).size() >= 2);
    }

    @Test
    void aTargetThatGoesAwayIsDownAndItsSeriesStale() throws Exception {
        FixtureServer other = new FixtureServer();
        other.text("/metrics", "a 1\n");
        String addr = other.address();
        manager.apply(config("  - job_name: gone\n    static_configs:\n      - targets: ['" + addr + "']\n"));
        await("scraped", () -> storage.last("__name__", "a", "job", "gone", "instance", addr) != null);
        other.close();
        await("down", () -> target("gone").health() == Target.Health.DOWN);
        assertTrue(!target("gone").lastError().isEmpty());
        await("stale", () -> storage.last("__name__", "a", "job", "gone", "instance", addr).stale());
    }

    @Test
    void reloadKeepsStayingTargetsAndMarksRemovedOnesStale() throws Exception {
        server.text("/a", "x 1\n");
        server.text("/b", "y 1\n");
        manager.apply(config(job("a", "/a") + job("b", "/b")));
        await("both", () -> storage.last("__name__", "x", "job", "a", "instance", server.address()) != null
            && storage.last("__name__", "y", "job", "b", "instance", server.address()) != null);
        Target before = target("a");
        long scrapedBefore = storage.samples("__name__", "x", "job", "a", "instance", server.address()).size();
        manager.apply(config(job("a", "/a")));
        assertEquals(1, manager.activeTargets().size());
        assertEquals(before.hash(), target("a").hash());
        await("b stale", () -> storage.last("__name__", "y", "job", "b", "instance", server.address()).stale());
        await("b up stale", () -> storage.last("__name__", "up", "job", "b", "instance", server.address()).stale());
        await("a continues", () -> storage.samples("__name__", "x", "job", "a", "instance", server.address()).size() > scrapedBefore + 1);
        // 'a' was never marked stale
        assertTrue(storage.samples("__name__", "x", "job", "a", "instance", server.address()).stream().noneMatch(MemoryStorage.Sample::stale));
    }

    @Test
    void fileDiscoveryFollowsTheFile() throws Exception {
        server.text("/metrics", "m 1\n");
        Path f = dir.resolve("targets.json");
        Files.writeString(f, "[{\"targets\": [\"" + server.address() + "\"], \"labels\": {\"env\": \"dev\"}}]");
        manager.apply(config("  - job_name: files\n    file_sd_configs:\n      - files: ['*.json']\n"
            + "    relabel_configs:\n      - source_labels: [__meta_filepath]\n        regex: '.*/(.*)'\n        target_label: file\n"));
        await("target", () -> target("files") != null);
        assertEquals("dev", target("files").labels().get("env"));
        assertEquals("targets.json", target("files").labels().get("file"));
        assertEquals(f.toString(), target("files").discoveredLabels().get("__meta_filepath"));
        Files.writeString(f, "- targets: ['" + server.address() + "']\n  labels: {env: prod}\n");
        await("relabeled target", () -> target("files") != null && "prod".equals(target("files").labels().get("env")));
        Files.delete(f);
        await("no target", () -> target("files") == null);
    }

    @Test
    void httpDiscovery() throws Exception {
        server.text("/metrics", "m 1\n");
        server.handlers.put("/sd", ex -> FixtureServer.reply(ex, 200, "application/json",
            "[{\"targets\": [\"" + server.address() + "\"], \"labels\": {\"__meta_x\": \"1\", \"team\": \"a\"}}]"));
        manager.apply(config("  - job_name: hsd\n    http_sd_configs:\n      - url: http://" + server.address() + "/sd\n"
            + "    relabel_configs:\n      - action: labelmap\n        regex: __meta_(.*)\n"));
        await("target", () -> target("hsd") != null);
        assertEquals("a", target("hsd").labels().get("team"));
        assertEquals("1", target("hsd").labels().get("x"));
    }

    @Test
    void droppedTargetsAreListed() throws Exception {
        manager.apply(config("  - job_name: d\n    static_configs:\n      - targets: ['a:1', 'b:2']\n"
            + "    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'a:.*'\n        action: drop\n"));
        assertEquals(1, manager.activeTargets().size());
        assertEquals(1, manager.droppedTargets().size());
        assertEquals("a:1", manager.droppedTargets().get(0).discoveredLabels().get("__address__"));
        assertEquals("d", manager.droppedTargets().get(0).discoveredLabels().get("job"));
        assertEquals(java.util.Map.of("d", 1), manager.droppedTargetCounts());
    }

    @Test
    void keepDroppedTargetsLimitsTheListNotTheCount() throws Exception {
        manager.apply(config("  - job_name: d\n    keep_dropped_targets: 2\n    static_configs:\n      - targets: ['a:1', 'a:2', 'a:3', 'b:4']\n"
            + "    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'a:.*'\n        action: drop\n"));
        assertEquals(2, manager.droppedTargets().size());
        assertEquals(java.util.Map.of("d", 3), manager.droppedTargetCounts());
    }

    @Test
    void targetLimitFailsThePool() throws Exception {
        server.text("/metrics", "m 1\n");
        manager.apply(config("  - job_name: t\n    target_limit: 1\n    static_configs:\n      - targets: ['"
            + server.address() + "', 'localhost:" + server.server.getAddress().getPort() + "']\n"));
        assertTrue(errorOf("t").startsWith("target_limit exceeded (number of targets: 2, limit: 1)"), errorOf("t"));
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(b);
        }
        return out.toByteArray();
    }
}
