package io.gnomon.scrape;

import io.gnomon.scrape.config.PrometheusConfig;
import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.tsdb.storage.Appendable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * Runs the scrape side of a {@code prometheus.yml}: one {@link ScrapePool} per job.
 * {@link #apply} takes a new configuration: jobs that stay are reloaded in place (their targets
 * keep their loops and state), removed jobs stop with stale markers, new jobs start. The caller
 * validates the configuration before (a file that does not load never reaches here), so the old
 * configuration keeps running when a new one is refused.
 *
 * <p>Threads: one timer thread schedules scrapes and timeouts (it never blocks), one thread runs
 * discovery refreshes, the JDK HTTP client does I/O on its own threads, and a fixed pool of
 * workers ({@link Options#workers}) parses and appends.
 */
public final class ScrapeManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ScrapeManager.class.getName());

    /**
     * @param seed          spreads scrape phases; Prometheus derives it from the external labels and host name
     * @param maxBodyBytes  the body limit for jobs without {@code body_size_limit} (memory stays bounded)
     * @param workers       threads that parse and append
     * @param userAgent     the {@code User-Agent} of scrapes
     */
    public record Options(long seed, long maxBodyBytes, int workers, String userAgent) {
        /** 64 MiB default body cap; workers = available processors. */
        public static Options defaults(String userAgent) {
            return new Options(0, 64L << 20, Math.max(2, Runtime.getRuntime().availableProcessors()), userAgent);
        }

        public Options withSeed(long s) {
            return new Options(s, maxBodyBytes, workers, userAgent);
        }

        public Options withMaxBodyBytes(long m) {
            return new Options(seed, m, workers, userAgent);
        }
    }

    private final Appendable storage;
    private final Options options;
    private final ScheduledThreadPoolExecutor timer;
    private final ScheduledThreadPoolExecutor discoveryTimer;
    private final ExecutorService workers;
    private final ExecutorService httpIo;
    private final BufferPool pool = new BufferPool();
    private final ScrapeStats stats = new ScrapeStats();
    private final Map<String, ScrapePool> pools = new LinkedHashMap<>();
    private volatile PrometheusConfig config;
    private boolean closed;

    public ScrapeManager(Appendable storage, Options options) {
        this.storage = storage;
        this.options = options;
        this.timer = new ScheduledThreadPoolExecutor(1, daemon("gnomon-scrape-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.discoveryTimer = new ScheduledThreadPoolExecutor(1, daemon("gnomon-discovery"));
        this.discoveryTimer.setRemoveOnCancelPolicy(true);
        this.workers = Executors.newFixedThreadPool(options.workers(), daemon("gnomon-scrape-worker"));
        this.httpIo = Executors.newFixedThreadPool(2, daemon("gnomon-scrape-http"));
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Applies a validated configuration (the first call starts scraping). */
    public synchronized void apply(PrometheusConfig cfg) {
        if (closed) {
            throw new IllegalStateException("scrape manager is closed");
        }
        Map<String, ScrapeConfig> next = new LinkedHashMap<>();
        for (ScrapeConfig c : cfg.scrapeConfigs()) {
            next.put(c.jobName(), c);
        }
        for (var it = pools.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!next.containsKey(e.getKey())) {
                e.getValue().stop(true);
                it.remove();
            }
        }
        for (ScrapeConfig c : next.values()) {
            ScrapePool p = pools.get(c.jobName());
            if (p == null) {
                p = new ScrapePool(this, c);
                pools.put(c.jobName(), p);
                p.start();
            } else if (!p.config().equals(c)) {
                p.reload(c);
            }
        }
        config = cfg;
        LOG.info("scrape configuration applied: " + next.size() + " job(s) from " + cfg.source());
    }

    /** The configuration in effect, or null before the first {@link #apply}. */
    public PrometheusConfig config() {
        return config;
    }

    public ScrapeStats stats() {
        return stats;
    }

    /** Active targets of all pools, pool by pool in configuration order. */
    public synchronized List<Target> activeTargets() {
        List<Target> out = new ArrayList<>();
        for (ScrapePool p : pools.values()) {
            out.addAll(p.activeTargets());
        }
        return out;
    }

    public synchronized List<DroppedTarget> droppedTargets() {
        List<DroppedTarget> out = new ArrayList<>();
        for (ScrapePool p : pools.values()) {
            out.addAll(p.droppedTargets());
        }
        return out;
    }

    /** Dropped targets per pool (all of them, also those {@code keep_dropped_targets} does not list), in configuration order. */
    public synchronized Map<String, Integer> droppedTargetCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (Map.Entry<String, ScrapePool> e : pools.entrySet()) {
            out.put(e.getKey(), e.getValue().droppedTargetCount());
        }
        return out;
    }

    /** The pool names, in configuration order. */
    public synchronized List<String> scrapePools() {
        return new ArrayList<>(pools.keySet());
    }

    HttpFetcher fetcher(ScrapeConfig c) {
        return new HttpFetcher(c.http(), "https".equals(c.scheme()), pool, timer, options.userAgent(), httpIo, System.getenv());
    }

    ScrapeLoop newLoop(Target t, ScrapeConfig c, HttpFetcher f) {
        return new ScrapeLoop(t, c, f, storage, workers, timer, stats, options.seed(), options.maxBodyBytes(), pool);
    }

    ScheduledExecutorService discoveryTimer() {
        return discoveryTimer;
    }

    /**
     * Stops scraping without stale markers (as Prometheus on shutdown: the series simply end), and
     * waits briefly for in-flight appends. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ScrapePool p : pools.values()) {
            p.stop(false);
        }
        pools.clear();
        timer.shutdownNow();
        discoveryTimer.shutdownNow();
        workers.shutdown();
        httpIo.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
