package io.gnomon.scrape.discovery;

import io.gnomon.scrape.config.HttpSdConfig;
import io.gnomon.scrape.config.TargetGroup;
import io.gnomon.scrape.http.ConfiguredHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * {@code http_sd_configs}: target groups from a JSON endpoint, fetched every
 * {@code refresh_interval} (the response must be 200 with {@code application/json}; at most
 * {@link #MAX_BODY_BYTES}). A failed refresh keeps the previous groups and is logged. Each group
 * gets {@code __meta_url}. The block's HTTP settings (authorization, OAuth 2.0, TLS, proxies) are
 * applied as for scrapes, by {@link ConfiguredHttpClient}.
 */
public final class HttpDiscovery implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(HttpDiscovery.class.getName());
    static final int MAX_BODY_BYTES = 16 << 20;

    private final String id;
    private final HttpSdConfig config;
    private final DiscoveryListener listener;
    private final ConfiguredHttpClient http;
    private volatile ScheduledFuture<?> task;
    private List<TargetGroup> last;
    private volatile String lastError = "";

    public HttpDiscovery(String id, HttpSdConfig config, DiscoveryListener listener) {
        this.id = id;
        this.config = config;
        this.listener = listener;
        this.http = new ConfiguredHttpClient(config.http(), config.url().startsWith("https:"), null, System.getenv(),
            "Gnomon/http-sd");
    }

    public synchronized void start(ScheduledExecutorService timer) {
        task = timer.scheduleWithFixedDelay(this::refresh, 0, config.refreshInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The last refresh error, or empty. */
    public String lastError() {
        return lastError;
    }

    void refresh() {
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(config.url())).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .header("X-Prometheus-Refresh-Interval-Seconds", Long.toString(config.refreshInterval().toSeconds()));
            HttpClient client;
            try {
                client = http.prepare(rb, Duration.ofSeconds(30)).get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable t = ConfiguredHttpClient.unwrap(e);
                throw new IllegalArgumentException(t.getMessage(), t);
            }
            HttpResponse<java.io.InputStream> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (var in = r.body()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("server returned HTTP status " + r.statusCode());
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new IllegalArgumentException("response larger than " + MAX_BODY_BYTES + " bytes");
            }
            String ct = r.headers().firstValue("Content-Type").orElse("");
            if (!ct.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
                throw new IllegalArgumentException("unsupported content type \"" + ct + "\"");
            }
            List<TargetGroup> groups = TargetGroupReader.read(new String(body, StandardCharsets.UTF_8), config.url(),
                "__meta_url", config.url());
            lastError = "";
            synchronized (this) {
                if (!groups.equals(last)) {
                    last = groups;
                    listener.update(id, groups);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = e instanceof java.io.IOException ? ConfiguredHttpClient.describe(e)
                : e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.warning("http discovery " + id + " (" + config.url() + ") failed, keeping the previous targets: " + lastError);
        }
    }

    @Override
    public void close() { // not synchronized: a refresh holding the lock may be calling into the pool
        if (task != null) {
            task.cancel(false);
        }
    }
}
