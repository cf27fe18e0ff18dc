package io.gnomon.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.ValueType;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StStreamTest {

    @Test
    void workedExampleFromTheJavadoc() {
        StStream s = new StStream();
        s.append(60_000, 30_000);
        s.append(120_000, 30_000);
        s.append(180_000, 120_000);
        s.trim();
        assertEquals(9, s.length());
        StStream.Reader r = s.reader();
        assertEquals(30_000, r.next(60_000));
        assertEquals(30_000, r.next(120_000));
        assertEquals(120_000, r.next(180_000));
        assertEquals(0, r.next(240_000), "past the last entry: none");
        assertNull(r.err());
    }

    @Test
    void deltaSeriesCostOneBytePerSampleAfterTheFirst() {
        StStream s = new StStream();
        for (int i = 1; i <= 120; i++) {
            s.append(i * 15_000L, (i - 1) * 15_000L);
        }
        assertEquals(120, s.count());
        // The first entry is explicit (tag + 3-byte varint of 15000 zig-zagged), then SAME_DELTA.
        assertEquals(4 + 119, s.length());
    }

    @Test
    void randomStreamsRoundTrip() {
        long seed = Long.getLong("gnomon.test.seed", 20_261_122L);
        System.out.println("StStreamTest seed=" + seed);
        Random rnd = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(300);
            long[] t = new long[n];
            long[] st = new long[n];
            long tt = rnd.nextLong() >> rnd.nextInt(64);
            for (int i = 0; i < n; i++) {
                tt += rnd.nextInt(100_000);
                t[i] = tt;
                switch (rnd.nextInt(7)) {
                    case 0 -> st[i] = 0;
                    case 1 -> st[i] = i > 0 ? st[i - 1] : 5;
                    case 2 -> st[i] = i > 0 ? t[i - 1] : tt - 1;
                    case 3 -> st[i] = tt;
                    case 4 -> st[i] = tt + rnd.nextInt(10);
                    case 5 -> st[i] = rnd.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
                    default -> st[i] = rnd.nextLong();
                }
            }
            int pad = rnd.nextInt(4) == 0 ? rnd.nextInt(n) : 0;
            StStream s = new StStream();
            s.padTo(pad);
            for (int i = pad; i < n; i++) {
                s.append(t[i], st[i]);
            }
            if (rnd.nextBoolean()) {
                s.trim();
            }
            StStream.Reader r = s.reader();
            for (int i = 0; i < n; i++) {
                assertEquals(i < pad ? 0 : st[i], r.next(t[i]), "round " + round + " entry " + i + " seed " + seed);
            }
            assertNull(r.err());
        }
    }

    @Test
    void aReaderKeepsItsSnapshotWhileAppendsContinue() {
        StStream s = new StStream();
        s.append(1000, 500);
        StStream.Reader before = s.reader();
        for (int i = 2; i < 100; i++) {
            s.append(i * 1000L, i * 1000L - 7 - i);
        }
        assertEquals(500, before.next(1000));
        assertEquals(0, before.next(2000), "entries appended after the snapshot are not seen");
    }

    @Test
    void iteratorPairsSamplesWithStartTimestampsAndSeeks() {
        XorChunk c = new XorChunk();
        StStream s = new StStream();
        for (int i = 0; i < 10; i++) {
            c.append(i * 1000L, i);
            if (i >= 3) {
                s.padTo(i);
                s.append(i * 1000L, i % 2 == 0 ? 0 : i * 1000L - 1);
            }
        }
        SampleIterator it = new StSampleIterator(c.iterator(null), s.reader());
        assertEquals(ValueType.FLOAT, it.seek(4500));
        assertEquals(5000, it.atT());
        assertEquals(4999, it.atST());
        assertEquals(ValueType.FLOAT, it.seek(1000), "seek never moves backwards");
        assertEquals(5000, it.atT());
        long[] sts = new long[4];
        int k = 0;
        while (it.next() == ValueType.FLOAT) {
            sts[k++] = it.atST();
        }
        assertArrayEquals(new long[] {0, 6999, 0, 8999}, Arrays.copyOf(sts, k));
        assertNull(it.err());

        SampleIterator early = new StSampleIterator(c.iterator(null), s.reader());
        early.next();
        assertEquals(0, early.atST(), "padded entries have no start timestamp");
    }

    @Test
    void corruptStreamIsAStickyError() {
        // EXPLICIT t - st = 100 (zig-zag 200), then an unknown tag.
        byte[] bytes = new byte[] {StStreamDescriptor.EXPLICIT, (byte) 0xC8, 0x01, 9};
        StStream.Reader r = new StStream.Reader(bytes, bytes.length, 3);
        assertEquals(900, r.next(1000));
        assertEquals(0, r.next(2000));
        assertNotNull(r.err());
        assertEquals(0, r.next(3000), "sticky");
        XorChunk c = new XorChunk();
        c.append(1000, 1);
        c.append(2000, 2);
        SampleIterator it = new StSampleIterator(c.iterator(null), new StStream.Reader(bytes, bytes.length, 2));
        while (it.next() != ValueType.NONE) {
            // drain
        }
        assertNotNull(it.err());
        assertEquals(CorruptChunkException.class, it.err().getClass());
    }
}
