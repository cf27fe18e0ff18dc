package io.gnomon.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For tests that compare what a server stores with fixed expectations: without
 * {@code --config.file} Gnomon scrapes itself every 15 s (the embedded default), which would add
 * series at a moment the test does not control. This writes a configuration without scrape jobs.
 */
final class NoScrapeConfig {

    private NoScrapeConfig() {
    }

    /** The {@code --config.file=...} flag for a file in {@code dir} with no scrape configs. */
    static String flag(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve("no-scrapes.yml");
        Files.writeString(f, "global:\n  scrape_interval: 15s\nscrape_configs: []\n");
        return "--config.file=" + f;
    }
}
