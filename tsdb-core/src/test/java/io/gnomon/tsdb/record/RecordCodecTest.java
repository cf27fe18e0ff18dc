package io.gnomon.tsdb.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    record Sample(long ref, long t, long bits) {
    }

    @Test
    void workedExampleFromTheDescriptor() {
        RecordEncoder e = new RecordEncoder();
        e.beginSamples();
        e.sample(5, 1000, 1.0);
        e.sample(6, 1000, 2.0);
        int n = e.finish();
        byte[] b = new byte[n];
        e.buffer().getBytes(0, b);
        assertArrayEquals(new byte[] {2, (byte) 0x82, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0, 0x0A, (byte) 0xD0, 0x0F,
            0, 0, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0,
            2, 0, 0x40, 0, 0, 0, 0, 0, 0, 0}, b);
    }

    @Test
    void samplesRoundTripIncludingNegativeDeltasAndNaNs() {
        Random r = new Random(11);
        RecordEncoder e = new RecordEncoder();
        e.beginSamples();
        List<Sample> in = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            long ref = 1 + r.nextInt(100_000);
            long t = -5_000_000L + r.nextLong() % 10_000_000L;
            double v = switch (i % 4) {
                case 0 -> StaleNaN.VALUE;
                case 1 -> Double.NaN;
                case 2 -> r.nextDouble();
                default -> Double.NEGATIVE_INFINITY;
            };
            in.add(new Sample(ref, t, Double.doubleToRawLongBits(v)));
            e.sample(ref, t, v);
        }
        int n = e.finish();
        List<Sample> out = new ArrayList<>();
        int type = new RecordDecoder().decode(e.buffer(), 0, n, new RecordVisitor() {
            @Override
            public void sample(long ref, long t, double v) {
                out.add(new Sample(ref, t, Double.doubleToRawLongBits(v)));
            }
        });
        assertEquals(RecordDescriptor.SAMPLES, type);
        assertEquals(in, out);
    }

    @Test
    void seriesExemplarsMetadataRoundTrip() {
        RecordEncoder e = new RecordEncoder();
        RecordDecoder d = new RecordDecoder();
        List<Object> got = new ArrayList<>();
        RecordVisitor v = new RecordVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                got.add(ref + " " + labels);
            }

            @Override
            public void exemplar(long ref, long t, double val, Labels labels) {
                got.add(ref + " " + t + " " + val + " " + labels);
            }

            @Override
            public void metadata(long ref, String name, String type, String unit, String help) {
                got.add(ref + " " + name + "|" + type + "|" + unit + "|" + help);
            }
        };
        e.beginSeries();
        e.series(1, Labels.of("__name__", "up", "job", "ü"));
        e.series(300, Labels.EMPTY);
        d.decode(e.buffer(), 0, e.finish(), v);
        e.beginExemplars();
        e.exemplar(7, -3, 0.5, Labels.of("trace_id", "abc"));
        d.decode(e.buffer(), 0, e.finish(), v);
        e.beginMetadata();
        e.metadata(7, "up", "gauge", "", "1 if up");
        d.decode(e.buffer(), 0, e.finish(), v);
        assertEquals(List.of("1 {__name__=\"up\", job=\"ü\"}", "300 {}", "7 -3 0.5 {trace_id=\"abc\"}", "7 up|gauge||1 if up"), got);
    }

    @Test
    void corruptRecordsAreReportedNotThrownAsAnythingElse() {
        RecordEncoder e = new RecordEncoder();
        e.beginSeries();
        e.series(1, Labels.of("a", "b"));
        int n = e.finish();
        byte[] b = new byte[n];
        e.buffer().getBytes(0, b);
        RecordDecoder d = new RecordDecoder();
        for (int cut = 1; cut < n; cut++) {
            int len = cut;
            assertThrows(RecordDecoder.CorruptRecordException.class, () -> d.decode(new UnsafeBuffer(b), 0, len, new RecordVisitor() { }));
        }
        Random r = new Random(5);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[1 + r.nextInt(40)];
            r.nextBytes(junk);
            junk[0] = (byte) (1 + r.nextInt(6));
            try {
                d.decode(new UnsafeBuffer(junk), 0, junk.length, new RecordVisitor() { });
            } catch (RecordDecoder.CorruptRecordException expected) {
                // fine
            }
        }
    }
}
