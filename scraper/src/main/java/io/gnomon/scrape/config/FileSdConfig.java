package io.gnomon.scrape.config;

import java.time.Duration;
import java.util.List;

/** {@code file_sd_configs}: file patterns (a glob in the last path element) and the refresh interval (default 5m). */
public record FileSdConfig(List<String> files, Duration refreshInterval) {
    public FileSdConfig {
        files = List.copyOf(files);
    }
}
