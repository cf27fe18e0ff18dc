package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code proxy_url} and {@code no_proxy} over real HTTP: a loopback server plays the proxy and
 * answers for a target whose name does not resolve, so a scrape that succeeds went through it and
 * one that went direct fails.
 */
class ProxyScrapeTest {

    FixtureServer proxy;
    ScrapeManager manager;
    final List<String> proxied = new CopyOnWriteArrayList<>();
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        proxy = new FixtureServer();
        proxy.handlers.put("/metrics", ex -> {
            proxied.add(ex.getRequestURI().toString());
            FixtureServer.reply(ex, 200, "text/plain; version=0.0.4", "via_proxy 1\n");
        });
        manager = new ScrapeManager(new MemoryStorage(), ScrapeManager.Options.defaults("Gnomon/test"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
        proxy.close();
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

    Target target(String job) {
        for (Target t : manager.activeTargets()) {
            if (t.scrapePool().equals(job)) {
                return t;
            }
        }
        return null;
    }

    @Test
    void scrapesGoThroughTheProxyUnlessNoProxyMatches() throws Exception {
        String p = "http://" + proxy.address();
        manager.apply(ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
            + "  - job_name: proxied\n    proxy_url: " + p + "\n    static_configs:\n      - targets: ['metrics.invalid:9100']\n"
            + "  - job_name: excluded\n    proxy_url: " + p + "\n    no_proxy: other.invalid,.invalid\n"
            + "    static_configs:\n      - targets: ['direct.invalid:9100']\n", dir));
        await("both scraped", () -> target("proxied") != null && target("proxied").health() != Target.Health.UNKNOWN
            && target("excluded") != null && target("excluded").health() != Target.Health.UNKNOWN);
        assertEquals(Target.Health.UP, target("proxied").health(), target("proxied").lastError());
        assertTrue(proxied.contains("http://metrics.invalid:9100/metrics"), proxied.toString());
        assertEquals(Target.Health.DOWN, target("excluded").health());
        assertTrue(proxied.stream().noneMatch(u -> u.contains("direct.invalid")), proxied.toString());
    }
}
