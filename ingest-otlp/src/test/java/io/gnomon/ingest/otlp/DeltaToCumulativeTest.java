package io.gnomon.ingest.otlp;

import static io.gnomon.ingest.otlp.Otlp.histogram;
import static io.gnomon.ingest.otlp.Otlp.hpoint;
import static io.gnomon.ingest.otlp.Otlp.point;
import static io.gnomon.ingest.otlp.Otlp.read;
import static io.gnomon.ingest.otlp.Otlp.request;
import static io.gnomon.ingest.otlp.Otlp.samples;
import static io.gnomon.ingest.otlp.Otlp.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.StaleNaN;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeltaToCumulativeTest {

    static final long T = 1_700_000_000_000L;
    static final Labels C = Labels.of("__name__", "jobs_total", "job", "svc", "instance", "i1");

    final Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 1000));
    final AtomicLong now = new AtomicLong(T);
    OtlpReceiver rx = receiver(head, OtlpOptions.defaults());

    OtlpReceiver receiver(Head h, OtlpOptions o) {
        return new OtlpReceiver(h, o, SeriesLookup.of(h, Long.MAX_VALUE / 4), now::get);
    }

    ExportMetricsServiceResponse send(OtlpReceiver r, ExportMetricsServiceRequest req) throws Exception {
        byte[] b = req.toByteArray();
        OtlpResponse resp = r.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(200, resp.status(), resp.message());
        return ExportMetricsServiceResponse.parseFrom(resp.body());
    }

    static ExportMetricsServiceRequest delta(long start, long end, double v) {
        return request(sum("jobs", "", true, true, point(start, end, v)));
    }

    @Test
    void consecutiveDeltasAccumulate() throws Exception {
        send(rx, delta(T, T + 10_000, 3));
        send(rx, delta(T + 10_000, T + 20_000, 4));
        send(rx, delta(T + 20_000, T + 30_000, 0));
        List<double[]> s = samples(head, C);
        assertEquals(4, s.size());
        assertArrayEquals(new double[] {T, 0}, s.get(0)); // zero at the start of the run
        assertArrayEquals(new double[] {T + 10_000, 3}, s.get(1));
        assertArrayEquals(new double[] {T + 20_000, 7}, s.get(2));
        assertArrayEquals(new double[] {T + 30_000, 7}, s.get(3));
    }

    @Test
    void aGapStartsANewRunAndAnOverlapIsRejected() throws Exception {
        send(rx, delta(T, T + 10_000, 3));
        send(rx, delta(T + 15_000, T + 20_000, 2)); // gap: new run (a counter reset) from a zero at its start
        var ps = send(rx, delta(T + 18_000, T + 25_000, 5)).getPartialSuccess(); // overlaps (.., T+20s]
        assertEquals(1, ps.getRejectedDataPoints());
        assertTrue(ps.getErrorMessage().startsWith("delta interval overlaps"), ps.getErrorMessage());
        List<double[]> s = samples(head, C);
        assertEquals(4, s.size());
        assertArrayEquals(new double[] {T + 15_000, 0}, s.get(2));
        assertArrayEquals(new double[] {T + 20_000, 2}, s.get(3));
        // The same delta sent twice is an overlap, not double counting.
        send(rx, delta(T + 20_000, T + 30_000, 1));
        assertEquals(1, send(rx, delta(T + 20_000, T + 30_000, 1)).getPartialSuccess().getRejectedDataPoints());
        assertEquals(3, samples(head, C).get(4)[1]);
    }

    @Test
    void streamBoundRefusesNewStreamsOnly() throws Exception {
        rx = receiver(head, OtlpOptions.builder().maxDeltaStreams(1).build());
        send(rx, request(sum("jobs", "", true, true, point(T, T + 10_000, 1, "k", "a"))));
        var ps = send(rx, request(sum("jobs", "", true, true, point(T, T + 10_000, 1, "k", "b"),
            point(T, T + 10_000, 1, "k", "a").toBuilder().setStartTimeUnixNano((T + 10_000) * Otlp.MS)
                .setTimeUnixNano((T + 20_000) * Otlp.MS).build()))).getPartialSuccess();
        assertEquals(1, ps.getRejectedDataPoints());
        assertTrue(ps.getErrorMessage().startsWith("too many delta streams"), ps.getErrorMessage());
        assertEquals(1, read(head, "jobs_total").size());
        assertEquals(2, samples(head, C.toBuilder().set("k", "a").build()).get(2)[1]);
    }

    @Test
    void idleStreamsAreEvictedWithAStaleMarker() throws Exception {
        rx = receiver(head, OtlpOptions.builder().deltaStalenessPeriod(Duration.ofMinutes(5)).build());
        send(rx, delta(T, T + 10_000, 3));
        assertEquals(1, rx.deltaStore().size());
        now.set(T + 10_000 + Duration.ofMinutes(6).toMillis());
        assertEquals(1, rx.evictStale(now.get()));
        assertEquals(0, rx.deltaStore().size());
        List<double[]> s = samples(head, C);
        assertTrue(StaleNaN.is(s.get(s.size() - 1)[1]));
        // The stream comes back: a new run, not a continuation of the evicted one.
        send(rx, delta(T + 400_000, T + 410_000, 2));
        assertEquals(2, samples(head, C).get(samples(head, C).size() - 1)[1]);
    }

    @Test
    void aRestartContinuesFromTheStoredSeries() throws Exception {
        send(rx, delta(T, T + 10_000, 3));
        send(rx, delta(T + 10_000, T + 20_000, 4));
        // A new receiver over the same storage: the state is rebuilt from the stored series.
        OtlpReceiver restarted = receiver(head, OtlpOptions.defaults());
        send(restarted, delta(T + 20_000, T + 30_000, 5));
        List<double[]> s = samples(head, C);
        assertArrayEquals(new double[] {T + 30_000, 12}, s.get(s.size() - 1));
        // A delta the old process had already added (its answer lost) is an overlap, not counted twice.
        OtlpReceiver again = receiver(head, OtlpOptions.defaults());
        assertEquals(1, send(again, delta(T + 20_000, T + 30_000, 5)).getPartialSuccess().getRejectedDataPoints());
    }

    @Test
    void deltaHistogramsAccumulateAndSurviveARestart() throws Exception {
        double[] b = {1, 10};
        send(rx, request(histogram("lat", "s", true, hpoint(T, T + 10_000, b, new long[] {1, 2, 0}, 5))));
        send(rx, request(histogram("lat", "s", true, hpoint(T + 10_000, T + 20_000, b, new long[] {0, 1, 1}, 20))));
        Labels le10 = Labels.of("__name__", "lat_seconds_bucket", "job", "svc", "instance", "i1", "le", "10");
        Labels inf = le10.toBuilder().set("le", "+Inf").build();
        Labels count = Labels.of("__name__", "lat_seconds_count", "job", "svc", "instance", "i1");
        Labels sumL = Labels.of("__name__", "lat_seconds_sum", "job", "svc", "instance", "i1");
        assertEquals(4, samples(head, le10).get(2)[1]);
        assertEquals(5, samples(head, inf).get(2)[1]);
        assertEquals(25, samples(head, sumL).get(2)[1]);
        OtlpReceiver restarted = receiver(head, OtlpOptions.defaults());
        send(restarted, request(histogram("lat", "s", true, hpoint(T + 20_000, T + 30_000, b, new long[] {1, 0, 0}, 0.5))));
        assertEquals(5, samples(head, le10).get(3)[1]);
        assertEquals(6, samples(head, count).get(3)[1]);
        assertEquals(25.5, samples(head, sumL).get(3)[1]);
    }

    @Test
    void aFailedCommitLeavesNoDeltaState() throws Exception {
        AtomicBoolean fail = new AtomicBoolean();
        io.gnomon.tsdb.storage.Appendable flaky = () -> {
            Appender a = head.appender();
            return new Appender() {
                public long append(long ref, Labels l, long t, double v) {
                    return a.append(ref, l, t, v);
                }

                public long appendExemplar(long ref, Labels l, Exemplar e) {
                    return a.appendExemplar(ref, l, e);
                }

                public long updateMetadata(long ref, Labels l, Metadata m) {
                    return a.updateMetadata(ref, l, m);
                }

                public long appendCreatedTimestamp(long ref, Labels l, long t, long ct) {
                    return a.appendCreatedTimestamp(ref, l, t, ct);
                }

                public AppendResult commit() {
                    if (fail.get()) {
                        a.rollback();
                        throw new IllegalStateException("disk full");
                    }
                    return a.commit();
                }

                public void rollback() {
                    a.rollback();
                }
            };
        };
        rx = new OtlpReceiver(flaky, OtlpOptions.defaults(), SeriesLookup.of(head, Long.MAX_VALUE / 4), now::get);
        send(rx, delta(T, T + 10_000, 3));
        fail.set(true);
        byte[] b = delta(T + 10_000, T + 20_000, 4).toByteArray();
        assertEquals(503, rx.handleHttp("application/x-protobuf", null, b, 0, b.length).status());
        fail.set(false);
        send(rx, delta(T + 10_000, T + 20_000, 4)); // the sender's retry is accumulated exactly once
        List<double[]> s = samples(head, C);
        assertArrayEquals(new double[] {T + 20_000, 7}, s.get(s.size() - 1));
    }

    @Test
    void upDownDeltasBecomeARunningGauge() throws Exception {
        send(rx, request(sum("queue", "", false, true, point(T, T + 1000, 5))));
        send(rx, request(sum("queue", "", false, true, point(T + 1000, T + 2000, -2))));
        var s = read(head, "queue").values().iterator().next();
        assertEquals(3, s.get(s.size() - 1)[1]);
    }
}
