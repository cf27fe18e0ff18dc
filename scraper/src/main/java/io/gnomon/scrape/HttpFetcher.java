package io.gnomon.scrape;

import io.gnomon.scrape.config.HttpClientConfig;
import io.gnomon.scrape.http.ConfiguredHttpClient;
import io.gnomon.tsdb.codec.Gunzip;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetches scrape bodies with the JDK {@link HttpClient}, asynchronously: no thread waits on a slow
 * target. Chosen over a Netty client because the work per scrape is one request and a copy into a
 * pooled array; what costs CPU per sample is parsing and appending, which run on the scrape
 * workers either way, and the JDK client gives connection reuse, TLS, redirects and proxies
 * without a second pipeline to maintain. What the job's HTTP settings ask (TLS, authorization,
 * OAuth 2.0, proxies) is done by {@link ConfiguredHttpClient}, shared with HTTP discovery.
 *
 * <p>Bounded memory: the body is copied into a pooled array as it arrives and the exchange is
 * cancelled as soon as it passes the size limit; a gzip body is inflated after arrival with the
 * same limit on the inflated size (a small compressed body cannot inflate past it). Timeouts: the
 * request timeout covers the response headers and a scheduled deadline cancels a body that is
 * still arriving.
 */
final class HttpFetcher {

    /**
     * The Accept header Prometheus 3 sends with its default {@code scrape_protocols}; jobs send
     * the one the loader built from theirs ({@code ScrapeConfig.accept}).
     */
    static final String ACCEPT = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
        + "application/openmetrics-text;version=0.0.1;q=0.5,"
        + "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
        + "text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    private final ConfiguredHttpClient http;
    private final BufferPool pool;
    private final ScheduledExecutorService timer;
    private final String userAgent;

    HttpFetcher(HttpClientConfig config, boolean https, BufferPool pool, ScheduledExecutorService timer, String userAgent,
                java.util.concurrent.Executor ioExecutor, Map<String, String> env) {
        this.pool = pool;
        this.timer = timer;
        this.userAgent = userAgent;
        // The JDK client runs its callbacks on a small fixed pool shared by all clients instead of
        // each client's cached pool: fewer threads woken per response (profiled: the cached pool's
        // ~20 threads cost as much CPU as parsing at 1,000 targets). Everything run on it is
        // non-blocking. h2c upgrade on plain HTTP confuses some exporters; Prometheus speaks
        // HTTP/1.1 there too, so HTTP/2 is for https only.
        this.http = new ConfiguredHttpClient(config, https, ioExecutor, env, userAgent);
    }

    /**
     * Starts a scrape. The future completes with a {@link Body} (whose array the caller returns to
     * the pool) or fails with a {@link ScrapeException}. The timeout covers everything, an OAuth
     * 2.0 token request included.
     */
    CompletableFuture<Body> fetch(URI url, Duration timeout, long maxBytes, boolean gzip) {
        return fetch(url, timeout, maxBytes, gzip, ACCEPT);
    }

    /** As {@link #fetch(URI, Duration, long, boolean)} with the job's {@code Accept} header. */
    CompletableFuture<Body> fetch(URI url, Duration timeout, long maxBytes, boolean gzip, String accept) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).GET().timeout(timeout)
            .header("Accept", accept)
            .header("Accept-Encoding", gzip ? "gzip" : "identity")
            .header("User-Agent", userAgent)
            .header("X-Prometheus-Scrape-Timeout-Seconds", seconds(timeout));
        CompletableFuture<Body> out = new CompletableFuture<>();
        Collector collector = new Collector(maxBytes);
        java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            String waiting = !sending.get() && http.tokenUrl() != null ? " while waiting for the oauth2 token from " + http.tokenUrl() : "";
            ScrapeException late = new ScrapeException("context deadline exceeded (timeout "
                + io.gnomon.scrape.config.Durations.format(timeout) + ")" + waiting + http.clientCertificateHint());
            collector.abort(late);
            out.completeExceptionally(late); // also when still waiting for an OAuth 2.0 token
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        http.prepare(rb, timeout).whenComplete((client, perr) -> {
            if (perr != null) {
                deadline.cancel(false);
                Throwable t = ConfiguredHttpClient.unwrap(perr);
                out.completeExceptionally(t instanceof ScrapeException s ? s : new ScrapeException(t.getMessage(), t));
                return;
            }
            if (out.isDone()) {
                return;
            }
            sending.set(true);
            send(client, rb, collector, deadline, out, timeout);
        });
        return out;
    }

    private void send(HttpClient client, HttpRequest.Builder rb, Collector collector, ScheduledFuture<?> deadline,
                      CompletableFuture<Body> out, Duration timeout) {
        client.sendAsync(rb.build(), info -> {
            if (info.statusCode() != 200) {
                // The body of an error is not read: the collector cancels the exchange at once.
                collector.status = info.statusCode();
                collector.aborted = true;
                return collector;
            }
            collector.contentType = info.headers().firstValue("Content-Type").orElse("");
            collector.contentEncoding = info.headers().firstValue("Content-Encoding").orElse("");
            return collector;
        }).whenComplete((resp, err) -> {
            deadline.cancel(false);
            if (collector.status != 0) {
                collector.release();
                out.completeExceptionally(new ScrapeException(("server returned HTTP status " + collector.status
                    + " " + reason(collector.status)).trim()));
                return;
            }
            if (err != null) {
                collector.release();
                ScrapeException e = translate(err, timeout);
                String hint = http.clientCertificateHint();
                out.completeExceptionally(e.getMessage().endsWith(hint) ? e : new ScrapeException(e.getMessage() + hint, e.getCause()));
                return;
            }
            try {
                Body b = collector.finish(pool);
                if (!out.complete(b)) {
                    pool.give(b.bytes()); // the deadline won
                }
            } catch (ScrapeException e) {
                out.completeExceptionally(e);
            }
        });
    }

    private static ScrapeException translate(Throwable err, Duration timeout) {
        Throwable t = ConfiguredHttpClient.unwrap(err);
        if (t instanceof ScrapeException s) {
            return s;
        }
        if (t instanceof IOException && t.getCause() instanceof ScrapeException s) {
            return s;
        }
        if (t instanceof HttpTimeoutException) {
            return new ScrapeException("context deadline exceeded (timeout " + io.gnomon.scrape.config.Durations.format(timeout) + ")");
        }
        return new ScrapeException(ConfiguredHttpClient.describe(t), t);
    }

    private static String reason(int status) {
        return switch (status) {
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "";
        };
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 == 0) {
            return Long.toString(ms / 1000);
        }
        return java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros().toPlainString();
    }

    /** Collects the body into a pooled array, refusing more than the limit. */
    private final class Collector implements HttpResponse.BodySubscriber<Void> {
        private final long maxBytes;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean aborted;
        private byte[] buf;
        private int len;
        volatile int status;
        String contentType = "";
        String contentEncoding = "";

        Collector(long maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (aborted) {
                s.cancel();
                done.complete(null);
                return;
            }
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (aborted) {
                return;
            }
            for (ByteBuffer bb : items) {
                int n = bb.remaining();
                if ((long) len + n > maxBytes) {
                    abort(new ScrapeException("body size limit exceeded (limit " + maxBytes + " bytes)"));
                    return;
                }
                synchronized (this) {
                    if (buf == null) {
                        buf = pool.take(n);
                    } else if (len + n > buf.length) {
                        long grown = Math.max((long) len + n, Math.min(maxBytes, (long) buf.length * 2));
                        byte[] nb = new byte[(int) Math.min(Integer.MAX_VALUE - 16, grown)];
                        System.arraycopy(buf, 0, nb, 0, len);
                        pool.give(buf);
                        buf = nb;
                    }
                    bb.get(buf, len, n);
                    len += n;
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }

        void abort(ScrapeException e) {
            aborted = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            done.completeExceptionally(e);
        }

        synchronized void release() {
            pool.give(buf);
            buf = null;
        }

        synchronized Body finish(BufferPool pool) {
            byte[] b = buf == null ? pool.take(0) : buf;
            buf = null;
            if (contentEncoding.equalsIgnoreCase("gzip")) {
                try {
                    return new Body(inflate(b, len, pool), inflatedLength, contentType, "");
                } finally {
                    pool.give(b);
                }
            }
            return new Body(b, len, contentType, contentEncoding);
        }

        private int inflatedLength;

        private byte[] inflate(byte[] src, int n, BufferPool pool) {
            byte[] out = pool.take(Math.max(n * 4, 64 * 1024));
            Gunzip g = Gunzip.forThread();
            int o;
            try {
                o = g.inflate(src, 0, n, out, (int) Math.min(Integer.MAX_VALUE - 16, maxBytes));
            } catch (Gunzip.CorruptGzipException e) {
                pool.give(out);
                throw new ScrapeException("invalid gzip body: " + e.getMessage());
            }
            if (o < 0) {
                pool.give(out);
                throw new ScrapeException("body size limit exceeded (limit " + maxBytes + " bytes, after gzip decompression)");
            }
            byte[] result = g.output();
            if (result != out) {
                pool.give(out); // outgrown: the larger array carries the body
            }
            inflatedLength = o;
            return result;
        }
    }
}
