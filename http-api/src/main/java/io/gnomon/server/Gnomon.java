package io.gnomon.server;

import io.gnomon.http.GrpcServer;
import io.gnomon.http.HttpServer;
import io.gnomon.ingest.otlp.OtlpOptions;
import io.gnomon.ingest.otlp.OtlpReceiver;
import io.gnomon.ingest.otlp.SeriesLookup;
import io.gnomon.http.api.QueryApi;
import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.ingest.remotewrite.RemoteWriteLimits;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.http.Router;
import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.DbOptions;
import io.gnomon.http.api.AdminApi;
import io.gnomon.tsdb.ReplayProgress;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.wal.FsyncPolicy;
import io.gnomon.wal.WalOptions;
import io.gnomon.tsdb.metrics.MetricRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server: opens storage under {@code --storage.tsdb.path}, wires the HTTP routes and serves
 * until {@link #close()}. Start-up order: lock the data directory, open storage, bind HTTP
 * (answering 503 on {@code /-/ready} until storage is ready), then mark ready.
 */
public final class Gnomon implements Closeable {

    private static final Logger LOG = Logger.getLogger(Gnomon.class.getName());

    private final Flags flags;
    private final BuildInfo build;
    private final MetricRegistry registry = new MetricRegistry();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ReplayProgress replayProgress = new ReplayProgress();
    private final java.time.Instant startTime = java.time.Instant.now();
    private volatile StatusApi.ConfigState startupConfig =
        new StatusApi.ConfigState(ConfigLoader.embeddedDefaultYaml("localhost:9090"), true, startTime);
    private volatile boolean ready;
    private volatile String notReadyReason = "storage is starting";
    private FileChannel lockChannel;
    private FileLock lock;
    private volatile Db db;
    private HttpServer http;
    private RemoteWriteReceiver remoteWrite;
    private OtlpReceiver otlp;
    private volatile OtlpOptions otlpOptions = OtlpOptions.defaults();
    private io.gnomon.scrape.config.OtlpConfig startedOtlpConfig;
    private HttpServer otlpHttp;
    private GrpcServer otlpGrpc;
    private java.util.concurrent.ScheduledExecutorService otlpSweeper;
    private InetSocketAddress address;
    private volatile boolean closed;
    private volatile Scraping scraping;

    public Gnomon(Flags flags, BuildInfo build) {
        this.flags = flags;
        this.build = build;
    }

    /** Starts everything; returns when the server is ready. */
    public InetSocketAddress start() throws IOException, InterruptedException {
        // A configuration file that does not load stops start-up before anything else happens.
        io.gnomon.scrape.config.PrometheusConfig scrapeConfig = Scraping.loadConfig(flags.string("config.file"), "localhost:9090");
        otlpOptions = otlpOptions(scrapeConfig.otlp(), otlpOptions);
        startupConfig = new StatusApi.ConfigState(configText(), true, startTime);
        startedOtlpConfig = scrapeConfig.otlp();
        for (String f : flags.unknownFeatures()) {
            LOG.log(Level.WARNING, "unknown option for --enable-feature, ignored [option={0}]", f);
        }
        if (!flags.features().isEmpty()) {
            LOG.log(Level.INFO, "feature flags enabled [features={0}]", flags.features());
        }
        Path dataDir = Path.of(flags.string("storage.tsdb.path"));
        Files.createDirectories(dataDir);
        lockDataDir(dataDir);

        remoteWrite = new RemoteWriteReceiver(() -> {
            Db d = db;
            if (d == null) {
                // Answered as a retryable 5xx: the sender keeps the batch and tries again.
                throw new IllegalStateException("storage is not ready: " + notReadyReason);
            }
            return d.appender();
        }, remoteWriteLimits(flags));
        otlp = newOtlpReceiver();
        // Everything after binding is the WAL replay: say so from the first request on.
        notReadyReason = "replaying the write-ahead log";
        http = new HttpServer(new HttpServer.Options(flags.string("web.listen-address"),
            Math.max(64 * 1024 * 1024, remoteWrite.limits().maxBodySize()), (int) flags.duration("web.read-timeout").toSeconds(),
            (int) flags.integer("web.max-connections"), flags.string("web.cors.origin"),
            WebConfigFile.load(Path.of(flags.string("web.config.file")))), routes());
        address = http.start();
        startOtlpListeners();

        db = Db.open(dataDir, dbOptions(flags), replayProgress);
        registry.register(db.head());
        registry.register(db);
        registry.register(new JvmMetrics());
        registry.register(w -> RemoteWriteRoute.writeMetrics(remoteWrite, w));
        registry.register(w -> OtlpRoute.writeMetrics(otlp, w));
        registry.register(w -> w.family("gnomon_http_open_connections", "gauge", "Open HTTP connections.")
            .sample("gnomon_http_open_connections", http.openConnections()));
        registry.register(w -> w.family("gnomon_build_info", "gauge", "A metric with a constant '1' value labeled by version, revision and branch.")
            .sample("gnomon_build_info", 1, "version", build.version(), "revision", build.revision(), "branch", build.branch()));
        scraping = Scraping.start(flags.string("config.file"), scrapeConfig, db, build.version(), address);
        scraping.registerMetrics(registry);
        ready = true;
        notReadyReason = "";
        return address;
    }

    static RemoteWriteLimits remoteWriteLimits(Flags flags) {
        long inflight = flags.integer("web.remote-write.max-inflight");
        return new RemoteWriteLimits(
            (int) Math.min(Integer.MAX_VALUE - 8, flags.bytes("web.remote-write.max-body-size")),
            (int) Math.min(Integer.MAX_VALUE - 8, flags.bytes("web.remote-write.max-decompressed-size")),
            (int) flags.integer("web.remote-write.max-labels-per-series"),
            (int) flags.integer("web.remote-write.max-label-name-length"),
            (int) flags.integer("web.remote-write.max-label-value-length"),
            (int) flags.integer("web.remote-write.max-series-per-request"),
            inflight > 0 ? (int) inflight : RemoteWriteLimits.defaultMaxInflight());
    }

    public RemoteWriteReceiver remoteWrite() {
        return remoteWrite;
    }

    /**
     * OTLP options beyond the {@code otlp:} section of prometheus.yml (limits, delta staleness);
     * set before {@link #start()}, which lays the section's keys over them.
     */
    public Gnomon withOtlpOptions(OtlpOptions options) {
        this.otlpOptions = options;
        return this;
    }

    public OtlpReceiver otlp() {
        return otlp;
    }

    /** The OTel-standard OTLP/HTTP listener's address, or null when off. */
    public InetSocketAddress otlpHttpAddress() {
        return otlpHttpAddress;
    }

    /** The OTLP/gRPC listener's address, or null when off. */
    public InetSocketAddress otlpGrpcAddress() {
        return otlpGrpcAddress;
    }

    private InetSocketAddress otlpHttpAddress;
    private InetSocketAddress otlpGrpcAddress;

    /** OTLP over the storage; delta state is rebuilt from stored series (a day back) after a restart. */
    private OtlpReceiver newOtlpReceiver() {
        io.gnomon.tsdb.storage.Appendable storage = () -> {
            Db d = db;
            if (d == null) {
                throw new IllegalStateException("storage is not ready: " + notReadyReason);
            }
            return d.appender();
        };
        SeriesLookup lookup = (labels, out) -> {
            Db d = db;
            return d != null && SeriesLookup.of(d, 24 * 3600 * 1000L).last(labels, out);
        };
        OtlpReceiver rx = new OtlpReceiver(storage, otlpOptions, lookup);
        // Idle delta streams are marked stale even when no OTLP request comes in.
        long period = Math.max(1000, otlpOptions.deltaStalenessPeriod().toMillis() / 10);
        otlpSweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gnomon-otlp-delta-sweeper");
            t.setDaemon(true);
            return t;
        });
        otlpSweeper.scheduleWithFixedDelay(() -> {
            if (ready) {
                rx.evictStale(System.currentTimeMillis());
            }
        }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        return rx;
    }

    /** {@code --otlp.http.listen-address} (path /v1/metrics) and {@code --otlp.grpc.listen-address}. */
    private void startOtlpListeners() throws InterruptedException {
        String httpAddr = flags.string("otlp.http.listen-address");
        if (!httpAddr.isEmpty()) {
            Router r = new Router();
            r.add("/v1/metrics", Set.of(HttpMethod.POST), OtlpRoute.admission(otlp),
                req -> OtlpRoute.handle(otlp, req, () -> ready, () -> notReadyReason));
            otlpHttp = new HttpServer(new HttpServer.Options(httpAddr, otlp.options().maxBodySize(),
                (int) flags.duration("web.read-timeout").toSeconds(), (int) flags.integer("web.max-connections")), r);
            otlpHttpAddress = otlpHttp.start();
        }
        String grpcAddr = flags.string("otlp.grpc.listen-address");
        if (!grpcAddr.isEmpty()) {
            otlpGrpc = new GrpcServer(grpcAddr, otlp.options().maxDecompressedSize(),
                java.util.Map.of(OtlpRoute.GRPC_EXPORT, OtlpRoute.grpcMethod(otlp, () -> ready, () -> notReadyReason)));
            otlpGrpcAddress = otlpGrpc.start();
        }
    }

    /**
     * Storage options from the flags: the block range from {@code --storage.tsdb.min-block-duration},
     * retention from {@code --storage.tsdb.retention.time/.size}, the largest block from
     * {@code --storage.tsdb.max-block-duration} (0: derived from the retention time).
     */
    static DbOptions dbOptions(Flags flags) {
        HeadOptions head = new HeadOptions(flags.duration("storage.tsdb.min-block-duration").toMillis(),
            (int) flags.integer("storage.tsdb.max-exemplars"));
        return DbOptions.defaults(head, walOptions(flags))
            .withRetention(flags.duration("storage.tsdb.retention.time").toMillis(), flags.bytes("storage.tsdb.retention.size"))
            .withMaxBlockDuration(flags.duration("storage.tsdb.max-block-duration").toMillis());
    }

    static WalOptions walOptions(Flags flags) {
        return WalOptions.defaults()
            .withCompression(flags.bool("storage.tsdb.wal-compression"))
            .withFsyncPolicy(flags.string("storage.tsdb.wal-fsync").equals("always") ? FsyncPolicy.ALWAYS : FsyncPolicy.SEGMENT_AND_INTERVAL)
            .withFsyncIntervalMillis(flags.duration("storage.tsdb.wal-fsync-interval").toMillis());
    }

    private void lockDataDir(Path dataDir) throws IOException {
        lockChannel = FileChannel.open(dataDir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this same process
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("data directory is in use by another process [path=" + dataDir.toAbsolutePath() + "]");
        }
    }

    private Router routes() {
        Router r = new Router();
        r.get("/-/healthy", true, req -> Responses.text(HttpResponseStatus.OK, "Gnomon Server is Healthy.\n"));
        r.get("/-/ready", true, req -> ready
            ? Responses.text(HttpResponseStatus.OK, "Gnomon Server is Ready.\n")
            : Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "Service Unavailable: " + notReadyReason + "\n"));
        r.read("/api/v1/status/buildinfo", true, req -> Responses.success(buildInfoJson()));
        r.add("/api/v1/write", Set.of(HttpMethod.POST), RemoteWriteRoute.admission(remoteWrite), req -> {
            if (!flags.bool("web.enable-remote-write-receiver")) {
                return Responses.text(HttpResponseStatus.NOT_FOUND,
                    "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n");
            }
            if (!ready) {
                return Responses.text(HttpResponseStatus.SERVICE_UNAVAILABLE, "Service Unavailable: " + notReadyReason + "\n");
            }
            return RemoteWriteRoute.handle(remoteWrite, req);
        });
        new StatusApi(flags, replayProgress, this::configState).register(r);
        r.add("/api/v1/otlp/v1/metrics", Set.of(HttpMethod.POST), OtlpRoute.admission(otlp), req -> {
            if (!flags.bool("web.enable-otlp-receiver")) {
                return Responses.text(HttpResponseStatus.NOT_FOUND,
                    "OTLP receiver needs to be enabled with --web.enable-otlp-receiver\n");
            }
            return OtlpRoute.handle(otlp, req, () -> ready, () -> notReadyReason);
        });
        r.read("/api/v1/metadata", false, req -> MetadataApi.handle(db == null ? null : db.head(), req));
        r.get("/metrics", false, req -> Responses.bytes(HttpResponseStatus.OK,
            "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8)));
        r.add("/-/quit", Set.of(HttpMethod.POST, HttpMethod.PUT), true, req -> {
            if (!flags.bool("web.enable-lifecycle")) {
                return Responses.text(HttpResponseStatus.FORBIDDEN, "Lifecycle API is not enabled.\n");
            }
            stopped.countDown();
            return Responses.text(HttpResponseStatus.OK, "Requesting termination... Goodbye!\n");
        });
        r.read("/api/v1/targets", false, req -> TargetsApi.targets(scraping == null ? null : scraping.manager(), req));
        r.read("/api/v1/targets/metadata", false, req -> TargetsApi.metadata(scraping == null ? null : scraping.manager(), req));
        r.add("/-/reload", Set.of(HttpMethod.POST, HttpMethod.PUT), false, req -> {
            if (!flags.bool("web.enable-lifecycle")) {
                return Responses.text(HttpResponseStatus.FORBIDDEN, "Lifecycle API is not enabled.\n");
            }
            try {
                reloadConfig();
                return Responses.text(HttpResponseStatus.OK, "");
            } catch (RuntimeException e) {
                return Responses.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "failed to reload config: " + e.getMessage() + "\n");
            }
        });
        new QueryApi(() -> {
            Db d = db;
            if (d == null) {
                throw new QueryApi.Unavailable("storage is not ready: " + notReadyReason);
            }
            return d;
        }, new Engine((int) flags.integer("query.max-concurrency")), queryOptions(flags), flags.asMap()).register(r);
        new AdminApi(() -> {
            Db d = db;
            if (d == null) {
                throw new QueryApi.Unavailable("storage is not ready: " + notReadyReason);
            }
            return d;
        }, flags.bool("web.enable-admin-api")).register(r);
        return r;
    }

    /** The text of {@code --config.file}, or the embedded default's; read once at start-up. */
    private String configText() throws IOException {
        String file = flags.string("config.file");
        return file.isEmpty() ? ConfigLoader.embeddedDefaultYaml("localhost:9090") : Files.readString(Path.of(file));
    }

    /** The configuration served by {@code status/config}: the one in effect. */
    private StatusApi.ConfigState configState() {
        Scraping sc = scraping;
        if (sc != null) {
            // The configuration in effect: a refused reload leaves it (and reports the failure).
            return new StatusApi.ConfigState(sc.yaml(), sc.lastReloadSuccessful(), sc.lastSuccess());
        }
        // Before scraping starts (WAL replay): the file as read at start-up, never re-read here
        // (this route runs on the event loop).
        return startupConfig;
    }

    static QueryOptions queryOptions(Flags flags) {
        return QueryOptions.defaults()
            .withLookbackDelta(flags.duration("query.lookback-delta"))
            .withTimeout(flags.duration("query.timeout"))
            .withMaxSamples(flags.integer("query.max-samples"))
            .withStartTimestamps(flags.features().contains("use-start-timestamps"));
    }

    private String buildInfoJson() {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "version", BuildInfo.PROMETHEUS_COMPATIBLE_VERSION).append(',');
        field(sb, "revision", build.revision()).append(',');
        field(sb, "branch", build.branch()).append(',');
        field(sb, "buildUser", "gnomon").append(',');
        field(sb, "buildDate", build.buildDate()).append(',');
        field(sb, "goVersion", "java" + System.getProperty("java.version")).append(',');
        field(sb, "gnomonVersion", build.version());
        return sb.append('}').toString();
    }

    private static StringBuilder field(StringBuilder sb, String k, String v) {
        Json.appendQuoted(sb, k);
        sb.append(':');
        Json.appendQuoted(sb, v);
        return sb;
    }

    public InetSocketAddress address() {
        return address;
    }

    public Head head() {
        return db.head();
    }

    /** The database; null before {@link #start()}. */
    public Db db() {
        return db;
    }

    public boolean isReady() {
        return ready;
    }

    /**
     * Reloads {@code --config.file} (SIGHUP, {@code POST /-/reload}). A file that does not load
     * throws with its file:line:field error and the running configuration stays.
     */
    public void reloadConfig() {
        Scraping s = scraping;
        if (s == null) {
            throw new IllegalStateException("the server is not started");
        }
        s.reload();
        io.gnomon.scrape.config.PrometheusConfig now = s.config();
        if (now != null && !now.otlp().equals(startedOtlpConfig)) {
            LOG.warning("the otlp: section changed; OTLP translation keeps the settings it started with until a restart");
        }
    }

    /** The {@code otlp:} section of prometheus.yml laid over {@code base}. */
    static OtlpOptions otlpOptions(io.gnomon.scrape.config.OtlpConfig c, OtlpOptions base) {
        if (c.convertHistogramsToNhcb()) {
            LOG.warning("otlp.convert_histograms_to_nhcb: native histograms are not stored yet; "
                + "OTLP histograms are written as classic _bucket/_sum/_count series");
        }
        return base.toBuilder()
            .translationStrategy(io.gnomon.ingest.otlp.TranslationStrategy.valueOf(c.translationStrategy()))
            .promoteResourceAttributes(c.promoteResourceAttributes())
            .promoteAllResourceAttributes(c.promoteAllResourceAttributes())
            .ignoreResourceAttributes(c.ignoreResourceAttributes())
            .keepIdentifyingResourceAttributes(c.keepIdentifyingResourceAttributes())
            .promoteScopeMetadata(c.promoteScopeMetadata())
            .build();
    }

    /** The scrape manager; null before {@link #start()} finishes. */
    public io.gnomon.scrape.ScrapeManager scrapeManager() {
        Scraping s = scraping;
        return s == null ? null : s.manager();
    }

    /** Makes {@link #awaitStop()} return, e.g. on a signal; the caller then closes. */
    public void requestStop() {
        stopped.countDown();
    }

    /** Blocks until {@code /-/quit} is called or {@link #close()} runs. */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops HTTP (in-flight requests finish), closes storage, releases the lock. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ready = false;
        notReadyReason = "shutting down";
        if (http != null) {
            http.close();
        }
        if (scraping != null) {
            scraping.close();
        }
        if (otlpHttp != null) {
            otlpHttp.close();
        }
        if (otlpGrpc != null) {
            otlpGrpc.close();
        }
        if (otlpSweeper != null) {
            otlpSweeper.shutdownNow();
        }
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException e) {
                LOG.warning("closing storage failed: " + e);
            }
        }
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warning("releasing the data directory lock failed: " + e);
        }
        stopped.countDown();
    }
}
