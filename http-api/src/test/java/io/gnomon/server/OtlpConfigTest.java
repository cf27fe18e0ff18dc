package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.ingest.otlp.OtlpOptions;
import io.gnomon.ingest.otlp.TranslationStrategy;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code otlp:} section of prometheus.yml reaches the OTLP receiver. */
class OtlpConfigTest {

    @TempDir
    Path dir;

    @Test
    void sectionIsLaidOverTheOptions() {
        io.gnomon.scrape.config.OtlpConfig c = new io.gnomon.scrape.config.OtlpConfig("NoUTF8EscapingWithSuffixes",
            List.of("service.version"), List.of(), false, true, false, true);
        OtlpOptions base = OtlpOptions.builder().maxDeltaStreams(7).build();
        OtlpOptions o = Gnomon.otlpOptions(c, base);
        assertEquals(TranslationStrategy.NoUTF8EscapingWithSuffixes, o.translationStrategy());
        assertEquals(List.of("service.version"), o.promoteResourceAttributes());
        assertTrue(o.keepIdentifyingResourceAttributes());
        assertTrue(o.promoteScopeMetadata());
        assertEquals(7, o.maxDeltaStreams(), "settings outside the section are kept");
    }

    @Test
    void translationStrategyFromTheConfigFileApplies() throws Exception {
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "scrape_configs: []\notlp:\n  translation_strategy: NoTranslation\n"
            + "  promote_resource_attributes: [service.name]\n");
        try (Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfg}), BuildInfo.load())) {
            int port = g.start().getPort();
            byte[] body = OtlpWireTest.request("http.server.active_requests", System.currentTimeMillis());
            var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/v1/otlp/v1/metrics"))
                .header("Content-Type", "application/x-protobuf").POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            try (Querier q = g.db().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet s = q.select(false, SelectHints.NONE, Matcher.eq("__name__", "http.server.active_requests"));
                assertTrue(s.next(), "NoTranslation keeps the dotted name");
                Labels l = s.at().labels();
                assertEquals("wire", l.get("service.name"), "promoted resource attribute, untranslated: " + l);
            }
        }
    }
}
