package io.gnomon.scrape;

import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.scrape.parse.ExpositionParser;
import io.gnomon.scrape.parse.ParseException;
import io.gnomon.scrape.relabel.Relabeler;
import io.gnomon.tsdb.labels.InvalidLabelsException;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scrapes one target at a fixed rate and appends what it exposes, as Prometheus's scrape loop does.
 *
 * <p><b>Schedule.</b> Each target scrapes at a fixed phase within its interval, derived from a
 * hash of its labels and URL and the server's seed, so a thousand targets spread evenly over the
 * interval and a target keeps its phase across restarts and reloads. Sample timestamps are the
 * scheduled times when the scrape starts within 2 ms of them (regular timestamps compress better).
 *
 * <p><b>One scrape.</b> Fetch (async, {@link HttpFetcher}) then, on a worker: parse, and for each
 * sample look the raw series up in the {@link SeriesCache}; on a miss build its labels, attach the
 * target labels ({@code honor_labels}: exposed labels win; otherwise the target's win and clashing
 * exposed labels are kept as {@code exported_<name>}), apply {@code metric_relabel_configs} and the
 * label limits. Append; then stale markers; then the five synthetic series; then one commit.
 *
 * <p><b>Failure.</b> A failed fetch, a parse error, an exceeded {@code sample_limit} or label limit,
 * or a series without a metric name fail the whole scrape: the batch is rolled back, {@code up} is
 * 0, the error becomes the target's {@code lastError}, and every series of the last successful
 * scrape gets a stale marker, as in Prometheus.
 *
 * <p><b>Staleness.</b> A series exposed (without its own timestamp) in the previous scrape and not
 * in this one gets a stale marker at this scrape's timestamp. When the target goes away, its
 * series and synthetic series get stale markers at the time of what would have been its next scrape.
 *
 * <p>Thread-safety: scrapes of one loop never overlap (a tick while one is in flight is skipped);
 * state is guarded by the loop's monitor.
 */
final class ScrapeLoop {

    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class.getName());
    static final long TIMESTAMP_TOLERANCE_MS = 2;
    /** Cache entries not exposed for this many scrapes are forgotten. */
    static final int CACHE_RETENTION_SCRAPES = 10;

    static final String[] REPORT_NAMES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
        "scrape_samples_post_metric_relabeling", "scrape_series_added"};

    private final Appendable storage;
    private final Executor workers;
    private final ScheduledExecutorService timer;
    private final ScrapeStats stats;
    private final long seed;
    private final long maxBodyBytes;
    private final BufferPool pool;

    private volatile Target target;
    private volatile ScrapeConfig config;
    private volatile HttpFetcher fetcher;
    private volatile String forcedError;
    private int generation;

    private final SeriesCache cache = new SeriesCache();
    private final ExpositionParser parser = new ExpositionParser();
    private final Relabeler relabeler = new Relabeler();
    private final Labels.Builder lb = Labels.builder();
    /** Ids of the cache entries exposed (without own timestamps) by the previous / this scrape. */
    private IntList prevSeen = new IntList();
    private IntList curSeen = new IntList();
    private final ArrayList<Labels> relabeledAway = new ArrayList<>();
    private final long[] reportRefs = new long[REPORT_NAMES.length];
    private Labels[] reportLabels;
    private boolean reported;
    private long iter;
    private long lastAppendTime = Long.MIN_VALUE;
    private final Map<String, String[]> familyMeta = new HashMap<>();

    private final AtomicBoolean inFlight = new AtomicBoolean();
    private ScheduledFuture<?> tick;
    private long phaseOriginMillis;
    private volatile boolean stopped;

    ScrapeLoop(Target target, ScrapeConfig config, HttpFetcher fetcher, Appendable storage, Executor workers,
               ScheduledExecutorService timer, ScrapeStats stats, long seed, long maxBodyBytes, BufferPool pool) {
        this.pool = pool;
        this.target = target;
        this.config = config;
        this.fetcher = fetcher;
        this.storage = storage;
        this.workers = workers;
        this.timer = timer;
        this.stats = stats;
        this.seed = seed;
        this.maxBodyBytes = maxBodyBytes;
    }

    Target target() {
        return target;
    }

    /** The delay until this target's next phase point: its fixed offset within the interval. */
    static long offsetMillis(long hash, long seed, long intervalMs, long nowMs) {
        long base = intervalMs - Math.floorMod(nowMs, intervalMs);
        long offset = Long.remainderUnsigned(mix(hash ^ seed), intervalMs);
        long next = base + offset;
        if (next >= intervalMs) {
            next -= intervalMs;
        }
        return next;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    synchronized void start() {
        long interval = target.interval().toMillis();
        long now = System.currentTimeMillis();
        long delay = offsetMillis(target.hash(), seed, interval, now);
        phaseOriginMillis = now + delay;
        tick = timer.scheduleAtFixedRate(this::tick, delay, interval, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes over a new target object (same identity) and config after a reload, keeping the cache
     * and the staleness state. Returns false when the loop must be restarted (interval changed).
     */
    synchronized boolean update(Target t, ScrapeConfig c, HttpFetcher f) {
        t.copyStateFrom(target);
        boolean reschedule = !t.interval().equals(target.interval());
        if (!Objects.equals(c.metricRelabelConfigs(), config.metricRelabelConfigs()) || c.honorLabels() != config.honorLabels()
            || c.labelLimit() != config.labelLimit() || c.labelNameLengthLimit() != config.labelNameLengthLimit()
            || c.labelValueLengthLimit() != config.labelValueLengthLimit() || !t.labels().equals(target.labels())
            || c.legacyNameValidation() != config.legacyNameValidation()) {
            generation++;
        }
        target = t;
        config = c;
        fetcher = f;
        if (reschedule && tick != null) {
            tick.cancel(false);
            start();
        }
        return true;
    }

    void forceError(String error) {
        forcedError = error;
    }

    private void tick() {
        if (stopped) {
            return;
        }
        if (!inFlight.compareAndSet(false, true)) {
            stats.skipped.increment();
            return;
        }
        long startMillis = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        long interval = target.interval().toMillis();
        long k = Math.round((double) (startMillis - phaseOriginMillis) / interval);
        long scheduled = phaseOriginMillis + k * interval;
        long appendTime = Math.abs(startMillis - scheduled) <= TIMESTAMP_TOLERANCE_MS ? scheduled : startMillis;
        String forced = forcedError;
        CompletableFuture<Body> f;
        if (forced != null) {
            f = CompletableFuture.failedFuture(new ScrapeException(forced));
        } else {
            ScrapeConfig c = config;
            long limit = c.bodySizeLimit() > 0 ? c.bodySizeLimit() : maxBodyBytes;
            try {
                f = fetcher.fetch(target.url(), target.timeout(), limit, c.enableCompression(), c.accept());
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(new ScrapeException(e.getMessage(), e));
            }
        }
        f.whenCompleteAsync((body, err) -> {
            try {
                process(body, err, startMillis, startNanos, appendTime);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "scrape of " + target + " failed unexpectedly", e);
            } finally {
                inFlight.set(false);
            }
        }, workers);
    }

    /** Runs one scrape's append on the calling thread (tests call it directly with a body). */
    synchronized void process(Body body, Throwable err, long startMillis, long startNanos, long appendTime) {
        if (stopped) {
            release(body);
            return;
        }
        iter++;
        curSeen.clear();
        relabeledAway.clear();
        Counts n = new Counts();
        String error = null;
        if (err != null) {
            Throwable t = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
            error = t.getMessage() == null ? t.toString() : t.getMessage();
        }
        Appender app = storage.appender();
        try {
            if (error == null) {
                try {
                    appendBody(app, body, appendTime, n);
                } catch (ParseException | ScrapeException | InvalidLabelsException e) {
                    error = e.getMessage();
                    app.rollback();
                    app = storage.appender();
                    n.added = n.addedBeforeLimit; // what Prometheus reports after a limit failure
                    n.seriesAdded = 0;
                    curSeen.clear();
                }
            }
            appendStaleMarkers(app, appendTime, error != null);
            double duration = (System.nanoTime() - startNanos) / 1e9;
            appendReport(app, appendTime, error == null, duration, n);
            AppendResult r = app.commit();
            app = null;
            stats.samples.add(n.total);
            if (r.hasRejections()) {
                stats.rejected.add(r.samplesRejected());
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.fine("scrape of " + target + ": " + r.describe());
                }
            }
            target.report(startMillis, duration, error);
            if (error != null) {
                stats.failed.increment();
            }
        } catch (RuntimeException e) {
            if (app != null) {
                try {
                    app.rollback();
                } catch (RuntimeException ignored) {
                    // already the failure being reported
                }
            }
            target.report(startMillis, (System.nanoTime() - startNanos) / 1e9, "appending failed: " + e.getMessage());
            stats.failed.increment();
        } finally {
            release(body);
        }
        IntList t = prevSeen;
        prevSeen = curSeen;
        curSeen = t;
        lastAppendTime = appendTime;
        if (iter % CACHE_RETENTION_SCRAPES == 0) {
            int[] map = cache.evictOlderThan(iter - CACHE_RETENTION_SCRAPES);
            if (map != null) {
                prevSeen.remap(map);
            }
        }
    }

    private void release(Body body) {
        if (body != null) {
            pool.give(body.bytes());
        }
    }

    static final class Counts {
        long total;
        long added;
        long addedBeforeLimit;
        long seriesAdded;
    }

    private void appendBody(Appender app, Body body, long ts, Counts n) {
        ScrapeConfig c = config;
        String ct = body.contentType().toLowerCase(java.util.Locale.ROOT).trim();
        boolean om = ct.startsWith("application/openmetrics-text");
        boolean known = om || ct.startsWith("text/plain");
        if (!known && !c.fallbackProtocol().isEmpty()) {
            // fallback_scrape_protocol: a blank or unknown Content-Type is read as that protocol
            om = c.fallbackProtocol().startsWith("OpenMetrics");
        } else if (!ct.isEmpty() && !known) {
            throw new ScrapeException("received unsupported Content-Type \"" + body.contentType()
                + "\"; Gnomon reads text/plain (0.0.4, 1.0.0) and application/openmetrics-text (set fallback_scrape_protocol to read others)");
        }
        Target tg = target;
        long sampleLimit = c.sampleLimit();
        boolean honorTs = c.honorTimestamps();
        Map<String, String[]> meta = familyMeta;
        meta.clear();
        ExpositionParser p = parser.reset(body.bytes(), body.length(), om);
        byte[] buf = body.bytes();
        while (true) {
            ExpositionParser.Entry e = p.next();
            if (e == ExpositionParser.Entry.END) {
                break;
            }
            if (e != ExpositionParser.Entry.SERIES) {
                String[] m = meta.computeIfAbsent(p.metricName(), k -> new String[] {"unknown", "", ""});
                switch (e) {
                    case TYPE -> m[0] = p.familyType();
                    case HELP -> m[2] = p.text();
                    case UNIT -> m[1] = p.text();
                    default -> { }
                }
                continue;
            }
            n.total++;
            int s = p.seriesStart();
            int end = p.seriesEnd();
            long h = SeriesCache.hash(buf, s, end);
            int x = cache.get(buf, s, end, h);
            boolean isNew = false;
            if (x < 0) {
                // Resolved before it is cached: a series that fails a limit or the name validation
                // must fail the next scrape too, not come back as "dropped by relabeling".
                Labels resolved = resolveLabels(p, tg, c);
                x = cache.add(buf, s, end, h);
                cache.labels(x, resolved);
                cache.generation(x, generation);
                isNew = true;
            } else if (cache.generation(x) != generation) {
                Labels old = cache.labels(x);
                Labels now = resolveLabels(p, tg, c);
                cache.labels(x, now);
                cache.generation(x, generation);
                if (old != null && !old.equals(now)) {
                    cache.ref(x, 0);
                    if (cache.lastSeen(x) == iter - 1) {
                        relabeledAway.add(old); // the old series ends here
                    }
                }
            }
            cache.touch(x, iter);
            Labels labels = cache.labels(x);
            if (labels == null) {
                continue; // dropped by metric relabeling
            }
            n.added++;
            if (sampleLimit > 0 && n.added > sampleLimit) {
                continue; // counted; the scrape fails below
            }
            n.addedBeforeLimit = n.added;
            boolean explicit = honorTs && p.hasTimestamp();
            long t = explicit ? p.timestamp() : ts;
            long ref = app.append(cache.ref(x), labels, t, p.value());
            cache.ref(x, ref);
            if (isNew) {
                n.seriesAdded++;
            }
            if ((!explicit || c.trackTimestampsStaleness()) && cache.lastSeen(x) != iter) {
                cache.lastSeen(x, iter);
                curSeen.add(x);
            }
            if (p.hasExemplar()) {
                Labels.Builder eb = Labels.builder();
                p.exemplarLabels(eb);
                cache.ref(x, app.appendExemplar(ref, labels, new Exemplar(eb.build(), p.exemplarValue(),
                    p.exemplarHasTimestamp() ? p.exemplarTimestamp() : t, true)));
            }
        }
        if (sampleLimit > 0 && n.added > sampleLimit) {
            throw new ScrapeException("sample limit exceeded (number of samples: " + n.added + ", limit: " + sampleLimit + ")");
        }
        publishMetadata(app, tg, meta);
    }

    private void publishMetadata(Appender app, Target tg, Map<String, String[]> meta) {
        Map<String, Metadata> old = tg.metadata();
        boolean changed = old.size() != meta.size();
        Map<String, Metadata> next = new HashMap<>(meta.size() * 2);
        for (Map.Entry<String, String[]> e : meta.entrySet()) {
            String[] m = e.getValue();
            Metadata md = new Metadata(m[0], m[1], m[2]);
            next.put(e.getKey(), md);
            if (!md.equals(old.get(e.getKey()))) {
                changed = true;
                app.updateMetadata(0, Labels.of(Labels.METRIC_NAME, e.getKey()), md);
            }
        }
        if (changed) {
            tg.metadata(Map.copyOf(next));
        }
    }

    /** The final labels of a newly seen series, or null when metric relabeling drops it. */
    private Labels resolveLabels(ExpositionParser p, Target tg, ScrapeConfig c) {
        lb.reset();
        p.labels(lb);
        Labels exposed = lb.build();
        Labels tl = tg.labels();
        Labels.Builder b = exposed.toBuilder();
        if (c.honorLabels()) {
            for (int i = 0; i < tl.size(); i++) {
                if (!exposed.has(tl.name(i))) {
                    b.set(tl.name(i), tl.value(i));
                }
            }
        } else {
            java.util.List<String[]> conflicts = null;
            for (int i = 0; i < tl.size(); i++) {
                String existing = exposed.get(tl.name(i));
                if (!existing.isEmpty()) {
                    if (conflicts == null) {
                        conflicts = new ArrayList<>(2);
                    }
                    conflicts.add(new String[] {tl.name(i), existing});
                }
                b.set(tl.name(i), tl.value(i));
            }
            if (conflicts != null) {
                conflicts.sort((x, y) -> Integer.compare(x[0].length(), y[0].length()));
                for (String[] cf : conflicts) {
                    String name = "exported_" + cf[0];
                    while (!b.get(name).isEmpty()) {
                        name = "exported_" + name;
                    }
                    b.set(name, cf[1]);
                }
            }
        }
        Labels res = b.build();
        res = relabeler.process(res, c.metricRelabelConfigs());
        if (res == null) {
            return null;
        }
        if (res.metricName().isEmpty()) {
            throw new ScrapeException("missing metric name (__name__ label) after relabeling: " + res);
        }
        if (c.legacyNameValidation() && !legacyNames(res)) {
            throw new ScrapeException("invalid metric name or label names: " + res);
        }
        checkLimits(res, c);
        return res;
    }

    /** {@code metric_name_validation_scheme: legacy}: [a-zA-Z_:][a-zA-Z0-9_:]* names, [a-zA-Z_][a-zA-Z0-9_]* labels. */
    static boolean legacyNames(Labels l) {
        String name = l.metricName();
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!(ch == '_' || ch == ':' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (i > 0 && ch >= '0' && ch <= '9'))) {
                return false;
            }
        }
        for (int i = 0; i < l.size(); i++) {
            if (!l.name(i).equals(Labels.METRIC_NAME) && !Labels.isLegacyName(l.name(i))) {
                return false;
            }
        }
        return true;
    }

    private static void checkLimits(Labels l, ScrapeConfig c) {
        if (c.labelLimit() > 0 && l.size() > c.labelLimit()) {
            throw new ScrapeException("label_limit exceeded (metric: " + cut(l.metricName()) + ", number of labels: "
                + l.size() + ", limit: " + c.labelLimit() + ")");
        }
        if (c.labelNameLengthLimit() == 0 && c.labelValueLengthLimit() == 0) {
            return;
        }
        for (int i = 0; i < l.size(); i++) {
            String name = l.name(i);
            String value = l.value(i);
            if (c.labelNameLengthLimit() > 0 && name.length() > c.labelNameLengthLimit()) {
                throw new ScrapeException("label_name_length_limit exceeded (metric: " + cut(l.metricName())
                    + ", label name: " + cut(name) + ", length: " + name.length() + ", limit: " + c.labelNameLengthLimit() + ")");
            }
            if (c.labelValueLengthLimit() > 0 && value.length() > c.labelValueLengthLimit()) {
                throw new ScrapeException("label_value_length_limit exceeded (metric: " + cut(l.metricName())
                    + ", label name: " + cut(name) + ", value: " + Labels.quote(cut(value)) + ", length: " + value.length()
                    + ", limit: " + c.labelValueLengthLimit() + ")");
            }
        }
    }

    private static String cut(String s) {
        return s.length() <= 50 ? s : s.substring(0, 50);
    }

    private void appendStaleMarkers(Appender app, long ts, boolean all) {
        for (int i = 0; i < prevSeen.size(); i++) {
            int x = prevSeen.get(i);
            if ((all || cache.lastSeen(x) != iter) && cache.labels(x) != null) {
                cache.ref(x, app.append(cache.ref(x), cache.labels(x), ts, StaleNaN.VALUE));
            }
        }
        for (Labels l : relabeledAway) {
            app.append(0, l, ts, StaleNaN.VALUE);
        }
    }

    private void appendReport(Appender app, long ts, boolean up, double duration, Counts n) {
        Labels tl = target.labels();
        if (reportLabels == null || !reportLabelsFor(tl)) {
            reportLabels = new Labels[REPORT_NAMES.length];
            for (int i = 0; i < REPORT_NAMES.length; i++) {
                Labels.Builder b = tl.toBuilder();
                b.set(Labels.METRIC_NAME, REPORT_NAMES[i]);
                reportLabels[i] = b.build();
                reportRefs[i] = 0;
            }
        }
        double[] v = {up ? 1 : 0, duration, n.total, n.added, n.seriesAdded};
        for (int i = 0; i < v.length; i++) {
            reportRefs[i] = app.append(reportRefs[i], reportLabels[i], ts, v[i]);
        }
        reported = true;
    }

    private boolean reportLabelsFor(Labels tl) {
        Labels.Builder b = tl.toBuilder();
        b.set(Labels.METRIC_NAME, REPORT_NAMES[0]);
        return b.build().equals(reportLabels[0]);
    }

    /**
     * Stops scraping. With {@code staleMarkers}, the series of the last scrape and the synthetic
     * series get stale markers at the time the next scrape would have run (written then, unless the
     * whole manager shuts down first, as in Prometheus).
     */
    synchronized void stop(boolean staleMarkers) {
        if (stopped) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
        }
        if (!staleMarkers || lastAppendTime == Long.MIN_VALUE) {
            stopped = true;
            return;
        }
        long staleAt = lastAppendTime + target.interval().toMillis();
        long delay = Math.max(0, staleAt - System.currentTimeMillis());
        stopped = true;
        timer.schedule(() -> workers.execute(() -> writeEndOfRunStaleness(staleAt)), delay, TimeUnit.MILLISECONDS);
    }

    synchronized void writeEndOfRunStaleness(long ts) {
        Appender app = storage.appender();
        try {
            for (int i = 0; i < prevSeen.size(); i++) {
                int x = prevSeen.get(i);
                if (cache.labels(x) != null) {
                    app.append(cache.ref(x), cache.labels(x), ts, StaleNaN.VALUE);
                }
            }
            if (reported) {
                for (int i = 0; i < REPORT_NAMES.length; i++) {
                    app.append(reportRefs[i], reportLabels[i], ts, StaleNaN.VALUE);
                }
            }
            app.commit();
        } catch (RuntimeException e) {
            app.rollback();
            LOG.log(Level.WARNING, "writing stale markers for " + target + " failed", e);
        }
        prevSeen.clear();
    }

    /** A growable list of ints (entry ids). */
    static final class IntList {
        private int[] a = new int[64];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        int size() {
            return n;
        }

        void clear() {
            n = 0;
        }

        /** Applies an id mapping (-1 drops the element). */
        void remap(int[] map) {
            int m = 0;
            for (int i = 0; i < n; i++) {
                int v = map[a[i]];
                if (v >= 0) {
                    a[m++] = v;
                }
            }
            n = m;
        }
    }

    /** For tests: the number of cached series. */
    synchronized int cachedSeries() {
        return cache.size();
    }
}
