package io.gnomon.server;

import io.gnomon.scrape.ScrapeManager;
import io.gnomon.scrape.config.ConfigException;
import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.scrape.config.PrometheusConfig;
import io.gnomon.tsdb.metrics.MetricRegistry;
import io.gnomon.tsdb.storage.Appendable;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The server's scrape side: loads {@code --config.file} (or the embedded default, which scrapes
 * this server), runs the {@link ScrapeManager}, and reloads on SIGHUP or {@code POST /-/reload}.
 * A configuration that does not load is refused with its file:line:field error and the running
 * one stays in effect. Kept out of {@link Gnomon} so the wiring there stays a few lines.
 */
final class Scraping implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Scraping.class.getName());

    private final String configFile;
    private final ScrapeManager manager;
    private String selfAddress;
    private volatile PrometheusConfig config;
    /** The text of the configuration in effect (for status/config), whether the last reload worked, and when it last did. */
    private volatile String yaml = "";
    private volatile boolean lastReloadSuccessful = true;
    private volatile java.time.Instant lastSuccess = java.time.Instant.now();

    private Scraping(String configFile, ScrapeManager manager) {
        this.configFile = configFile;
        this.manager = manager;
    }

    /** Loads the configuration first (so a bad file fails start-up before anything else). */
    static PrometheusConfig loadConfig(String configFile, String selfAddress) {
        return configFile == null || configFile.isEmpty() ? ConfigLoader.embeddedDefault(selfAddress)
            : ConfigLoader.load(Path.of(configFile));
    }

    /** The file's text, or the embedded default's; empty when unreadable (the load then fails anyway). */
    private String text() {
        if (configFile == null || configFile.isEmpty()) {
            return ConfigLoader.embeddedDefaultYaml(selfAddress);
        }
        try {
            return java.nio.file.Files.readString(Path.of(configFile));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static Scraping start(String configFile, PrometheusConfig initial, Appendable storage, String version, InetSocketAddress self) {
        long seed = initial.global().externalLabels().hash();
        try {
            seed ^= java.net.InetAddress.getLocalHost().getHostName().hashCode();
        } catch (java.io.IOException e) {
            // no host name: the external labels alone spread the phases
        }
        ScrapeManager m = new ScrapeManager(storage, ScrapeManager.Options.defaults("Gnomon/" + version).withSeed(seed));
        Scraping s = new Scraping(configFile, m);
        s.selfAddress = selfAddress(self);
        PrometheusConfig c = initial;
        if (configFile == null || configFile.isEmpty()) {
            c = ConfigLoader.embeddedDefault(s.selfAddress);
        }
        s.yaml = s.text();
        m.apply(c);
        s.config = c;
        return s;
    }

    static String selfAddress(InetSocketAddress a) {
        String host = a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "localhost" : a.getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return host + ":" + a.getPort();
    }

    /**
     * Reloads the configuration file.
     *
     * @throws ConfigException when the file does not load; the running configuration is kept
     */
    synchronized void reload() {
        String text = text();
        PrometheusConfig c;
        try {
            c = loadConfig(configFile, selfAddress);
        } catch (RuntimeException e) {
            lastReloadSuccessful = false;
            throw e;
        }
        manager.apply(c);
        config = c;
        yaml = text;
        lastReloadSuccessful = true;
        lastSuccess = java.time.Instant.now();
        LOG.info("completed loading of configuration file " + (configFile.isEmpty() ? "<embedded default>" : configFile));
    }

    String yaml() {
        return yaml;
    }

    boolean lastReloadSuccessful() {
        return lastReloadSuccessful;
    }

    java.time.Instant lastSuccess() {
        return lastSuccess;
    }

    ScrapeManager manager() {
        return manager;
    }

    PrometheusConfig config() {
        return config;
    }

    void registerMetrics(MetricRegistry registry) {
        registry.register(w -> {
            w.family("gnomon_scrape_samples_scraped_total", "counter", "Samples parsed from scrape bodies.")
                .sample("gnomon_scrape_samples_scraped_total", manager.stats().samplesScraped());
            w.family("gnomon_scrape_samples_rejected_total", "counter", "Scraped samples the storage refused (out of order, duplicate, too old).")
                .sample("gnomon_scrape_samples_rejected_total", manager.stats().samplesRejected());
            w.family("gnomon_scrapes_failed_total", "counter", "Scrapes that failed (target reported down).")
                .sample("gnomon_scrapes_failed_total", manager.stats().scrapesFailed());
            w.family("gnomon_scrapes_skipped_total", "counter", "Scrapes skipped because the previous one of the target was still running.")
                .sample("gnomon_scrapes_skipped_total", manager.stats().scrapesSkipped());
            w.family("gnomon_scrape_targets", "gauge", "Active scrape targets.")
                .sample("gnomon_scrape_targets", manager.activeTargets().size());
        });
    }

    @Override
    public void close() {
        manager.close();
    }
}
