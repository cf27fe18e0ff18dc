package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's prometheus-node-exporter on a free loopback port, scraped for real. */
class NodeExporterTest {

    @TempDir
    Path dir;

    @Test
    void scrapesNodeExporter() throws Exception {
        String bin = Peers.binary("prometheus-node-exporter");
        int port = Peers.freePort();
        Process p = new ProcessBuilder(bin, "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true).redirectOutput(dir.resolve("node.log").toFile()).start();
        MemoryStorage storage = new MemoryStorage();
        try (ScrapeManager m = new ScrapeManager(storage, ScrapeManager.Options.defaults("Gnomon/test"))) {
            String addr = "127.0.0.1:" + port;
            m.apply(ConfigLoader.parse("t.yml", "scrape_configs:\n  - job_name: node\n    scrape_interval: 1s\n"
                + "    static_configs:\n      - targets: ['" + addr + "']\n", dir));
            ScrapeManagerTest.await("a successful node scrape", () -> {
                var up = storage.last("__name__", "up", "job", "node", "instance", addr);
                return up != null && up.v() == 1.0;
            });
            Target t = m.activeTargets().get(0);
            assertEquals("", t.lastError());
            assertFalse(storage.seriesNamed("node_cpu_seconds_total").isEmpty());
            assertFalse(storage.seriesNamed("node_exporter_build_info").isEmpty());
            assertEquals("counter", t.metadata().get("node_cpu_seconds_total").type());
            assertTrue(storage.last("__name__", "scrape_samples_scraped", "job", "node", "instance", addr).v() > 100);
            // the exporter negotiated a format we read: all samples appended
            assertEquals(storage.last("__name__", "scrape_samples_scraped", "job", "node", "instance", addr).v(),
                storage.last("__name__", "scrape_samples_post_metric_relabeling", "job", "node", "instance", addr).v());
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
