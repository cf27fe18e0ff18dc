package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.Result;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenTelemetry Java SDK exports counters, up-down counters, gauges and histograms with
 * cumulative and delta temporality over OTLP/HTTP protobuf (main port and the OTel-standard
 * listener), OTLP/HTTP JSON and OTLP/gRPC to a running Gnomon; PromQL over the stored series then
 * gives back exactly what the SDK recorded.
 *
 * <p>JSON: the SDK's HTTP exporter only sends protobuf, so the JSON case uses the SDK's own OTLP
 * JSON marshaler ({@code MetricsRequestMarshaler.writeJsonTo}, the one behind its
 * {@code logging-otlp} exporter: hex ids, integer enums, lowerCamelCase) on the SDK-collected data
 * and POSTs that with the JDK HTTP client.
 */
class OtlpSdkEndToEndTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static String otelHttp;
    static String grpc;
    static final HttpClient client = HttpClient.newHttpClient();
    static final Engine engine = new Engine(2);

    @BeforeAll
    static void start() throws Exception {
        Flags flags = Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dataDir,
            "--otlp.http.listen-address=127.0.0.1:0", "--otlp.grpc.listen-address=127.0.0.1:0"});
        server = new Gnomon(flags, BuildInfo.load());
        base = "http://127.0.0.1:" + server.start().getPort();
        otelHttp = "http://127.0.0.1:" + server.otlpHttpAddress().getPort();
        grpc = "http://127.0.0.1:" + server.otlpGrpcAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** JSON over HTTP, marshaled by the SDK's own OTLP JSON marshaler. */
    static final class JsonExporter implements MetricExporter {
        final AggregationTemporalitySelector temporality;
        final AtomicLong failures = new AtomicLong();

        JsonExporter(AggregationTemporalitySelector temporality) {
            this.temporality = temporality;
        }

        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                MetricsRequestMarshaler.create(metrics).writeJsonTo(out);
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/otlp/v1/metrics"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray()))
                    .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("{}", r.body());
                return CompletableResultCode.ofSuccess();
            } catch (Exception e) {
                failures.incrementAndGet();
                return CompletableResultCode.ofFailure();
            }
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType type) {
            return temporality.getAggregationTemporality(type);
        }
    }

    static MetricExporter exporter(String transport, AggregationTemporalitySelector t) {
        return switch (transport) {
            case "http" -> OtlpHttpMetricExporter.builder().setEndpoint(base + "/api/v1/otlp/v1/metrics")
                .setAggregationTemporalitySelector(t).build();
            case "otelhttp" -> OtlpHttpMetricExporter.builder().setEndpoint(otelHttp + "/v1/metrics")
                .setCompression("gzip").setAggregationTemporalitySelector(t).build();
            case "grpc" -> OtlpGrpcMetricExporter.builder().setEndpoint(grpc).setCompression("gzip")
                .setAggregationTemporalitySelector(t).build();
            case "json" -> new JsonExporter(t);
            default -> throw new IllegalArgumentException(transport);
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"http,cumulative", "http,delta", "otelhttp,cumulative", "otelhttp,delta", "json,cumulative",
        "json,delta", "grpc,cumulative", "grpc,delta"})
    void sdkDataComesBackThroughPromQL(String transport, String temporality) throws Exception {
        AggregationTemporalitySelector sel = temporality.equals("delta") ? AggregationTemporalitySelector.deltaPreferred()
            : AggregationTemporalitySelector.alwaysCumulative();
        String job = transport + "-" + temporality;
        MetricExporter exp = exporter(transport, sel);
        PeriodicMetricReader reader = PeriodicMetricReader.builder(exp).setInterval(Duration.ofHours(1)).build();
        SdkMeterProvider provider = SdkMeterProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), job,
                AttributeKey.stringKey("service.instance.id"), "i-1"))))
            .registerMetricReader(reader).build();
        Meter meter = provider.get("e2e");
        LongCounter requests = meter.counterBuilder("app.requests").setUnit("{request}").build();
        LongUpDownCounter queue = meter.upDownCounterBuilder("app.queue.length").build();
        DoubleHistogram latency = meter.histogramBuilder("app.latency").setUnit("ms").build();
        AtomicLong temperature = new AtomicLong(20);
        meter.gaugeBuilder("app.temperature").setUnit("Cel").buildWithCallback(m -> m.record(temperature.get()));

        Attributes a = Attributes.of(AttributeKey.stringKey("route"), "/x");
        long[][] rounds = {{3, 2}, {5, -1}, {0, 4}};
        double[][] latencies = {{1, 2}, {3}, {7}};
        long total = 0;
        long queueLen = 0;
        Thread.sleep(5); // the start time (the provider's start) and the first export in distinct milliseconds
        for (int r = 0; r < rounds.length; r++) {
            requests.add(rounds[r][0], a);
            total += rounds[r][0];
            queue.add(rounds[r][1]);
            queueLen += rounds[r][1];
            for (double l : latencies[r]) {
                latency.record(l, a);
            }
            temperature.set(20 + r);
            assertTrue(reader.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), job + " export " + r);
            Thread.sleep(5); // distinct millisecond timestamps
        }
        provider.shutdown().join(10, TimeUnit.SECONDS);

        String sel1 = "{job=\"" + job + "\",instance=\"i-1\",route=\"/x\"}";
        long t = lastTimestamp("app_requests_total", job);
        // At the last sample, with the start-time zero first, increase() needs no extrapolation.
        assertEquals(total, query("increase(app_requests_total" + sel1 + "[1h])", t), 1e-9, job);
        assertEquals(total / 3600.0, query("rate(app_requests_total" + sel1 + "[1h])", t), 1e-12, job);
        assertEquals(queueLen, query("app_queue_length{job=\"" + job + "\"}", lastTimestamp("app_queue_length", job)), 0, job);
        assertEquals(22, query("app_temperature_celsius{job=\"" + job + "\"}", lastTimestamp("app_temperature_celsius", job)), 0, job);
        long th = lastTimestamp("app_latency_milliseconds_count", job);
        assertEquals(4, query("increase(app_latency_milliseconds_count" + sel1 + "[1h])", th), 1e-9, job);
        assertEquals(13, query("increase(app_latency_milliseconds_sum" + sel1 + "[1h])", th), 1e-9, job);
        // SDK default buckets 0, 5, 10, ...: 1, 2, 3 in (0, 5], 7 in (5, 10]; the median interpolates
        // in (0, 5] at rank 2 of 3: 5 * 2/3.
        assertEquals(10.0 / 3, query("histogram_quantile(0.5, sum by (le) (increase(app_latency_milliseconds_bucket"
            + sel1 + "[1h])))", th), 1e-9, job);
        // The SDK's telemetry.sdk.* resource attributes form target_info.
        assertEquals(1, query("count(target_info{job=\"" + job + "\",telemetry_sdk_language=\"java\"})", th), 0, job);
    }

    static double query(String q, long t) {
        Result r = engine.instantQuery(server.db(), q, t, QueryOptions.defaults());
        Vector v = (Vector) r.value();
        assertEquals(1, v.size(), q + " -> " + v);
        return v.v(0);
    }

    static long lastTimestamp(String metric, String job) {
        long last = Long.MIN_VALUE;
        try (Querier q = server.db().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("__name__", metric), Matcher.eq("job", job));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    last = Math.max(last, it.atT());
                }
            }
        }
        assertTrue(last != Long.MIN_VALUE, "no samples for " + metric + " of " + job);
        return last;
    }
}
