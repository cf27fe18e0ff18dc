package io.gnomon.tsdb.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.codec.Gunzip.CorruptGzipException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GunzipTest {

    static long seed() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("GunzipTest seed=" + seed + " (-Dgnomon.test.seed=" + seed + ")");
        return seed;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(b)) {
            z.write(data);
        }
        return b.toByteArray();
    }

    static byte[] inflate(byte[] gz, int limit) {
        Gunzip g = Gunzip.forThread();
        int n = g.inflate(gz, 0, gz.length, null, limit);
        return n < 0 ? null : Arrays.copyOf(g.output(), n);
    }

    static byte[] data(Random r, int n, boolean compressible) {
        byte[] d = new byte[n];
        if (compressible) {
            for (int i = 0; i < n; i++) {
                d[i] = (byte) "node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1234.5\n".charAt(i % 49);
            }
        } else {
            r.nextBytes(d);
        }
        return d;
    }

    @Test
    void roundTripsAgainstTheJdkGzipWriter() throws IOException {
        Random r = new Random(seed());
        for (int n : new int[] {0, 1, 100, 65_536, 3_000_000}) {
            for (boolean comp : new boolean[] {true, false}) {
                byte[] d = data(r, n, comp);
                assertArrayEquals(d, inflate(gzip(d), Integer.MAX_VALUE), n + " bytes, compressible " + comp);
            }
        }
    }

    @Test
    void inflatesIntoTheCallersArrayWhenItFitsAndAtOffsets() throws IOException {
        byte[] d = data(new Random(1), 5000, true);
        byte[] gz = gzip(d);
        byte[] framed = new byte[gz.length + 7];
        System.arraycopy(gz, 0, framed, 5, gz.length);
        Gunzip g = Gunzip.forThread();
        byte[] dst = new byte[8192];
        int n = g.inflate(framed, 5, gz.length, dst, 1 << 20);
        assertEquals(5000, n);
        assertSame(dst, g.output());
        assertArrayEquals(d, Arrays.copyOf(dst, n));
        byte[] small = new byte[10];
        n = g.inflate(framed, 5, gz.length, small, 1 << 20);
        assertEquals(5000, n);
        assertArrayEquals(d, Arrays.copyOf(g.output(), n), "grown past the caller's array");
    }

    @Test
    void limitIsInclusive() throws IOException {
        byte[] d = data(new Random(2), 10_000, true);
        byte[] gz = gzip(d);
        assertArrayEquals(d, inflate(gz, 10_000), "exactly at the limit");
        assertEquals(null, inflate(gz, 9_999), "one byte over");
        assertEquals(null, inflate(gz, 0));
        Gunzip g = Gunzip.forThread();
        assertEquals(-1, g.inflate(gz, 0, gz.length, new byte[20_000], 9_999), "a large array does not lift the limit");
        assertEquals(null, g.output(), "no array is kept after a refusal");
    }

    @Test
    void theOutputIsHandedOverNotKept() throws IOException {
        byte[] gz = gzip(data(new Random(5), 1000, true));
        Gunzip g = Gunzip.forThread();
        assertEquals(1000, g.inflate(gz, 0, gz.length, null, 1 << 20));
        assertTrue(g.output() != null);
        assertEquals(null, g.output(), "handed over once");
        byte[] bad = gz.clone();
        bad[bad.length - 8] ^= 1;
        assertThrows(CorruptGzipException.class, () -> g.inflate(bad, 0, bad.length, null, 1 << 20));
        assertEquals(null, g.output(), "nothing kept after a failure");
    }

    @Test
    void readsConcatenatedMembers() throws IOException {
        byte[] a = "first member\n".getBytes();
        byte[] b = data(new Random(3), 70_000, false);
        byte[] gz = concat(gzip(a), gzip(b), gzip(new byte[0]));
        assertArrayEquals(concat(a, b), inflate(gz, Integer.MAX_VALUE));
    }

    /** A header with every optional field, built by hand (the JDK writer sets none). */
    @Test
    void readsOptionalHeaderFields() throws IOException {
        byte[] d = "with a name, a comment, extra bytes and a header CRC".getBytes();
        byte[] plain = gzip(d);
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.write(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, (byte) 255});
        h.write(new byte[] {3, 0, 'a', 'b', 'c'});
        h.write("metrics.txt\0".getBytes());
        h.write("a comment\0".getBytes());
        CRC32 c = new CRC32();
        c.update(h.toByteArray());
        h.write((int) c.getValue() & 0xFF);
        h.write((int) (c.getValue() >>> 8) & 0xFF);
        h.write(plain, 10, plain.length - 10);
        assertArrayEquals(d, inflate(h.toByteArray(), 1000));
        byte[] badHcrc = h.toByteArray();
        int crcAt = 10 + 5 + "metrics.txt\0".length() + "a comment\0".length();
        badHcrc[crcAt] ^= 1;
        assertMessage(badHcrc, "header CRC");
    }

    @Test
    void namesWhatIsWrong() throws IOException {
        byte[] gz = gzip(data(new Random(4), 1000, true));
        assertMessage(new byte[0], "empty");
        assertMessage(Arrays.copyOf(gz, 5), "truncated gzip header");
        byte[] magic = gz.clone();
        magic[0] = 'x';
        assertMessage(magic, "magic");
        byte[] method = gz.clone();
        method[2] = 7;
        assertMessage(method, "method 7");
        byte[] reserved = gz.clone();
        reserved[3] = (byte) 0x80;
        assertMessage(reserved, "reserved");
        assertMessage(Arrays.copyOf(gz, gz.length - 12), "truncated");
        assertMessage(Arrays.copyOf(gz, gz.length - 3), "trailer");
        byte[] crc = gz.clone();
        crc[gz.length - 8] ^= 1;
        assertMessage(crc, "CRC32");
        byte[] size = gz.clone();
        size[gz.length - 4] ^= 1;
        assertMessage(size, "length");
        assertMessage(concat(gz, "garbage".getBytes()), "trailing data");
        byte[] deflate = gz.clone();
        deflate[10] = (byte) 0xFF; // block type 3: reserved
        assertMessage(deflate, "deflate");
    }

    /** Mutated bodies: only the decoder's own exception (or a correct result) ever comes out. */
    @Test
    void fuzzedBodiesFailCleanly() throws IOException {
        Random r = new Random(seed());
        byte[] base = concat(gzip(data(r, 3000, true)), gzip(data(r, 500, false)));
        Gunzip g = Gunzip.forThread();
        for (int i = 0; i < 3000; i++) {
            byte[] m = base.clone();
            int edits = 1 + r.nextInt(4);
            for (int e = 0; e < edits; e++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            int len = r.nextInt(8) == 0 ? r.nextInt(m.length + 1) : m.length;
            try {
                int n = g.inflate(m, 0, len, null, 1 << 16);
                assertTrue(n >= -1 && n <= 1 << 16);
            } catch (CorruptGzipException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        }
    }

    static void assertMessage(byte[] gz, String part) {
        CorruptGzipException e = assertThrows(CorruptGzipException.class, () -> inflate(gz, 1 << 20));
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should name " + part);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
