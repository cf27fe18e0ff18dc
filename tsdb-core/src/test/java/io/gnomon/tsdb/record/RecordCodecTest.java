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
    void stSamplesWorkedExampleFromWalRecordsMd() {
        RecordEncoder e = new RecordEncoder();
        e.beginStSamples();
        e.stSample(5, 60_000, 1.0, 30_000);
        int n = e.finish();
        byte[] b = new byte[n];
        e.buffer().getBytes(0, b);
        assertArrayEquals(new byte[] {0x11, (byte) 0x81, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0, 0x0A, (byte) 0xC0, (byte) 0xA9, 0x07,
            0, 0, 0x3F, (byte) 0xF0, 0, 0, 0, 0, 0, 0, (byte) 0xE0, (byte) 0xD4, 0x03}, b);
    }

    @Test
    void stSamplesRoundTripAndDegradeToSamplesForVisitorsWithoutStartTimestamps() {
        RecordEncoder e = new RecordEncoder();
        RecordDecoder d = new RecordDecoder();
        e.beginStSamples();
        e.stSample(5, 60_000, 1.0, 30_000);
        e.stSample(6, 60_000, 2.0, 0);
        e.stSample(1L << 40, Long.MAX_VALUE, StaleNaN.VALUE, Long.MIN_VALUE);
        e.stSample(7, -5, -1.5, 10);
        int n = e.finish();
        List<long[]> got = new ArrayList<>();
        assertEquals(RecordDescriptor.ST_SAMPLES, d.decode(e.buffer(), 0, n, new RecordVisitor() {
            @Override
            public void stSample(long ref, long t, double v, long st) {
                got.add(new long[] {ref, t, Double.doubleToRawLongBits(v), st});
            }
        }));
        assertEquals(4, got.size());
        assertArrayEquals(new long[] {5, 60_000, Double.doubleToRawLongBits(1.0), 30_000}, got.get(0));
        assertArrayEquals(new long[] {6, 60_000, Double.doubleToRawLongBits(2.0), 0}, got.get(1));
        assertArrayEquals(new long[] {1L << 40, Long.MAX_VALUE, Double.doubleToRawLongBits(StaleNaN.VALUE), Long.MIN_VALUE}, got.get(2));
        assertArrayEquals(new long[] {7, -5, Double.doubleToRawLongBits(-1.5), 10}, got.get(3));

        List<long[]> plain = new ArrayList<>();
        d.decode(e.buffer(), 0, n, new RecordVisitor() {
            @Override
            public void sample(long ref, long t, double v) {
                plain.add(new long[] {ref, t});
            }
        });
        assertEquals(4, plain.size(), "a visitor that ignores start timestamps still sees every sample");
        assertArrayEquals(new long[] {7, -5}, plain.get(3));
        // Truncated by one byte: the last entry's start timestamp is missing.
        assertThrows(RecordDecoder.CorruptRecordException.class, () -> d.decode(e.buffer(), 0, n - 1, new RecordVisitor() { }));
    }

    @Test
    void tombstonesAndXorBasesRoundTrip() {
        RecordEncoder e = new RecordEncoder();
        RecordDecoder d = new RecordDecoder();
        e.beginTombstones();
        e.tombstone(7, -1000, 5000);
        e.tombstone(1L << 40, Long.MIN_VALUE, Long.MAX_VALUE);
        List<long[]> got = new ArrayList<>();
        assertEquals(RecordDescriptor.TOMBSTONES, d.decode(e.buffer(), 0, e.finish(), new RecordVisitor() {
            @Override
            public void tombstone(long ref, long mint, long maxt) {
                got.add(new long[] {ref, mint, maxt});
            }
        }));
        assertEquals(2, got.size());
        assertArrayEquals(new long[] {7, -1000, 5000}, got.get(0));
        assertArrayEquals(new long[] {1L << 40, Long.MIN_VALUE, Long.MAX_VALUE}, got.get(1));

        e.beginXorBases();
        e.xorBase(3, Double.doubleToRawLongBits(StaleNaN.VALUE));
        e.xorBase(4, 0L);
        List<long[]> bases = new ArrayList<>();
        assertEquals(RecordDescriptor.XOR_BASES, d.decode(e.buffer(), 0, e.finish(), new RecordVisitor() {
            @Override
            public void xorBase(long ref, long bits) {
                bases.add(new long[] {ref, bits});
            }
        }));
        assertArrayEquals(new long[] {3, Double.doubleToRawLongBits(StaleNaN.VALUE)}, bases.get(0));
        assertArrayEquals(new long[] {4, 0}, bases.get(1));
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
    void xorSamplesRoundTripEveryByteWidth() {
        Random r = new Random(12);
        RecordEncoder e = new RecordEncoder();
        e.beginXorSamples();
        List<Sample> in = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            long ref = 1 + r.nextInt(1000);
            long t = r.nextLong() >> r.nextInt(64);
            long x = switch (i % 5) {
                case 0 -> 0L;
                case 1 -> r.nextLong();
                case 2 -> (r.nextLong() & 0xFFL) << (8 * r.nextInt(8));
                case 3 -> r.nextLong() >>> (8 * r.nextInt(8));
                default -> r.nextLong() << (8 * r.nextInt(8));
            };
            in.add(new Sample(ref, t, x));
            e.xorSample(ref, t, x);
        }
        int n = e.finish();
        List<Sample> out = new ArrayList<>();
        assertEquals(RecordDescriptor.XOR_SAMPLES, new RecordDecoder().decode(e.buffer(), 0, n, new RecordVisitor() {
            @Override
            public void xorSample(long ref, long t, long xorBits) {
                out.add(new Sample(ref, t, xorBits));
            }
        }));
        assertEquals(in, out);
        // A scrape-like entry (next ref, same timestamp, unchanged value) is one byte.
        e.beginXorSamples();
        for (int i = 0; i < 100; i++) {
            e.xorSample(1000 + i, 5_000, 0);
        }
        assertEquals(1 + 5 + (1 + 2 + 2) + 99, e.finish());
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
