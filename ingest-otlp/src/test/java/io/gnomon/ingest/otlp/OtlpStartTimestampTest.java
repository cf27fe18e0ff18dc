package io.gnomon.ingest.otlp;

import static io.gnomon.ingest.otlp.Otlp.gauge;
import static io.gnomon.ingest.otlp.Otlp.histogram;
import static io.gnomon.ingest.otlp.Otlp.hpoint;
import static io.gnomon.ingest.otlp.Otlp.point;
import static io.gnomon.ingest.otlp.Otlp.request;
import static io.gnomon.ingest.otlp.Otlp.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OTLP StartTimeUnixNano becomes the start timestamp of cumulative sums' and histograms' samples. */
class OtlpStartTimestampTest {

    static final long T = 1_700_000_000_000L;

    final Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 1000));
    final OtlpReceiver rx = new OtlpReceiver(head, OtlpOptions.defaults(), SeriesLookup.of(head, Long.MAX_VALUE / 4), () -> T);

    void send(ExportMetricsServiceRequest r) {
        byte[] b = r.toByteArray();
        OtlpResponse resp = rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(200, resp.status(), resp.message());
    }

    /** "t=v/st" relative to T of every sample of the series matching {@code name} (and le when given). */
    List<String> read(String name, String le) {
        List<String> out = new ArrayList<>();
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = le == null ? q.select(true, SelectHints.NONE, Matcher.eq("__name__", name))
                : q.select(true, SelectHints.NONE, Matcher.eq("__name__", name), Matcher.eq("le", le));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    out.add((it.atT() - T) + "=" + (long) it.atV() + "/" + (it.atST() == 0 ? "none" : it.atST() - T));
                }
                assertNull(it.err());
            }
        }
        return out;
    }

    @Test
    void cumulativePointsCarryTheirStartTime() {
        send(request(
            sum("http.requests", "{request}", true, false, point(T - 10_000, T - 1000, 7), point(T - 10_000, T, 9)),
            gauge("temperature", "Cel", point(T - 10_000, T, 20)),
            histogram("latency", "s", false, hpoint(T - 20_000, T, new double[] {1}, new long[] {2, 3}, 4.0))));
        // The created-timestamp zero has no start timestamp; the points do.
        assertEquals(List.of("-10000=0/none", "-1000=7/-10000", "0=9/-10000"), read("http_requests_total", null));
        assertEquals(List.of("0=20/none"), read("temperature_celsius", null), "gauges have no start timestamp");
        assertEquals(List.of("-20000=0/none", "0=2/-20000"), read("latency_seconds_bucket", "1"));
        assertEquals(List.of("-20000=0/none", "0=5/-20000"), read("latency_seconds_count", null));
    }

    @Test
    void deltaPointsAreAccumulatedWithoutStartTimestamps() {
        send(request(sum("jobs.done", "", true, true, point(T - 2000, T - 1000, 3), point(T - 1000, T, 4))));
        for (String s : read("jobs_done_total", null)) {
            assertEquals("none", s.substring(s.indexOf('/') + 1), s);
        }
    }
}
