package io.gnomon.scrape.config;

import java.time.Duration;

/** {@code http_sd_configs}: the URL, its refresh interval (default 1m) and the client settings. */
public record HttpSdConfig(String url, Duration refreshInterval, HttpClientConfig http) {
}
