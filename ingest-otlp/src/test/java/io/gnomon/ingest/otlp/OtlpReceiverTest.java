package io.gnomon.ingest.otlp;

import static io.gnomon.ingest.otlp.Otlp.exemplar;
import static io.gnomon.ingest.otlp.Otlp.gauge;
import static io.gnomon.ingest.otlp.Otlp.histogram;
import static io.gnomon.ingest.otlp.Otlp.hpoint;
import static io.gnomon.ingest.otlp.Otlp.point;
import static io.gnomon.ingest.otlp.Otlp.read;
import static io.gnomon.ingest.otlp.Otlp.request;
import static io.gnomon.ingest.otlp.Otlp.resource;
import static io.gnomon.ingest.otlp.Otlp.samples;
import static io.gnomon.ingest.otlp.Otlp.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.StaleNaN;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogram;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class OtlpReceiverTest {

    static final long T = 1_700_000_000_000L;

    final Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 1000));
    OtlpReceiver rx = new OtlpReceiver(head, OtlpOptions.defaults(), SeriesLookup.of(head, Long.MAX_VALUE / 4), () -> T);

    OtlpResponse send(ExportMetricsServiceRequest r) {
        byte[] b = r.toByteArray();
        return rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
    }

    static ExportMetricsServiceResponse decode(OtlpResponse r) throws Exception {
        return ExportMetricsServiceResponse.parseFrom(r.body());
    }

    @Test
    void gaugeCounterAndResourceLabels() throws Exception {
        OtlpResponse r = send(request(
            gauge("memory.usage", "By", point(0, T, 42, "area", "heap")),
            sum("http.requests", "{request}", true, false, point(T - 10_000, T, 7, "code", "200"))));
        assertEquals(200, r.status(), r.message());
        assertEquals(0, decode(r).getPartialSuccess().getRejectedDataPoints());
        Labels g = Labels.of("__name__", "memory_usage_bytes", "area", "heap", "job", "svc", "instance", "i1");
        assertEquals(1, samples(head, g).size());
        assertEquals(42, samples(head, g).get(0)[1]);
        Labels c = Labels.of("__name__", "http_requests_total", "code", "200", "job", "svc", "instance", "i1");
        List<double[]> cs = samples(head, c);
        // The start time becomes a zero sample (created timestamp), then the value.
        assertEquals(2, cs.size());
        assertArrayEquals(new double[] {T - 10_000, 0}, cs.get(0));
        assertArrayEquals(new double[] {T, 7}, cs.get(1));
        // Non-identifying resource attributes go to target_info.
        var ti = read(head, "target_info");
        assertEquals(1, ti.size());
        assertEquals(Labels.of("__name__", "target_info", "job", "svc", "instance", "i1", "host_name", "h"),
            ti.keySet().iterator().next());
        assertEquals("counter", head.metadata().get("http_requests_total").type());
    }

    @Test
    void namespaceJoinsJobAndPromotionIsConfigurable() {
        rx = new OtlpReceiver(head, OtlpOptions.builder().promoteResourceAttributes(List.of("host.name"))
            .promoteScopeMetadata(true).build(), SeriesLookup.NONE, () -> T);
        send(request(resource("service.name", "api", "service.namespace", "shop", "host.name", "h1"),
            gauge("up", "", point(0, T, 1))));
        var series = read(head, "up");
        assertEquals(Labels.of("__name__", "up", "job", "shop/api", "host_name", "h1", "otel_scope_name", "lib",
            "otel_scope_version", "1.0"), series.keySet().iterator().next());
    }

    @Test
    void histogramBecomesClassicSeriesWithExemplarOnItsBucket() {
        var p = hpoint(T - 60_000, T, new double[] {0.005, 0.1, 1}, new long[] {1, 2, 3, 4}, 12.5).toBuilder()
            .addExemplars(exemplar(0.05, T - 1, "0102030405060708090a0b0c0d0e0f10", "0102030405060708")).build();
        OtlpResponse r = send(request(histogram("rpc.duration", "s", false, p)));
        assertEquals(200, r.status(), r.message());
        var buckets = read(head, "rpc_duration_seconds_bucket");
        assertEquals(4, buckets.size());
        Labels le01 = Labels.of("__name__", "rpc_duration_seconds_bucket", "job", "svc", "instance", "i1", "le", "0.1");
        assertEquals(3, samples(head, le01).get(1)[1]);
        Labels inf = le01.toBuilder().set("le", "+Inf").build();
        assertEquals(10, samples(head, inf).get(1)[1]);
        assertEquals(12.5, read(head, "rpc_duration_seconds_sum").values().iterator().next().get(1)[1]);
        assertEquals(10, read(head, "rpc_duration_seconds_count").values().iterator().next().get(1)[1]);
        var ex = head.exemplars().select(0, Long.MAX_VALUE, List.<Matcher[]>of(new Matcher[] {
            Matcher.eq("__name__", "rpc_duration_seconds_bucket")}));
        assertEquals(1, ex.size());
        assertEquals("0.1", ex.get(0).seriesLabels().get("le"));
        assertEquals("0102030405060708090a0b0c0d0e0f10", ex.get(0).exemplars().get(0).labels().get("trace_id"));
        assertEquals("0102030405060708", ex.get(0).exemplars().get(0).labels().get("span_id"));
    }

    @Test
    void summaryQuantiles() {
        Metric m = Metric.newBuilder().setName("latency").setUnit("ms").setSummary(Summary.newBuilder()
            .addDataPoints(SummaryDataPoint.newBuilder().setTimeUnixNano(T * Otlp.MS).setCount(5).setSum(10)
                .addQuantileValues(SummaryDataPoint.ValueAtQuantile.newBuilder().setQuantile(0.99).setValue(3)))).build();
        assertEquals(200, send(request(m)).status());
        Labels q = Labels.of("__name__", "latency_milliseconds", "quantile", "0.99", "job", "svc", "instance", "i1");
        assertEquals(3, samples(head, q).get(0)[1]);
        assertEquals(5, read(head, "latency_milliseconds_count").values().iterator().next().get(0)[1]);
    }

    @Test
    void exponentialHistogramIsRejectedInThePartialSuccessNotDropped() throws Exception {
        Metric exp = Metric.newBuilder().setName("sizes").setExponentialHistogram(ExponentialHistogram.newBuilder()
            .addDataPoints(ExponentialHistogramDataPoint.newBuilder().setTimeUnixNano(T * Otlp.MS).setCount(1))).build();
        OtlpResponse r = send(request(exp, gauge("ok", "", point(0, T, 1))));
        assertEquals(200, r.status());
        var ps = decode(r).getPartialSuccess();
        assertEquals(1, ps.getRejectedDataPoints());
        assertTrue(ps.getErrorMessage().contains("exponential histograms are not supported"), ps.getErrorMessage());
        assertTrue(ps.getErrorMessage().contains("sizes"), ps.getErrorMessage());
        assertEquals(1, read(head, "ok").size());
    }

    @Test
    void noRecordedValueWritesAStaleMarker() {
        send(request(gauge("g", "", point(0, T, 1))));
        NumberDataPoint stale = NumberDataPoint.newBuilder().setTimeUnixNano((T + 1000) * Otlp.MS)
            .setFlags(DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE).build();
        assertEquals(200, send(request(gauge("g", "", stale))).status());
        var s = read(head, "g").values().iterator().next();
        assertEquals(2, s.size());
        assertTrue(StaleNaN.is(s.get(1)[1]));
    }

    @Test
    void jsonBodiesFollowOtlpRules() throws Exception {
        String json = """
            {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},
             "scopeMetrics":[{"scope":{"name":"x"},"metrics":[{"name":"hits","unit":"1",
               "sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[
                 {"startTimeUnixNano":"%d","timeUnixNano":"%d","asInt":"5",
                  "exemplars":[{"timeUnixNano":"%d","asDouble":1,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"}]}]}},
              {"name":"temp","gauge":{"dataPoints":[{"timeUnixNano":%d,"asDouble":21.5}]}},
              {"name":"old","sum":{"aggregation_temporality":"AGGREGATION_TEMPORALITY_CUMULATIVE","data_points":[{"time_unix_nano":"%d","as_double":2}]},"unknownField":7}]}]}]}
            """.formatted((T - 5000) * Otlp.MS, T * Otlp.MS, T * Otlp.MS, T * Otlp.MS, T * Otlp.MS);
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        OtlpResponse r = rx.handleHttp("application/json", null, b, 0, b.length);
        assertEquals(200, r.status(), r.message());
        assertEquals("application/json", r.contentType());
        assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(5, read(head, "hits_total").values().iterator().next().get(1)[1]);
        assertEquals(21.5, read(head, "temp").values().iterator().next().get(0)[1]);
        assertEquals(2, read(head, "old").values().iterator().next().get(0)[1]);
        var ex = head.exemplars().select(0, Long.MAX_VALUE, List.<Matcher[]>of(new Matcher[] {Matcher.eq("__name__", "hits_total")}));
        assertEquals("5b8efff798038103d269b633813fc60c", ex.get(0).exemplars().get(0).labels().get("trace_id"));
        assertEquals("eee19b7ec3c1b174", ex.get(0).exemplars().get(0).labels().get("span_id"));
    }

    @Test
    void badTraceIdInJsonIsA400() {
        String json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"a\",\"gauge\":{\"dataPoints\":"
            + "[{\"timeUnixNano\":\"1\",\"asDouble\":1,\"exemplars\":[{\"traceId\":\"zz8efff798038103d269b633813fc60c\"}]}]}}]}]}]}";
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        OtlpResponse r = rx.handleHttp("application/json", null, b, 0, b.length);
        assertEquals(400, r.status());
        assertTrue(r.message().contains("traceId"), r.message());
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("{\"code\":3"));
    }

    @Test
    void gzipAndContentTypeAndSizeAnswers() throws Exception {
        byte[] raw = request(gauge("z", "", point(0, T, 3))).toByteArray();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(raw);
        }
        byte[] gz = bos.toByteArray();
        assertEquals(200, rx.handleHttp("application/x-protobuf", "gzip", gz, 0, gz.length).status());
        assertEquals(1, read(head, "z").size());
        assertEquals(415, rx.handleHttp("text/plain", null, raw, 0, raw.length).status());
        assertEquals(415, rx.handleHttp(null, null, raw, 0, raw.length).status());
        assertEquals(415, rx.handleHttp("application/x-protobuf", "br", raw, 0, raw.length).status());
        assertEquals(400, rx.handleHttp("application/x-protobuf", "gzip", raw, 0, raw.length).status());
        OtlpResponse trunc = rx.handleHttp("application/x-protobuf", null, raw, 0, raw.length - 3);
        assertEquals(400, trunc.status());
        assertTrue(trunc.message().startsWith("malformed OTLP protobuf body"), trunc.message());
        OtlpReceiver small = new OtlpReceiver(head, OtlpOptions.builder().maxBodySize(10).maxDecompressedSize(20).build(),
            SeriesLookup.NONE, () -> T);
        assertEquals(413, small.handleHttp("application/x-protobuf", null, raw, 0, raw.length).status());
        OtlpReceiver smallD = new OtlpReceiver(head, OtlpOptions.builder().maxDecompressedSize(20).build(),
            SeriesLookup.NONE, () -> T);
        assertEquals(413, smallD.handleHttp("application/x-protobuf", "gzip", gz, 0, gz.length).status());
    }

    @Test
    void storageFailureIsRetryableAndWritesNothing() {
        OtlpReceiver broken = new OtlpReceiver(() -> {
            throw new IllegalStateException("not ready");
        }, OtlpOptions.defaults(), SeriesLookup.NONE, () -> T);
        byte[] b = request(gauge("z", "", point(0, T, 3))).toByteArray();
        OtlpResponse r = broken.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(503, r.status());
        assertTrue(r.retryAfterSeconds() > 0);
        assertEquals(GrpcAnswer.UNAVAILABLE, broken.handleGrpc(b, 0, b.length).status());
    }

    @Test
    void attributeLimitsRejectThePointNotTheRequest() throws Exception {
        rx = new OtlpReceiver(head, OtlpOptions.builder().maxAttributesPerPoint(3).maxValueLength(16).build(),
            SeriesLookup.NONE, () -> T);
        OtlpResponse r = send(request(gauge("g", "",
            point(0, T, 1, "a", "1", "b", "2", "c", "3", "d", "4"),
            point(0, T, 1, "a", "x".repeat(17)),
            point(0, T, 1, "a", "fine"))));
        var ps = decode(r).getPartialSuccess();
        assertEquals(2, ps.getRejectedDataPoints(), ps.getErrorMessage());
        assertTrue(ps.getErrorMessage().startsWith("attribute limits exceeded for metric \"g\""), ps.getErrorMessage());
        assertEquals(1, read(head, "g").size());
    }

    @Test
    void wirePathAndParsedPathStoreTheSame() throws Exception {
        // Protobuf bodies take the wire fast path (cache hits from the second request on); JSON
        // bodies are parsed whole. Both must store exactly the same series and samples.
        Head viaJson = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 1000));
        OtlpReceiver json = new OtlpReceiver(viaJson, OtlpOptions.defaults(), SeriesLookup.of(viaJson, Long.MAX_VALUE / 4), () -> T);
        for (int r = 0; r < 3; r++) {
            long t = T + r * 10_000L;
            ExportMetricsServiceRequest req = request(
                gauge("g", "By", point(0, t, r, "a", "1"), point(0, t, r + 10, "a", "2")),
                sum("c", "s", true, false, point(T - 5000, t, r * 3, "k", "v")),
                sum("d", "", true, true, point(t - 10_000, t, 2, "k", "v")),
                sum("u", "", false, false, point(0, t, -r)),
                histogram("h", "ms", r == 1, hpoint(t - 10_000, t, new double[] {1, 5}, new long[] {1, 2, r}, 4.5)),
                // runs of points with the same attributes (reused from the previous point), broken
                // by other series and by a superset of the attributes
                gauge("batch", "", point(0, t, 1, "a", "1"), point(0, t + 1, 2, "a", "1"), point(0, t + 2, 3, "a", "2"),
                    point(0, t + 3, 4, "a", "1"), point(0, t + 4, 5, "a", "1", "b", "x"), point(0, t + 5, 6, "a", "1"),
                    point(0, t + 6, 7, "a", "2"), point(0, t + 7, 8, "a", "2")));
            assertEquals(200, send(req).status());
            byte[] b = com.google.protobuf.util.JsonFormat.printer().print(req).getBytes(StandardCharsets.UTF_8);
            assertEquals(200, json.handleHttp("application/json", null, b, 0, b.length).status());
        }
        assertEquals(3, read(head, "batch").size());
        assertEquals(24, read(head, "batch").values().stream().mapToInt(List::size).sum(), "8 points in each of 3 requests");
        for (String name : new String[] {"g_bytes", "c_seconds_total", "d_total", "u", "h_milliseconds_bucket",
            "h_milliseconds_sum", "h_milliseconds_count", "target_info", "batch"}) {
            var a = read(head, name);
            var j = read(viaJson, name);
            assertEquals(j.keySet(), a.keySet(), name);
            for (Labels l : a.keySet()) {
                assertEquals(j.get(l).size(), a.get(l).size(), l.toString());
                for (int i = 0; i < a.get(l).size(); i++) {
                    assertArrayEquals(j.get(l).get(i), a.get(l).get(i), l + " sample " + i);
                }
            }
        }
    }

    @Test
    void grpcMessages() throws Exception {
        byte[] b = request(gauge("gr", "", point(0, T, 9))).toByteArray();
        GrpcAnswer a = rx.handleGrpc(b, 0, b.length);
        assertEquals(GrpcAnswer.OK, a.status());
        assertEquals(0, ExportMetricsServiceResponse.parseFrom(a.response()).getPartialSuccess().getRejectedDataPoints());
        assertEquals(GrpcAnswer.INVALID_ARGUMENT, rx.handleGrpc(b, 0, b.length - 2).status());
    }
}
