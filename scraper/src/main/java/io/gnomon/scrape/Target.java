package io.gnomon.scrape;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Metadata;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * A scrape target after relabeling: its labels (without {@code __}-prefixed ones), the labels
 * discovery gave before relabeling, the URL, and its state as the targets API reports it.
 * The state fields are written by the target's scrape loop and read by the API.
 */
public final class Target {

    /** {@code up}, {@code down} or {@code unknown} (not scraped yet). */
    public enum Health {
        UP("up"), DOWN("down"), UNKNOWN("unknown");

        private final String text;

        Health(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final String scrapePool;
    private final Labels labels;
    private final Labels discoveredLabels;
    private final URI url;
    private final Duration interval;
    private final Duration timeout;
    private final long hash;

    private volatile Health health = Health.UNKNOWN;
    private volatile String lastError = "";
    private volatile long lastScrapeMillis;
    private volatile double lastScrapeDurationSeconds;
    private volatile Map<String, Metadata> metadata = Map.of();

    Target(String scrapePool, Labels labels, Labels discoveredLabels, URI url, Duration interval, Duration timeout) {
        this.scrapePool = scrapePool;
        this.labels = labels;
        this.discoveredLabels = discoveredLabels;
        this.url = url;
        this.interval = interval;
        this.timeout = timeout;
        // Identity across reloads: the labels and the URL (as Prometheus's target hash).
        this.hash = labels.hash() * 31 + url.toString().hashCode();
    }

    public String scrapePool() {
        return scrapePool;
    }

    /** The labels every scraped series gets (no {@code __} labels). */
    public Labels labels() {
        return labels;
    }

    public Labels discoveredLabels() {
        return discoveredLabels;
    }

    public URI url() {
        return url;
    }

    public Duration interval() {
        return interval;
    }

    public Duration timeout() {
        return timeout;
    }

    long hash() {
        return hash;
    }

    public Health health() {
        return health;
    }

    public String lastError() {
        return lastError;
    }

    /** Wall-clock start of the last scrape in ms, 0 before the first. */
    public long lastScrapeMillis() {
        return lastScrapeMillis;
    }

    public double lastScrapeDurationSeconds() {
        return lastScrapeDurationSeconds;
    }

    /** Metadata (HELP/TYPE/UNIT) by metric family name, from the last scrape. */
    public Map<String, Metadata> metadata() {
        return metadata;
    }

    void report(long startMillis, double durationSeconds, String error) {
        lastScrapeMillis = startMillis;
        lastScrapeDurationSeconds = durationSeconds;
        lastError = error == null ? "" : error;
        health = error == null ? Health.UP : Health.DOWN;
    }

    void copyStateFrom(Target old) {
        health = old.health;
        lastError = old.lastError;
        lastScrapeMillis = old.lastScrapeMillis;
        lastScrapeDurationSeconds = old.lastScrapeDurationSeconds;
        metadata = old.metadata;
    }

    void metadata(Map<String, Metadata> m) {
        metadata = m;
    }

    @Override
    public String toString() {
        return scrapePool + " " + url;
    }
}
