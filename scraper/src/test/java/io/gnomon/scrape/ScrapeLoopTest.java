package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.StaleNaN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One scrape at a time through {@link ScrapeLoop#process}, with bodies given directly: no network, no clock. */
class ScrapeLoopTest {

    static final String TEXT = "text/plain; version=0.0.4";
    static final String OM = "application/openmetrics-text; version=1.0.0";

    final MemoryStorage storage = new MemoryStorage();
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final BufferPool pool = new BufferPool();

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    ScrapeLoop loop(String jobYaml) {
        ScrapeConfig c = ConfigLoader.parse("test.yml", "scrape_configs:\n" + jobYaml, Path.of(".")).scrapeConfigs().get(0);
        TargetBuilder.Result r = new TargetBuilder().build(c, c.staticConfigs().get(0), c.staticConfigs().get(0).targets().get(0));
        assertNotNull(r.target(), "target dropped: " + r.error());
        return new ScrapeLoop(r.target(), c, null, storage, Runnable::run, timer, new ScrapeStats(), 0, 1 << 20, pool);
    }

    static final String JOB = "  - job_name: j\n    static_configs:\n      - targets: ['h:1']\n";

    void scrape(ScrapeLoop l, long t, String contentType, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        l.process(new Body(b, b.length, contentType, ""), null, t, System.nanoTime(), t);
    }

    void fail(ScrapeLoop l, long t, String error) {
        l.process(null, new ScrapeException(error), t, System.nanoTime(), t);
    }

    @Test
    void samplesGetTargetLabelsAndSyntheticSeries() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "# HELP a_total A counter.\n# TYPE a_total counter\na_total{x=\"1\"} 3\nb 4.5 999\n");
        assertEquals(new MemoryStorage.Sample(1000, 3), storage.last("__name__", "a_total", "x", "1", "job", "j", "instance", "h:1"));
        // honor_timestamps defaults to true
        assertEquals(new MemoryStorage.Sample(999, 4.5), storage.last("__name__", "b", "job", "j", "instance", "h:1"));
        assertEquals(1.0, storage.last("__name__", "up", "job", "j", "instance", "h:1").v());
        assertEquals(2.0, storage.last("__name__", "scrape_samples_scraped", "job", "j", "instance", "h:1").v());
        assertEquals(2.0, storage.last("__name__", "scrape_samples_post_metric_relabeling", "job", "j", "instance", "h:1").v());
        assertEquals(2.0, storage.last("__name__", "scrape_series_added", "job", "j", "instance", "h:1").v());
        assertNotNull(storage.last("__name__", "scrape_duration_seconds", "job", "j", "instance", "h:1"));
        assertEquals("counter", l.target().metadata().get("a_total").type());
        assertEquals("A counter.", l.target().metadata().get("a_total").help());
        assertEquals("counter", storage.metadata.get("a_total").type());
        assertEquals(Target.Health.UP, l.target().health());

        scrape(l, 2000, TEXT, "a_total{x=\"1\"} 4\nb 4.5 1999\n");
        assertEquals(0.0, storage.last("__name__", "scrape_series_added", "job", "j", "instance", "h:1").v());
    }

    @Test
    void disappearedSeriesGetAStaleMarkerAtTheNextScrape() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1\nb 2\n");
        scrape(l, 2000, TEXT, "a 1\n");
        MemoryStorage.Sample s = storage.last("__name__", "b", "job", "j", "instance", "h:1");
        assertEquals(2000, s.t());
        assertTrue(s.stale());
        assertFalse(storage.last("__name__", "a", "job", "j", "instance", "h:1").stale());
        // it comes back
        scrape(l, 3000, TEXT, "a 1\nb 3\n");
        assertEquals(new MemoryStorage.Sample(3000, 3), storage.last("__name__", "b", "job", "j", "instance", "h:1"));
    }

    @Test
    void seriesWithOwnTimestampsAreNotMarkedStale() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1 500\n");
        scrape(l, 2000, TEXT, "");
        assertEquals(1, storage.samples("__name__", "a", "job", "j", "instance", "h:1").size());
    }

    @Test
    void aFailedScrapeMarksEverythingStaleAndReportsDown() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1\nb 2\n");
        fail(l, 2000, "server returned HTTP status 500 Internal Server Error");
        assertTrue(storage.last("__name__", "a", "job", "j", "instance", "h:1").stale());
        assertTrue(storage.last("__name__", "b", "job", "j", "instance", "h:1").stale());
        assertEquals(0.0, storage.last("__name__", "up", "job", "j", "instance", "h:1").v());
        assertEquals(Target.Health.DOWN, l.target().health());
        assertEquals("server returned HTTP status 500 Internal Server Error", l.target().lastError());
        // no second stale marker on a second failure
        fail(l, 3000, "again");
        assertEquals(2, storage.samples("__name__", "a", "job", "j", "instance", "h:1").size());
    }

    @Test
    void garbageFailsTheScrapeWithTheLine() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1\n");
        scrape(l, 2000, TEXT, "a 1\n<html>nope</html>\n");
        assertEquals(Target.Health.DOWN, l.target().health());
        assertTrue(l.target().lastError().contains("line=2"), l.target().lastError());
        // the partial batch was rolled back: 'a' has its first sample and a stale marker only
        var a = storage.samples("__name__", "a", "job", "j", "instance", "h:1");
        assertEquals(2, a.size());
        assertTrue(a.get(1).stale());
    }

    @Test
    void sampleLimitFailsTheScrape() {
        ScrapeLoop l = loop("  - job_name: j\n    sample_limit: 2\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(l, 1000, TEXT, "a 1\nb 2\nc 3\n");
        assertEquals(Target.Health.DOWN, l.target().health());
        assertTrue(l.target().lastError().startsWith("sample limit exceeded"), l.target().lastError());
        assertTrue(storage.seriesNamed("a").isEmpty());
        assertEquals(0.0, storage.last("__name__", "up", "job", "j", "instance", "h:1").v());
        assertEquals(3.0, storage.last("__name__", "scrape_samples_scraped", "job", "j", "instance", "h:1").v());
    }

    @Test
    void labelLimitsFailTheScrape() {
        ScrapeLoop l = loop("  - job_name: j\n    label_limit: 4\n    label_value_length_limit: 5\n"
            + "    static_configs:\n      - targets: ['h:1']\n");
        scrape(l, 1000, TEXT, "a{x=\"1\",y=\"2\"} 1\n");
        assertTrue(l.target().lastError().startsWith("label_limit exceeded"), l.target().lastError());
        scrape(l, 2000, TEXT, "a{x=\"123456\"} 1\n");
        assertTrue(l.target().lastError().startsWith("label_value_length_limit exceeded"), l.target().lastError());
        scrape(l, 3000, TEXT, "a{x=\"12345\"} 1\n");
        assertEquals("", l.target().lastError());
        // a series over a limit fails every scrape that exposes it, not only the first
        scrape(l, 4000, TEXT, "a{x=\"1\",y=\"2\"} 1\n");
        scrape(l, 5000, TEXT, "a{x=\"1\",y=\"2\"} 1\n");
        assertTrue(l.target().lastError().startsWith("label_limit exceeded"), l.target().lastError());
    }

    @Test
    void legacyNameValidationFailsScrapesWithUtf8Names() {
        ScrapeLoop l = loop("  - job_name: j\n    metric_name_validation_scheme: legacy\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(l, 1000, TEXT, "ok:name{a=\"1\"} 1\n");
        assertEquals("", l.target().lastError());
        for (long t : new long[] {2000, 3000}) {
            scrape(l, t, TEXT, "{\"my.metric\"} 1\n");
            assertTrue(l.target().lastError().startsWith("invalid metric name or label names: "), l.target().lastError());
        }
        scrape(l, 4000, TEXT, "ok{\"bad.label\"=\"1\"} 1\n");
        assertTrue(l.target().lastError().startsWith("invalid metric name or label names: "), l.target().lastError());
        ScrapeLoop utf8 = loop(JOB);
        scrape(utf8, 1000, TEXT, "{\"my.metric\"} 1\n");
        assertEquals("", utf8.target().lastError());
    }

    @Test
    void trackTimestampsStalenessMarksSeriesWithOwnTimestamps() {
        ScrapeLoop tracked = loop("  - job_name: j\n    track_timestamps_staleness: true\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(tracked, 1000, TEXT, "a 1 900\n");
        scrape(tracked, 2000, TEXT, "b 1\n");
        assertTrue(StaleNaN.is(storage.last("__name__", "a", "job", "j", "instance", "h:1").v()));
        ScrapeLoop untracked = loop("  - job_name: k\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(untracked, 1000, TEXT, "c 1 900\n");
        scrape(untracked, 2000, TEXT, "d 1\n");
        assertEquals(1.0, storage.last("__name__", "c", "job", "k", "instance", "h:1").v()); // the default: no marker
    }

    @Test
    void fallbackScrapeProtocolReadsBlankAndUnknownContentTypes() {
        ScrapeLoop l = loop("  - job_name: j\n    fallback_scrape_protocol: OpenMetricsText1.0.0\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(l, 1000, "application/octet-stream", "# TYPE a counter\na_total 1\n# EOF\n");
        assertEquals("", l.target().lastError());
        assertEquals(1.0, storage.last("__name__", "a_total", "job", "j", "instance", "h:1").v());
        ScrapeLoop strict = loop(JOB);
        scrape(strict, 1000, "application/octet-stream", "a 1\n");
        assertTrue(strict.target().lastError().startsWith("received unsupported Content-Type"), strict.target().lastError());
    }

    @Test
    void acceptHeaderFollowsScrapeProtocolsAndEscaping() {
        ScrapeConfig def = ConfigLoader.parse("t.yml", "scrape_configs:\n" + JOB, Path.of(".")).scrapeConfigs().get(0);
        assertEquals(HttpFetcher.ACCEPT, def.accept());
        ScrapeConfig c = ConfigLoader.parse("t.yml", "global:\n  scrape_protocols: [PrometheusText1.0.0, PrometheusText0.0.4]\n"
            + "  metric_name_validation_scheme: legacy\nscrape_configs:\n" + JOB, Path.of(".")).scrapeConfigs().get(0);
        assertEquals("text/plain;version=1.0.0;escaping=underscores;q=0.6,text/plain;version=0.0.4;q=0.5,*/*;q=0.4", c.accept());
        assertTrue(c.legacyNameValidation());
        ScrapeConfig dots = ConfigLoader.parse("t.yml", "scrape_configs:\n" + JOB + "    metric_name_escaping_scheme: dots\n"
            + "    scrape_protocols: [OpenMetricsText1.0.0]\n", Path.of(".")).scrapeConfigs().get(0);
        assertEquals("application/openmetrics-text;version=1.0.0;escaping=dots;q=0.6,*/*;q=0.5", dots.accept());
    }

    @Test
    void conflictingLabelsAreExportedUnlessHonored() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a{job=\"other\",exported_job=\"x\"} 1\n");
        assertEquals(1, storage.samples("__name__", "a", "job", "j", "instance", "h:1", "exported_job", "x",
            "exported_exported_job", "other").size());

        MemoryStorage s2 = new MemoryStorage();
        ScrapeConfig c = ConfigLoader.parse("t", "scrape_configs:\n  - job_name: j\n    honor_labels: true\n"
            + "    static_configs:\n      - targets: ['h:1']\n", Path.of(".")).scrapeConfigs().get(0);
        Target t = new TargetBuilder().build(c, c.staticConfigs().get(0), "h:1").target();
        ScrapeLoop h = new ScrapeLoop(t, c, null, s2, Runnable::run, timer, new ScrapeStats(), 0, 1 << 20, pool);
        byte[] b = "a{job=\"other\"} 1\n".getBytes(StandardCharsets.UTF_8);
        h.process(new Body(b, b.length, TEXT, ""), null, 1000, System.nanoTime(), 1000);
        assertEquals(1, s2.samples("__name__", "a", "job", "other", "instance", "h:1").size());
        // synthetic series always carry the target's labels
        assertEquals(1, s2.samples("__name__", "up", "job", "j", "instance", "h:1").size());
    }

    @Test
    void honorTimestampsFalseUsesTheScrapeTime() {
        ScrapeLoop l = loop("  - job_name: j\n    honor_timestamps: false\n    static_configs:\n      - targets: ['h:1']\n");
        scrape(l, 1000, TEXT, "a 1 5\n");
        assertEquals(1000, storage.last("__name__", "a", "job", "j", "instance", "h:1").t());
    }

    @Test
    void metricRelabelingDropsAndRenames() {
        ScrapeLoop l = loop(JOB + "    metric_relabel_configs:\n"
            + "      - source_labels: [__name__]\n        regex: 'go_.*'\n        action: drop\n"
            + "      - source_labels: [__name__]\n        regex: '(.*)_seconds'\n        target_label: __name__\n        replacement: '${1}_s'\n");
        scrape(l, 1000, TEXT, "go_goroutines 5\nlatency_seconds 2\nx 1\n");
        assertTrue(storage.seriesNamed("go_goroutines").isEmpty());
        assertEquals(1, storage.seriesNamed("latency_s").size());
        assertEquals(3.0, storage.last("__name__", "scrape_samples_scraped", "job", "j", "instance", "h:1").v());
        assertEquals(2.0, storage.last("__name__", "scrape_samples_post_metric_relabeling", "job", "j", "instance", "h:1").v());
    }

    @Test
    void openMetricsWithExemplarsAndCreatedAndNormalizedLe() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 10_000, OM, "# TYPE rpc_seconds histogram\n# UNIT rpc_seconds seconds\n# HELP rpc_seconds RPC latency.\n"
            + "rpc_seconds_bucket{le=\"1\"} 2 # {trace_id=\"abc\"} 0.5 9.5\n"
            + "rpc_seconds_bucket{le=\"+Inf\"} 3\nrpc_seconds_count 3\nrpc_seconds_sum 1.5\nrpc_seconds_created 5\n"
            + "# TYPE build info\nbuild_info{version=\"1\"} 1\n# EOF\n");
        assertEquals("", l.target().lastError());
        var bucket = Labels.of("__name__", "rpc_seconds_bucket", "le", "1.0", "job", "j", "instance", "h:1");
        assertEquals(1, storage.series.get(bucket).size());
        var ex = storage.exemplars.get(bucket);
        assertEquals(1, ex.size());
        assertEquals(9500, ex.get(0).timestamp());
        assertEquals("abc", ex.get(0).labels().get("trace_id"));
        assertEquals(1, storage.samples("__name__", "rpc_seconds_created", "job", "j", "instance", "h:1").size());
        assertEquals("seconds", l.target().metadata().get("rpc_seconds").unit());
        assertEquals("info", l.target().metadata().get("build").type());
        assertEquals(1, storage.samples("__name__", "build_info", "version", "1", "job", "j", "instance", "h:1").size());
    }

    @Test
    void openMetricsWithoutEofFails() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, OM, "a 1\n");
        assertEquals(Target.Health.DOWN, l.target().health());
        assertTrue(l.target().lastError().contains("# EOF"), l.target().lastError());
    }

    @Test
    void unsupportedContentTypeFails() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, "application/json", "{}");
        assertTrue(l.target().lastError().contains("unsupported Content-Type"), l.target().lastError());
    }

    @Test
    void stoppingWritesStaleMarkersAtTheNextScrapeTime() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1\n");
        l.writeEndOfRunStaleness(1000 + 60_000);
        MemoryStorage.Sample s = storage.last("__name__", "a", "job", "j", "instance", "h:1");
        assertTrue(s.stale());
        assertEquals(61_000, s.t());
        assertTrue(storage.last("__name__", "up", "job", "j", "instance", "h:1").stale());
    }

    @Test
    void offsetsAreDeterministicAndWithinTheInterval() {
        long a = ScrapeLoop.offsetMillis(42, 7, 15_000, 1_000_000);
        assertEquals(a, ScrapeLoop.offsetMillis(42, 7, 15_000, 1_000_000));
        for (long h = 0; h < 1000; h++) {
            long o = ScrapeLoop.offsetMillis(h * 7919, 7, 15_000, 1_000_123);
            assertTrue(o >= 0 && o < 15_000, "offset " + o);
            // the phase point is the same whatever "now" is within one interval
            long p1 = (1_000_123 + o) % 15_000;
            long p2 = (1_003_456 + ScrapeLoop.offsetMillis(h * 7919, 7, 15_000, 1_003_456)) % 15_000;
            assertEquals(p1, p2);
        }
    }

    @Test
    void unchangedSeriesAreServedFromTheCache() {
        ScrapeLoop l = loop(JOB);
        scrape(l, 1000, TEXT, "a 1\nb 2\n");
        scrape(l, 2000, TEXT, "a 1\nb 2\n");
        assertEquals(2, l.cachedSeries());
        assertNull(storage.last("__name__", "a"));
        assertEquals(StaleNaN.BITS, Double.doubleToRawLongBits(StaleNaN.VALUE));
    }
}
