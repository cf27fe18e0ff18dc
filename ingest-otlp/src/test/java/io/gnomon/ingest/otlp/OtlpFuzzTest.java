package io.gnomon.ingest.otlp;

import static io.gnomon.ingest.otlp.Otlp.exemplar;
import static io.gnomon.ingest.otlp.Otlp.gauge;
import static io.gnomon.ingest.otlp.Otlp.histogram;
import static io.gnomon.ingest.otlp.Otlp.hpoint;
import static io.gnomon.ingest.otlp.Otlp.point;
import static io.gnomon.ingest.otlp.Otlp.request;
import static io.gnomon.ingest.otlp.Otlp.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hostile and randomly broken bodies: always a clear 200 (partial) or 4xx, never an exception. */
class OtlpFuzzTest {

    static final long SEED = Long.getLong("gnomon.test.seed", 0x5EED_0009L);
    static final long T = 1_700_000_000_000L;

    final Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 1000));
    final OtlpReceiver rx = new OtlpReceiver(head, OtlpOptions.defaults(), SeriesLookup.of(head, Long.MAX_VALUE / 4), () -> T);

    static ExportMetricsServiceRequest valid() {
        return request(
            gauge("g", "By", point(0, T, 1, "a", "b")),
            sum("c", "", true, true, point(T - 1000, T, 2, "x", "y")),
            histogram("h", "s", false, hpoint(T - 1000, T, new double[] {1, 2}, new long[] {1, 1, 1}, 3).toBuilder()
                .addExemplars(exemplar(1.5, T, "0102030405060708090a0b0c0d0e0f10", "0102030405060708")).build()));
    }

    @Test
    void mutatedProtobufAndJson() throws Exception {
        Random rnd = new Random(SEED);
        byte[] proto = valid().toByteArray();
        byte[] json = JsonFormat.printer().print(valid()).getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3000; i++) {
            boolean isJson = (i & 1) == 1;
            byte[] b = mutate(isJson ? json : proto, rnd);
            OtlpResponse r;
            try {
                r = rx.handleHttp(isJson ? "application/json" : "application/x-protobuf", null, b, 0, b.length);
            } catch (RuntimeException e) {
                throw new AssertionError("seed=" + SEED + " iteration=" + i + ": " + e, e);
            }
            assertTrue(r.status() == 200 || r.status() == 400, "seed=" + SEED + " iteration=" + i + " status=" + r.status());
            assertTrue(!r.message().isEmpty() || r.status() == 200, "a 400 names what was wrong");
        }
    }

    private static byte[] mutate(byte[] src, Random rnd) {
        byte[] b = src.clone();
        switch (rnd.nextInt(4)) {
            case 0 -> b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            case 1 -> {
                for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                    b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                }
            }
            case 2 -> b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            default -> {
                int at = rnd.nextInt(b.length);
                byte[] c = new byte[b.length + 3];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = (byte) rnd.nextInt(256);
                c[at + 1] = (byte) rnd.nextInt(256);
                c[at + 2] = (byte) rnd.nextInt(256);
                System.arraycopy(b, at, c, at + 3, b.length - at);
                b = c;
            }
        }
        return b;
    }

    @Test
    void aMillionAttributesRejectThePointWithAClearMessage() throws Exception {
        NumberDataPoint.Builder p = point(0, T, 1).toBuilder();
        KeyValue kv = KeyValue.newBuilder().setKey("k").build();
        for (int i = 0; i < 1_000_000; i++) {
            p.addAttributes(kv);
        }
        byte[] b = request(gauge("wide", "", p.build())).toByteArray();
        OtlpResponse r = rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(200, r.status());
        var ps = ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess();
        assertEquals(1, ps.getRejectedDataPoints());
        assertTrue(ps.getErrorMessage().contains("more than 128 attributes"), ps.getErrorMessage());
    }

    @Test
    void memoryStaysFlatUnderRepeatedHostileBodies() throws Exception {
        NumberDataPoint.Builder p = point(0, T, 1).toBuilder();
        KeyValue kv = KeyValue.newBuilder().setKey("k").build();
        for (int i = 0; i < 200_000; i++) {
            p.addAttributes(kv);
        }
        byte[] wide = request(gauge("wide", "", p.build())).toByteArray();
        byte[] huge = request(gauge("big", "", point(0, T, 1, "a", "x".repeat(1 << 20)))).toByteArray();
        byte[] trunc = java.util.Arrays.copyOf(wide, wide.length / 2);
        send(wide);
        long baseline = usedAfterGc();
        for (int i = 0; i < 30; i++) {
            send(wide);
            send(huge);
            send(trunc);
        }
        long after = usedAfterGc();
        // Nothing of a refused body is retained: live heap is back near where it started.
        assertTrue(after - baseline < (32 << 20), "live heap grew by " + (after - baseline) + " bytes");
    }

    private void send(byte[] b) {
        OtlpResponse r = rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertTrue(r.status() == 200 || r.status() == 400, r.status() + " " + r.message());
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void hugeStringsAndDeepNesting() throws Exception {
        byte[] b = request(gauge("big", "", point(0, T, 1, "a", "x".repeat(5 << 20)))).toByteArray();
        OtlpResponse r = rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(1, ExportMetricsServiceResponse.parseFrom(r.body()).getPartialSuccess().getRejectedDataPoints());
        AnyValue v = AnyValue.newBuilder().setStringValue("leaf").build();
        for (int i = 0; i < 200; i++) {
            v = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(v)).build();
        }
        NumberDataPoint deep = point(0, T, 1).toBuilder().addAttributes(KeyValue.newBuilder().setKey("d").setValue(v)).build();
        b = request(gauge("deep", "", deep)).toByteArray();
        r = rx.handleHttp("application/x-protobuf", null, b, 0, b.length);
        assertEquals(400, r.status());
        assertTrue(r.message().contains("malformed OTLP protobuf body"), r.message());
    }

    @Test
    void wrongJsonTypes() {
        for (String json : new String[] {"[]", "{\"resourceMetrics\":7}", "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":{\"dataPoints\":[{\"asDouble\":\"abc\"}]}}]}]}]}",
            "{", "", "null"}) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            OtlpResponse r = rx.handleHttp("application/json", null, b, 0, b.length);
            assertTrue(r.status() == 400 || r.status() == 200, json + " -> " + r.status());
            if (r.status() == 400) {
                assertTrue(r.message().startsWith("malformed OTLP JSON body"), r.message());
            }
        }
    }
}
