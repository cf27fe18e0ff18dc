package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gnomon.ingest.remotewrite.RemoteWriteLimits;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.ingest.remotewrite.WriteResponse;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2.42 as the sender: it scrapes a fixture and remote-writes to Gnomon; afterwards
 * the raw samples Prometheus holds equal those in Gnomon's head. And the sender's retry
 * behaviour against the receiver's answers: after a 400 it does not retry, after a 5xx or a 429
 * it does (read from Prometheus's own counters).
 */
class PrometheusRemoteWriteInteropTest {

    @TempDir
    Path tmp;

    /** A static text exposition whose counter moves with every scrape. */
    static HttpServer fixture(AtomicInteger scrapes) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.createContext("/metrics", ex -> {
            int n = scrapes.incrementAndGet();
            String body = """
                # HELP fixture_requests_total Requests handled.
                # TYPE fixture_requests_total counter
                fixture_requests_total{code="200",path="/a b"} %d
                fixture_requests_total{code="500",path="/x"} 3
                # HELP fixture_temperature_celsius Current temperature.
                # TYPE fixture_temperature_celsius gauge
                fixture_temperature_celsius{room="\u00fcn\u00efcode"} 21.5
                fixture_temperature_celsius{room="b"} -3.25e-05
                # HELP fixture_latency_seconds Latency.
                # TYPE fixture_latency_seconds summary
                fixture_latency_seconds{quantile="0.5"} 0.012
                fixture_latency_seconds_sum 12.5
                fixture_latency_seconds_count %d
                """.formatted(1000 + 7 * n, 1000 + n);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        return s;
    }

    @Test
    void prometheusScrapesAndRemoteWritesAndBothAnswerTheSame() throws Exception {
        String bin = PrometheusProcess.binary();
        assertTrue(bin != null);
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer fx = fixture(scrapes);
        Gnomon gnomon = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + tmp.resolve("gnomon")}), BuildInfo.load());
        int gport = gnomon.start().getPort();
        String config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: fixture
                static_configs:
                  - targets: ['127.0.0.1:%d']
            remote_write:
              - url: http://127.0.0.1:%d/api/v1/write
                queue_config:
                  batch_send_deadline: 500ms
                  min_backoff: 50ms
                  max_backoff: 500ms
                metadata_config:
                  send_interval: 1s
            """.formatted(fx.getAddress().getPort(), gport);
        try (PrometheusProcess prom = PrometheusProcess.start(tmp, freePort(), config)) {
            Head head = gnomon.head();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (count(head, "fixture_requests_total") < 10 || !gnomonMetadataHas(gnomon)) {
                if (System.nanoTime() > deadline) {
                    fail("samples did not arrive in Gnomon; samples=" + count(head, "fixture_requests_total")
                        + " prometheus log:\n" + prom.log());
                }
                Thread.sleep(200);
            }
            // Every series in Gnomon is complete up to t: remote write sends each series in order.
            Map<String, List<String>> ours = gnomonSamples(head);
            long t = Long.MAX_VALUE;
            for (Map.Entry<String, Long> e : lastTimestamps(head).entrySet()) {
                t = Math.min(t, e.getValue());
            }
            Map<String, List<String>> theirs = prometheusSamples(prom, t);
            Map<String, List<String>> oursUpToT = gnomonSamplesUpTo(head, t);
            assertTrue(theirs.size() >= 10, "series from Prometheus: " + theirs.keySet());
            assertEquals(theirs.keySet(), oursUpToT.keySet());
            for (String series : theirs.keySet()) {
                assertEquals(theirs.get(series), oursUpToT.get(series), series);
            }
            assertTrue(ours.size() >= theirs.size());
            assertEquals(0, gnomon.remoteWrite().requestsByStatusClass(4) + gnomon.remoteWrite().requestsByStatusClass(5));
            Metadata md = head.metadata().get("fixture_requests_total");
            assertEquals(new Metadata("counter", "", "Requests handled."), md);
        } finally {
            gnomon.close();
            fx.stop(0);
        }
    }

    @Test
    void senderRetries5xxAnd429ButNot400() throws Exception {
        PrometheusProcess.binary();
        AtomicInteger scrapes = new AtomicInteger();
        HttpServer fx = fixture(scrapes);
        // Three receivers: every series refused (400), storage failing (500), overloaded (429).
        RemoteWriteReceiver bad = new RemoteWriteReceiver(new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0)),
            RemoteWriteLimits.defaults().withMaxLabelValueLength(1));
        RemoteWriteReceiver failing = new RemoteWriteReceiver(FailingStorage::new, RemoteWriteLimits.defaults());
        CountDownLatch release = new CountDownLatch(1);
        Head busyHead = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0));
        AtomicInteger busyCalls = new AtomicInteger();
        RemoteWriteReceiver busy = new RemoteWriteReceiver(() -> {
            if (busyCalls.getAndIncrement() == 0) {
                await(release); // holds the only in-flight permit until the test ends
            }
            return busyHead.appender();
        }, RemoteWriteLimits.defaults().withMaxInflight(1));
        Map<String, AtomicInteger[]> statuses = new TreeMap<>();
        HttpServer rw = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        rw.setExecutor(Executors.newFixedThreadPool(8));
        serve(rw, "/bad", bad, statuses);
        serve(rw, "/fail", failing, statuses);
        serve(rw, "/busy", busy, statuses);
        rw.start();
        int port = rw.getAddress().getPort();
        String queue = """
                queue_config:
                  batch_send_deadline: 200ms
                  min_shards: 1
                  max_shards: 1
                  min_backoff: 50ms
                  max_backoff: 200ms
                  retry_on_http_429: true
            """;
        String config = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: fixture
                static_configs:
                  - targets: ['127.0.0.1:%d']
            remote_write:
              - name: bad
                url: http://127.0.0.1:%d/bad
            %s
              - name: fail
                url: http://127.0.0.1:%d/fail
            %s
              - name: busy
                url: http://127.0.0.1:%d/busy
                remote_timeout: 1s
            %s
            """.formatted(fx.getAddress().getPort(), port, queue, port, queue, port, queue);
        try (PrometheusProcess prom = PrometheusProcess.start(tmp, freePort(), config)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!(status(statuses, "/bad", 400) >= 2 && status(statuses, "/fail", 500) >= 3
                && status(statuses, "/busy", 429) >= 3)) {
                if (System.nanoTime() > deadline) {
                    fail("statuses served: " + describe(statuses) + "\nprometheus log:\n" + prom.log());
                }
                Thread.sleep(200);
            }
            String m = "prometheus_remote_storage_samples_retried_total";
            assertEquals(0.0, prom.metric(m, "remote_name=\"bad\""), "a 400 must not be retried");
            assertTrue(prom.metric("prometheus_remote_storage_samples_failed_total", "remote_name=\"bad\"") > 0,
                "a 400 is a permanent failure");
            assertTrue(prom.metric(m, "remote_name=\"fail\"") > 0, "a 500 is retried");
            assertTrue(prom.metric(m, "remote_name=\"busy\"") > 0, "a 429 is retried");
        } finally {
            release.countDown();
            rw.stop(0);
            ((java.util.concurrent.ExecutorService) rw.getExecutor()).shutdownNow();
            fx.stop(0);
        }
    }

    // ---------------------------------------------------------------- helpers

    static void serve(HttpServer server, String path, RemoteWriteReceiver receiver, Map<String, AtomicInteger[]> statuses) {
        synchronized (statuses) {
            AtomicInteger[] counts = new AtomicInteger[600];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new AtomicInteger();
            }
            statuses.put(path, counts);
        }
        server.createContext(path, ex -> {
            try (ex; InputStream in = ex.getRequestBody()) {
                byte[] body = in.readAllBytes();
                WriteResponse w = receiver.handle(ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestHeaders().getFirst("Content-Encoding"),
                    ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Write-Version"), body);
                statuses.get(path)[w.status()].incrementAndGet();
                w.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
                byte[] msg = w.message().getBytes(StandardCharsets.UTF_8);
                if (w.status() == 204) {
                    ex.sendResponseHeaders(204, -1);
                } else {
                    ex.sendResponseHeaders(w.status(), msg.length);
                    ex.getResponseBody().write(msg);
                }
            } catch (IOException e) {
                // the sender gave up (e.g. its timeout); nothing to answer
            }
        });
    }

    static int status(Map<String, AtomicInteger[]> statuses, String path, int code) {
        return statuses.get(path)[code].get();
    }

    static String describe(Map<String, AtomicInteger[]> statuses) {
        StringBuilder sb = new StringBuilder();
        statuses.forEach((p, c) -> {
            sb.append(p).append(':');
            for (int i = 0; i < c.length; i++) {
                if (c[i].get() > 0) {
                    sb.append(' ').append(i).append('=').append(c[i].get());
                }
            }
            sb.append("; ");
        });
        return sb.toString();
    }

    static void await(CountDownLatch l) {
        try {
            l.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A storage whose every commit fails: our own failure, so 500 and safe to retry. */
    static final class FailingStorage implements Appender {
        @Override
        public long append(long ref, Labels labels, long t, double v) {
            return 1;
        }

        @Override
        public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
            return 1;
        }

        @Override
        public long updateMetadata(long ref, Labels labels, Metadata metadata) {
            return 1;
        }

        @Override
        public AppendResult commit() {
            throw new IllegalStateException("storage failure injected by the test");
        }

        @Override
        public void rollback() {
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int count(Head head, String metric) {
        int n = 0;
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("__name__", metric));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next() != ValueType.NONE) {
                    n++;
                }
            }
        }
        return n;
    }

    static boolean gnomonMetadataHas(Gnomon g) {
        return g.head().metadata().containsKey("fixture_requests_total");
    }

    static Map<String, List<String>> gnomonSamples(Head head) {
        return gnomonSamplesUpTo(head, Long.MAX_VALUE);
    }

    /** Series of job="fixture" to "t@value" strings, stale markers left out as PromQL does. */
    static Map<String, List<String>> gnomonSamplesUpTo(Head head, long maxt) {
        Map<String, List<String>> out = new TreeMap<>();
        try (Querier q = head.querier(Long.MIN_VALUE, maxt)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.eq("job", "fixture"));
            while (ss.next()) {
                List<String> l = new java.util.ArrayList<>();
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    if (it.atT() <= maxt && !StaleNaN.is(it.atV())) {
                        l.add(it.atT() + "@" + it.atV());
                    }
                }
                out.put(ss.at().labels().toString(), l);
            }
        }
        return out;
    }

    static Map<String, Long> lastTimestamps(Head head) {
        Map<String, Long> out = new TreeMap<>();
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("job", "fixture"));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                long last = Long.MIN_VALUE;
                while (it.next() != ValueType.NONE) {
                    last = it.atT();
                }
                out.put(ss.at().labels().toString(), last);
            }
        }
        return out;
    }

    /** Raw samples of {job="fixture"}[5m] at t, from Prometheus's query API. */
    @SuppressWarnings("unchecked")
    static Map<String, List<String>> prometheusSamples(PrometheusProcess prom, long t) throws Exception {
        String time = BigDecimal.valueOf(t).movePointLeft(3).toPlainString();
        String q = URLEncoder.encode("{job=\"fixture\"}[5m]", StandardCharsets.UTF_8);
        String body = prom.get("/api/v1/query?query=" + q + "&time=" + time).body();
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(body);
        assertEquals("success", root.get("status"), body);
        List<Object> result = (List<Object>) ((Map<String, Object>) root.get("data")).get("result");
        Map<String, List<String>> out = new TreeMap<>();
        for (Object o : result) {
            Map<String, Object> series = (Map<String, Object>) o;
            Map<String, String> metric = new TreeMap<>();
            ((Map<String, Object>) series.get("metric")).forEach((k, v) -> metric.put(k, (String) v));
            List<String> l = new java.util.ArrayList<>();
            for (Object p : (List<Object>) series.get("values")) {
                List<Object> pair = (List<Object>) p;
                long ts = BigDecimal.valueOf((Double) pair.get(0)).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_UP)
                    .longValueExact();
                l.add(ts + "@" + parseValue((String) pair.get(1)));
            }
            out.put(Labels.fromMap(metric).toString(), l);
        }
        return out;
    }

    static double parseValue(String s) {
        return switch (s) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(s);
        };
    }
}
