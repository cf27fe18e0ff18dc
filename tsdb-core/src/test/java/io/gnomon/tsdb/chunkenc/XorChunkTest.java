package io.gnomon.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XorChunkTest {

    /** Set with {@code -Dgnomon.test.seed=N} to replay a failure. */
    static long seed() {
        String s = System.getProperty("gnomon.test.seed");
        long seed = s != null ? Long.parseLong(s) : 20261122L;
        System.out.println("XorChunkTest seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        return seed;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 120, 1000})
    void roundTripsEachSampleCount(int n) {
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = 1_700_000_000_000L + 15_000L * i + (i % 7 == 3 ? 3 : 0);
            vs[i] = i % 5 == 0 ? 42.0 : i * 0.25;
        }
        assertRoundTrip(ts, vs);
    }

    @Test
    void roundTripsSpecialValuesBitExactly() {
        double[] vs = {Double.NaN, Double.NaN, StaleNaN.VALUE, 1.0, StaleNaN.VALUE, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE,
            Double.longBitsToDouble(0x7ff8000000000001L), Double.longBitsToDouble(0xfff0000000000001L), 1e-300, 1e300,
            StaleNaN.VALUE, StaleNaN.VALUE};
        long[] ts = new long[vs.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = i * 1000L;
        }
        XorIterator it = assertRoundTrip(ts, vs);
        assertNull(it.err());
        // and the stale marker is recognised after decoding
        XorChunk c = encode(ts, vs);
        SampleIterator si = c.iterator(null);
        si.seek(2000);
        assertTrue(StaleNaN.is(si.atV()));
        assertEquals(StaleNaN.BITS, Double.doubleToRawLongBits(si.atV()));
    }

    @Test
    void roundTripsEqualValues() {
        long[] ts = new long[120];
        double[] vs = new double[120];
        for (int i = 0; i < 120; i++) {
            ts[i] = i * 15_000L;
            vs[i] = 3.5;
        }
        XorChunk c = encode(ts, vs);
        // header, varint(0), value, uvarint(15000) is 2 bytes, then 1 + 118 * 2 bits
        assertEquals(2 + 1 + 8 + 2 + (1 + 118 * 2 + 7) / 8, c.length());
        assertRoundTrip(ts, vs);
    }

    @Test
    void roundTripsHugeTinyAndNegativeTimestamps() {
        assertRoundTrip(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, new double[] {1, 2, 3});
        assertRoundTrip(new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MIN_VALUE + 2, Long.MAX_VALUE},
                new double[] {1, 2, 3, 4});
        assertRoundTrip(new long[] {-5000, -4000, -3000, -1, 0, 1, 2, 3, 1L << 50, (1L << 50) + 1},
                new double[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        assertRoundTrip(new long[] {0, 1, 2, 3, 4, 5}, new double[] {0, 0, 0, 0, 0, 0});
        assertRoundTrip(new long[] {0, 1, 1 + (1L << 62), 2 + (1L << 62)}, new double[] {-1, 1, -1, 1});
    }

    @Test
    void randomRoundTrips() {
        Random rnd = new Random(seed());
        for (int round = 0; round < 500; round++) {
            int n = rnd.nextInt(300);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = rnd.nextLong() >> rnd.nextInt(64);
            for (int i = 0; i < n; i++) {
                t += 1 + (rnd.nextInt(4) == 0 ? rnd.nextLong() >>> (1 + rnd.nextInt(63)) : rnd.nextInt(20_000));
                ts[i] = t;
                vs[i] = randomValue(rnd, i);
            }
            // keep the timestamps increasing: cut at the first overflow
            int m = 1;
            while (m < n && ts[m] > ts[m - 1]) {
                m++;
            }
            if (n > 0) {
                assertRoundTrip(Arrays.copyOf(ts, m), Arrays.copyOf(vs, m));
            }
        }
    }

    static double randomValue(Random rnd, int i) {
        switch (rnd.nextInt(8)) {
            case 0:
                return Double.longBitsToDouble(rnd.nextLong());
            case 1:
                return rnd.nextInt(1000);
            case 2:
                return rnd.nextGaussian() * 1e6;
            case 3:
                return StaleNaN.VALUE;
            case 4:
                return Double.longBitsToDouble(1L << rnd.nextInt(64));
            default:
                return i;
        }
    }

    @Test
    void seekFollowsTheIteratorContract() {
        long[] ts = {10, 20, 30, 40, 50};
        XorChunk c = encode(ts, new double[] {1, 2, 3, 4, 5});
        XorIterator it = c.snapshotIterator(null);
        assertEquals(ValueType.FLOAT, it.seek(25));
        assertEquals(30, it.atT());
        assertEquals(3.0, it.atV());
        assertEquals(ValueType.FLOAT, it.seek(5), "never moves backwards");
        assertEquals(30, it.atT());
        assertEquals(ValueType.FLOAT, it.seek(30), "stays on a sample that satisfies it");
        assertEquals(30, it.atT());
        assertEquals(ValueType.FLOAT, it.next());
        assertEquals(40, it.atT());
        assertEquals(ValueType.FLOAT, it.seek(50));
        assertEquals(50, it.atT());
        assertEquals(ValueType.NONE, it.seek(51));
        assertEquals(ValueType.NONE, it.seek(0), "exhausted stays exhausted");
        assertEquals(ValueType.NONE, it.next());

        it = c.snapshotIterator(it);
        assertEquals(ValueType.FLOAT, it.seek(Long.MIN_VALUE), "first seek lands on the first sample");
        assertEquals(10, it.atT());
        it = c.snapshotIterator(it);
        assertEquals(ValueType.NONE, it.seek(Long.MAX_VALUE));
        assertEquals(ValueType.NONE, it.next());
        assertNull(it.err());

        XorIterator empty = new XorChunk().snapshotIterator(null);
        assertEquals(ValueType.NONE, empty.seek(0));
        assertEquals(ValueType.NONE, new XorIterator().next());
    }

    @Test
    void iteratorIsReused() {
        XorChunk c = encode(new long[] {1, 2}, new double[] {1, 2});
        XorIterator it = c.snapshotIterator(null);
        assertSame(it, c.iterator(it));
        assertSame(it, c.snapshotIterator(it));
        byte[] b = bytes(c);
        assertSame(it, XorChunk.iterator(b, 0, b.length, it));
        assertInstanceOf(XorIterator.class, c.iterator(SampleIterator.EMPTY));
    }

    @Test
    void decodesFromAnOffsetInsideALargerArray() {
        byte[] chunk = bytes(encode(new long[] {5, 10, 15, 21}, new double[] {0.5, 0.5, 1.5, -7}));
        byte[] big = new byte[chunk.length + 20];
        Arrays.fill(big, (byte) 0xA5);
        System.arraycopy(chunk, 0, big, 7, chunk.length);
        XorIterator it = XorChunk.iterator(big, 7, chunk.length, null);
        assertSamples(it, new long[] {5, 10, 15, 21}, new double[] {0.5, 0.5, 1.5, -7});
        assertThrows(IndexOutOfBoundsException.class, () -> XorChunk.iterator(big, 10, big.length, null));
    }

    @Test
    void snapshotDoesNotSeeLaterAppends() {
        XorChunk c = new XorChunk();
        c.append(1, 1);
        c.append(2, 2);
        XorIterator snap = c.snapshotIterator(null);
        for (int i = 3; i < 500; i++) {
            c.append(i, i);
        }
        assertSamples(snap, new long[] {1, 2}, new double[] {1, 2});
    }

    @Test
    void snapshotIteratorsWhileAnotherThreadAppends() throws Exception {
        Random rnd = new Random(seed());
        int n = 20_000;
        long[] ts = new long[n];
        double[] vs = new double[n];
        for (int i = 0; i < n; i++) {
            ts[i] = i * 1000L + (i > 0 && rnd.nextInt(10) == 0 ? rnd.nextInt(900) : 0);
            vs[i] = randomValue(rnd, i);
        }
        XorChunk c = new XorChunk();
        Object lock = new Object();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    synchronized (lock) {
                        c.append(ts[i], vs[i]);
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        writer.start();
        XorIterator it = null;
        int snapshots = 0;
        int seen;
        do {
            synchronized (lock) {
                it = c.snapshotIterator(it);
                seen = c.numSamples();
            }
            int i = 0;
            while (it.next() == ValueType.FLOAT) {
                assertEquals(ts[i], it.atT());
                assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(it.atV()));
                i++;
            }
            assertNull(it.err());
            assertEquals(seen, i);
            snapshots++;
        } while (seen < n);
        writer.join();
        assertNull(failure.get());
        assertTrue(snapshots > 1);
    }

    @Test
    void copyOfResumesExactlyAsContinuousAppends() {
        Random rnd = new Random(seed());
        for (int round = 0; round < 200; round++) {
            int n = 2 + rnd.nextInt(200);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = 0;
            for (int i = 0; i < n; i++) {
                t += 1 + rnd.nextInt(3) * rnd.nextInt(100_000);
                ts[i] = t;
                // v1 differs from v0 in its bits, so the appender has a window when the chunk is cut
                // (without one, a reopened chunk resumes with Prometheus's 64-bit window; see below)
                vs[i] = i == 1 ? Double.longBitsToDouble(Double.doubleToRawLongBits(vs[0]) ^ (1L << rnd.nextInt(64)))
                        : randomValue(rnd, i);
            }
            int cut = 2 + rnd.nextInt(n - 1);
            XorChunk whole = encode(ts, vs);
            byte[] prefix = bytes(encode(Arrays.copyOf(ts, cut), Arrays.copyOf(vs, cut)));
            XorChunk resumed = XorChunk.copyOf(prefix, 0, prefix.length);
            assertEquals(cut, resumed.numSamples());
            for (int i = cut; i < n; i++) {
                resumed.append(ts[i], vs[i]);
            }
            assertArrayEquals(bytes(whole), bytes(resumed));
        }
    }

    @Test
    void copyOfAOneSampleChunkResumesWithPrometheusWideWindow() {
        // Prometheus's XORChunk.Appender() takes leading/trailing from an iterator, which starts at
        // 0/0; so after reopening, v1 is written as '10' + 64 bits instead of a new window.
        byte[] one = bytes(encode(new long[] {0}, new double[] {1.0}));
        XorChunk c = XorChunk.copyOf(one, 0, one.length);
        c.append(1, 2.0);
        assertEquals(XorChunkFormatTest.toHex(XorChunkFormatTest.chunk("00 02 00 3F F0 00 00 00 00 00 00 01",
                "10 0111111111110000000000000000000000000000000000000000000000000000")), XorChunkFormatTest.toHex(bytes(c)));
        assertSamples(c.snapshotIterator(null), new long[] {0, 1}, new double[] {1.0, 2.0});
    }

    @Test
    void copyOfRejectsCorruptBytes() {
        byte[] b = bytes(encode(new long[] {1, 2, 3}, new double[] {1, 2, 3}));
        assertThrows(CorruptChunkException.class, () -> XorChunk.copyOf(b, 0, b.length - 1));
    }

    @Test
    void trimShrinksToTheEncodedLengthAndAppendsContinue() {
        XorChunk c = new XorChunk();
        XorChunk reference = new XorChunk();
        Random rnd = new Random(seed());
        long t = 0;
        for (int i = 0; i < 300; i++) {
            t += 1 + (rnd.nextBoolean() ? rnd.nextLong() >>> 3 : 1000);
            double v = randomValue(rnd, i);
            c.append(t, v);
            reference.append(t, v);
            c.trim();
            assertEquals(c.length(), c.capacity());
        }
        assertArrayEquals(bytes(reference), bytes(c));
    }

    @Test
    void growthKeepsSlackSmallFor120Samples() {
        for (String mix : new String[] {"constant", "counter", "noisy"}) {
            XorChunk c = new XorChunk();
            Random rnd = new Random(1);
            double v = 0;
            for (int i = 0; i < 120; i++) {
                v = mix.equals("constant") ? 1 : mix.equals("counter") ? v + rnd.nextInt(100) : rnd.nextGaussian();
                c.append(1_700_000_000_000L + i * 15_000L, v);
            }
            int slack = c.capacity() - c.length();
            System.out.println("120 samples " + mix + ": length=" + c.length() + " capacity=" + c.capacity());
            assertTrue(slack <= XorChunk.HEADROOM + c.length() / 4, mix + " slack " + slack);
        }
    }

    @Test
    void fullChunkRejectsMoreSamples() {
        XorChunk c = new XorChunk();
        for (int i = 0; i < XorChunkDescriptor.MAX_SAMPLES; i++) {
            c.append(i, 1);
        }
        assertEquals(65535, c.numSamples());
        assertThrows(IllegalStateException.class, () -> c.append(1L << 20, 1));
        byte[] b = bytes(c);
        XorIterator it = XorChunk.iterator(b, 0, b.length, null);
        int n = 0;
        while (it.next() == ValueType.FLOAT) {
            assertEquals(n, it.atT());
            n++;
        }
        assertEquals(65535, n);
        assertNull(it.err());
    }

    @Test
    void bytesIsAReadOnlyViewOfTheEncoding() {
        XorChunk c = encode(new long[] {1000}, new double[] {1.0});
        ByteBuffer b = c.bytes();
        assertTrue(b.isReadOnly());
        assertEquals(0, b.position());
        assertEquals(12, b.remaining());
        assertEquals(Encoding.XOR, c.encoding());
        assertEquals(1000, c.firstTimestamp());
        assertEquals(1000, c.lastTimestamp());
        assertEquals(Encoding.XOR, Encoding.ofCode(1));
        assertEquals(3, Encoding.FLOAT_HISTOGRAM.code());
        assertThrows(IllegalArgumentException.class, () -> Encoding.ofCode(4));
    }

    // ---- corrupt input: never an exception, never a hang, a sticky error ----

    @Test
    void everyTruncationIsAnError() {
        Random rnd = new Random(seed());
        long[] ts = new long[120];
        double[] vs = new double[120];
        for (int i = 0; i < 120; i++) {
            ts[i] = i * 15_000L + (rnd.nextInt(5) == 0 ? rnd.nextInt(100) : 0);
            vs[i] = randomValue(rnd, i);
        }
        byte[] b = bytes(encode(ts, vs));
        XorIterator it = new XorIterator();
        for (int len = 0; len < b.length; len++) {
            XorChunk.iterator(b, 0, len, it);
            int n = drain(it);
            assertNotNull(it.err(), "length " + len);
            assertTrue(n < 120);
            assertEquals(ValueType.NONE, it.next(), "sticky");
            assertEquals(ValueType.NONE, it.seek(Long.MIN_VALUE), "sticky");
            // the same bytes in a larger array decode the same way
            byte[] padded = Arrays.copyOf(b, b.length + 64);
            XorChunk.iterator(padded, 0, len, it);
            assertEquals(n, drain(it));
            assertNotNull(it.err());
            XorChunk.iterator(b, 0, len, it);
            assertEquals(n, drainBatches(it), "batches, length " + len);
            assertNotNull(it.err());
            XorChunk.iterator(b, 0, len, it);
            assertEquals(ValueType.NONE, it.seek(Long.MAX_VALUE));
            assertNotNull(it.err(), "seek reads as far, length " + len);
        }
    }

    @Test
    void randomBytesAndBitFlipsNeverThrow() {
        Random rnd = new Random(seed());
        XorIterator it = new XorIterator();
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[rnd.nextInt(64)];
            rnd.nextBytes(b);
            XorChunk.iterator(b, 0, b.length, it);
            assertTrue(drain(it) <= 65535);
        }
        byte[] valid = bytes(encode(new long[] {0, 10, 25, 33, 1000, 1001, 5000}, new double[] {1, 2, 2.5, 3, 1e10, -0.0, 7}));
        for (int round = 0; round < 20_000; round++) {
            byte[] b = valid.clone();
            for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                int bit = rnd.nextInt(b.length * 8);
                b[bit >>> 3] ^= (byte) (0x80 >>> (bit & 7));
            }
            XorChunk.iterator(b, 0, b.length, it);
            int n = drain(it);
            Throwable err = it.err();
            if (err != null) {
                assertInstanceOf(CorruptChunkException.class, err);
            }
            XorChunk.iterator(b, 0, b.length, it);
            assertEquals(n, drainBatches(it), "batches decode as far as next()");
            assertEquals(err == null, it.err() == null);
            XorChunk.iterator(b, 0, b.length, it);
            it.seek(Long.MAX_VALUE);
            assertEquals(err == null, it.err() == null, "seek decodes as far as next()");
        }
        byte[] huge = {(byte) 0xFF, (byte) 0xFF, 0};
        XorChunk.iterator(huge, 0, huge.length, it);
        assertEquals(0, drain(it));
        assertNotNull(it.err());
        byte[] badVarint = {0, 1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1};
        XorChunk.iterator(badVarint, 0, badVarint.length, it);
        assertEquals(0, drain(it));
        assertTrue(it.err().getMessage().contains("varint"), it.err().getMessage());
    }

    private static int drainBatches(XorIterator it) {
        long[] bt = new long[5];
        double[] bv = new double[5];
        int n = 0;
        int k;
        while ((k = it.nextFloats(bt, bv, 0, 5)) > 0) {
            n += k;
            assertTrue(n <= 65535);
        }
        return n;
    }

    private static int drain(XorIterator it) {
        int n = 0;
        while (it.next() != ValueType.NONE) {
            n++;
            assertTrue(n <= 65535);
        }
        return n;
    }

    // ---- helpers ----

    static XorChunk encode(long[] ts, double[] vs) {
        XorChunk c = new XorChunk();
        for (int i = 0; i < ts.length; i++) {
            c.append(ts[i], vs[i]);
        }
        return c;
    }

    static byte[] bytes(XorChunk c) {
        ByteBuffer b = c.bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Encodes, then decodes three ways: live snapshot, from bytes, and via copyOf. */
    static XorIterator assertRoundTrip(long[] ts, double[] vs) {
        XorChunk c = encode(ts, vs);
        assertEquals(ts.length, c.numSamples());
        assertSamples(c.snapshotIterator(null), ts, vs);
        byte[] b = bytes(c);
        assertEquals(ts.length, ((b[0] & 0xFF) << 8) | (b[1] & 0xFF));
        XorIterator it = XorChunk.iterator(b, 0, b.length, null);
        assertSamples(it, ts, vs);
        assertSamples(XorChunk.copyOf(b, 0, b.length).snapshotIterator(null), ts, vs);
        c.trim();
        assertEquals(b.length, c.capacity());
        assertSamples(c.snapshotIterator(null), ts, vs);
        for (int batch : new int[] {1, 2, 3, 7, 28, 29, 120, 1000}) {
            assertBatchSamples(XorChunk.iterator(b, 0, b.length, null), batch, ts, vs);
        }
        assertSeeks(b, ts, vs);
        return it;
    }

    /** The batch method yields the same samples as {@code next()}, whatever the batch size. */
    static void assertBatchSamples(XorIterator it, int batch, long[] ts, double[] vs) {
        long[] bt = new long[batch + 3];
        double[] bv = new double[batch + 3];
        int i = 0;
        int n;
        while ((n = it.nextFloats(bt, bv, 3, batch)) > 0) {
            assertTrue(n <= batch);
            for (int k = 0; k < n; k++, i++) {
                assertEquals(ts[i], bt[3 + k], "batch " + batch + " sample " + i);
                assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(bv[3 + k]), "value " + i);
            }
            assertEquals(ts[i - 1], it.atT(), "the iterator is on the last sample of the batch");
        }
        assertEquals(ts.length, i, "batch " + batch);
        assertNull(it.err());
        assertEquals(ValueType.NONE, it.next());
        assertEquals(0, it.nextFloats(bt, bv, 0, batch));
    }

    /** seek() to every timestamp, to points between them and past the end, then next() goes on. */
    static void assertSeeks(byte[] b, long[] ts, double[] vs) {
        XorIterator it = new XorIterator();
        for (int i = 0; i < ts.length; i++) {
            for (long target : new long[] {ts[i], ts[i] - 1}) {
                if (target > ts[i] || i > 0 && target <= ts[i - 1]) {
                    continue; // ts[i] - 1 overflowed, or is the previous sample
                }
                XorChunk.iterator(b, 0, b.length, it);
                assertEquals(ValueType.FLOAT, it.seek(target), "seek " + target);
                assertEquals(ts[i], it.atT(), "seek " + target);
                assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(it.atV()));
                assertEquals(ValueType.FLOAT, it.seek(target), "seeking again stays");
                assertEquals(ts[i], it.atT());
                if (i + 1 < ts.length) {
                    assertEquals(ValueType.FLOAT, it.next());
                    assertEquals(ts[i + 1], it.atT(), "next after seek");
                }
            }
        }
        if (ts.length > 0 && ts[ts.length - 1] != Long.MAX_VALUE) {
            XorChunk.iterator(b, 0, b.length, it);
            assertEquals(ValueType.NONE, it.seek(ts[ts.length - 1] + 1));
            assertNull(it.err());
            assertEquals(ValueType.NONE, it.next());
        }
    }

    @Test
    void regularScrapesWithSteadyValuesRoundTrip() {
        // long runs of '0' '0' (regular interval, unchanged value) broken by late scrapes and changes
        Random rnd = new Random(seed());
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(240);
            long[] ts = new long[n];
            double[] vs = new double[n];
            long t = rnd.nextInt(1_000_000) - 500_000L;
            double v = rnd.nextInt(100);
            int jitter = 1 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                ts[i] = t + (rnd.nextInt(jitter) == 0 ? 1 + rnd.nextInt(20) : 0);
                t += 15_000;
                if (rnd.nextInt(jitter) == 0) {
                    v += rnd.nextInt(3);
                }
                vs[i] = v;
            }
            assertRoundTrip(ts, vs);
        }
    }

    static void assertSamples(XorIterator it, long[] ts, double[] vs) {
        for (int i = 0; i < ts.length; i++) {
            assertEquals(ValueType.FLOAT, it.next(), () -> "sample " + it.err());
            assertEquals(ts[i], it.atT());
            assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(it.atV()), "value " + i);
        }
        assertEquals(ValueType.NONE, it.next());
        assertNull(it.err());
        assertEquals(ValueType.NONE, it.next());
    }

    /** A chunk that allocates nothing until its first append reads as an empty chunk. */
    @Test
    void capacityZeroChunkIsEmptyUntilItsFirstAppend() {
        XorChunk c = new XorChunk(0);
        assertEquals(0, c.numSamples());
        assertArrayEquals(new byte[] {0, 0}, toArray(c.bytes()));
        assertEquals(ValueType.NONE, c.snapshotIterator(null).next());
        c.trim();
        assertArrayEquals(new byte[] {0, 0}, toArray(c.bytes()));
        XorChunk ref = new XorChunk();
        for (int i = 0; i < 130; i++) {
            c.append(1000L * i, i * 0.5);
            ref.append(1000L * i, i * 0.5);
        }
        assertArrayEquals(toArray(ref.bytes()), toArray(c.bytes()), "same bytes as a chunk that started with an array");
    }

    /**
     * cutOff hands the samples to a new chunk and leaves an empty one that encodes the next
     * chunk exactly as a new chunk would; iterators taken before the cut still read their samples.
     */
    @Test
    void cutOffMovesTheSamplesAndStartsAFreshChunk() {
        XorChunk open = new XorChunk();
        for (int i = 0; i < 120; i++) {
            open.append(15_000L * i, i % 3 == 0 ? 7 : i * 1.25);
        }
        byte[] before = toArray(open.bytes());
        XorIterator held = open.snapshotIterator(null);
        XorChunk done = open.cutOff();
        assertArrayEquals(before, toArray(done.bytes()));
        assertEquals(done.length(), done.capacity(), "the cut chunk is trimmed");
        assertEquals(120, done.numSamples());
        assertEquals(15_000L * 119, done.lastTimestamp());
        assertEquals(0, open.numSamples());
        assertArrayEquals(new byte[] {0, 0}, toArray(open.bytes()));
        XorChunk fresh = new XorChunk();
        for (int i = 0; i < 50; i++) {
            open.append(5_000_000L + 10_000L * i, -i);
            fresh.append(5_000_000L + 10_000L * i, -i);
        }
        assertArrayEquals(toArray(fresh.bytes()), toArray(open.bytes()), "no state carried into the next chunk");
        int k = 0;
        while (held.next() != ValueType.NONE) {
            assertEquals(15_000L * k, held.atT());
            k++;
        }
        assertEquals(120, k, "an iterator taken before the cut reads all its samples");
        // The cut chunk can still be appended to, as a trimmed chunk can.
        done.append(15_000L * 120, 1);
        assertEquals(121, done.numSamples());
    }

    @Test
    void assignAndClearReplaceTheSamples() {
        XorChunk a = new XorChunk();
        XorChunk b = new XorChunk();
        for (int i = 0; i < 10; i++) {
            a.append(i, i);
            b.append(100 + 2L * i, 2.0 * i);
        }
        XorIterator held = a.snapshotIterator(null);
        a.assign(b);
        assertArrayEquals(toArray(b.bytes()), toArray(a.bytes()));
        a.append(200, 1);
        b.append(200, 1);
        assertArrayEquals(toArray(b.bytes()), toArray(a.bytes()), "appends continue from the assigned state");
        assertEquals(ValueType.FLOAT, held.next());
        assertEquals(0, held.atT(), "iterators taken before keep their samples");
        a.clear();
        assertEquals(0, a.numSamples());
        assertArrayEquals(new byte[] {0, 0}, toArray(a.bytes()));
        a.append(5, 5);
        XorChunk one = new XorChunk();
        one.append(5, 5);
        assertArrayEquals(toArray(one.bytes()), toArray(a.bytes()));
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
