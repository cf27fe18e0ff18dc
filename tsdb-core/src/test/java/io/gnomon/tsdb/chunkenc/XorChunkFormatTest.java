package io.gnomon.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Expected bytes written out by hand from the format (Prometheus's {@code xor.go}), not produced
 * by the encoder. Each case states the samples, then the bytes: hex for the byte-aligned prefix,
 * a bit string for the bit stream (spaces separate fields, the padding is added by
 * {@link #chunk}).
 */
class XorChunkFormatTest {

    /** 1000 ms: zig-zag 2000 = 0x7D0 -> varint D0 0F. */
    private static final String T0_1000 = "D0 0F";
    private static final String V_ONE = "3F F0 00 00 00 00 00 00";
    /** uvarint(1000) = E8 07. */
    private static final String DELTA_1000 = "E8 07";

    @Test
    void emptyChunkIsJustTheCount() {
        assertEncodes(new long[0], new double[0], "00 00", "");
    }

    @Test
    void oneSample() {
        assertEncodes(new long[] {1000}, new double[] {1.0}, "00 01 " + T0_1000 + " " + V_ONE, "");
    }

    @Test
    void twoSamplesWithTheSameValue() {
        assertEncodes(new long[] {1000, 2000}, new double[] {1.0, 1.0},
                "00 02 " + T0_1000 + " " + V_ONE + " " + DELTA_1000, "0");
    }

    @Test
    void threeSamplesWithDodZero() {
        assertEncodes(new long[] {1000, 2000, 3000}, new double[] {1.0, 1.0, 1.0},
                "00 03 " + T0_1000 + " " + V_ONE + " " + DELTA_1000, "0  0 0");
    }

    @Test
    void secondValueOpensTheFirstWindow() {
        // 1.0 ^ 2.0 = 0x3FF0.. ^ 0x4000.. = 0x7FF0000000000000: 1 leading, 52 trailing, 11 significant.
        assertEncodes(new long[] {1000, 2000}, new double[] {1.0, 2.0},
                "00 02 " + T0_1000 + " " + V_ONE + " " + DELTA_1000, "11 00001 001011 11111111111");
    }

    @Test
    void workedExampleFromTheJavadoc() {
        long[] ts = {1000, 2000, 3000, 4005, 5005};
        double[] vs = {1.0, 1.0, 2.0, 2.0, 4.0};
        String bits = "0"                                // v1 same
                + " 0 11 00001 001011 11111111111"       // t2 dod 0, v2 new window L=1 S=11
                + " 10 00000000000101 0"                 // t3 dod +5, v3 same
                + " 10 11111111111011"                   // t4 dod -5
                + " 10 00000000001";                     // v4 reuses the window: x>>>52 = 1
        assertEncodes(ts, vs, "00 05 " + T0_1000 + " " + V_ONE + " " + DELTA_1000, bits);
        assertArrayEquals(hex("00 05 D0 0F 3F F0 00 00 00 00 00 00 E8 07 30 97 FF E0 01 57 FF 70 01"),
                encode(ts, vs), "the javadoc's hex");
    }

    @Test
    void windowIsReusedOnlyWhenBothZeroRunsAreAtLeastAsLong() {
        // 2.0 -> 3.0: x = 0x0008000000000000, L=12 >= 1 but T=51 < 52: new window.
        assertEncodes(new long[] {0, 10, 20}, new double[] {1.0, 2.0, 3.0},
                "00 03 00 " + V_ONE + " 0A",
                "11 00001 001011 11111111111"
                        + " 0 11 01100 000001 1");
    }

    @Test
    void leadingZerosAreCappedAt31() {
        // 0.0 -> Double.MIN_VALUE: x = 1, 63 leading zeros written as 31, so 33 significant bits.
        assertEncodes(new long[] {0, 1}, new double[] {0.0, Double.MIN_VALUE},
                "00 02 00 00 00 00 00 00 00 00 00 01",
                "11 11111 100001 000000000000000000000000000000001");
    }

    @Test
    void sixtyFourSignificantBitsAreWrittenAsZero() {
        double v = Double.longBitsToDouble(0x8000000000000001L);
        assertEncodes(new long[] {0, 1}, new double[] {0.0, v},
                "00 02 00 00 00 00 00 00 00 00 00 01",
                "11 00000 000000 " + "1" + "0".repeat(62) + "1");
    }

    @Test
    void staleMarkerBitsAreWrittenExactly() {
        // 1.0 ^ stale = 0x3FF0000000000000 ^ 0x7FF0000000000002 = 0x4000000000000002: L=1 T=1 S=62.
        assertEncodes(new long[] {0, 1}, new double[] {1.0, StaleNaN.VALUE},
                "00 02 00 " + V_ONE + " 01",
                "11 00001 111110 " + "1" + "0".repeat(60) + "1");
    }

    @Test
    void negativeFirstTimestamp() {
        // -1000: zig-zag 1999 = 0x7CF -> CF 0F
        assertEncodes(new long[] {-1000, -999}, new double[] {1.0, 1.0},
                "00 02 CF 0F " + V_ONE + " 01", "0");
    }

    @Test
    void dodBucketBoundaries() {
        // Deltas 10, then dods at the edges of each bucket (Prometheus's asymmetric ranges).
        long[] dods = {8192, -8191, 8193, -8192, 65536, -65535, 65537, -65536, 524288, -524287,
            524289, -524288, 1L << 40};
        String[] expected = {
            "10 10000000000000",
            "10 10000000000001",
            "110 00010000000000001",
            "110 11110000000000000",
            "110 10000000000000000",
            "110 10000000000000001",
            "1110 00010000000000000001",
            "1110 11110000000000000000",
            "1110 10000000000000000000",
            "1110 10000000000000000001",
            "1111 " + bin64(524289),
            "1111 " + bin64(-524288),
            "1111 " + bin64(1L << 40),
        };
        long[] ts = new long[dods.length + 2];
        ts[1] = 10;
        long delta = 10;
        StringBuilder bits = new StringBuilder("0"); // v1 same
        for (int i = 0; i < dods.length; i++) {
            delta += dods[i];
            ts[i + 2] = ts[i + 1] + delta;
            bits.append(' ').append(expected[i]).append(" 0");
        }
        double[] vs = new double[ts.length];
        assertEncodes(ts, vs, String.format("00 %02X 00 00 00 00 00 00 00 00 00 0A", ts.length), bits.toString());
    }

    private static String bin64(long v) {
        String s = Long.toBinaryString(v);
        return "0".repeat(64 - s.length()) + s;
    }

    /** Encodes, compares with the expected bytes, and decodes the expected bytes back. */
    private static void assertEncodes(long[] ts, double[] vs, String hexPrefix, String bits) {
        byte[] expected = chunk(hexPrefix, bits);
        byte[] actual = encode(ts, vs);
        assertEquals(toHex(expected), toHex(actual));

        XorIterator it = XorChunk.iterator(expected, 0, expected.length, null);
        for (int i = 0; i < ts.length; i++) {
            assertEquals(ValueType.FLOAT, it.next(), "sample " + i);
            assertEquals(ts[i], it.atT(), "t of sample " + i);
            assertEquals(Double.doubleToRawLongBits(vs[i]), Double.doubleToRawLongBits(it.atV()), "v of sample " + i);
        }
        assertEquals(ValueType.NONE, it.next());
        assertNull(it.err());
    }

    static byte[] encode(long[] ts, double[] vs) {
        XorChunk c = new XorChunk();
        for (int i = 0; i < ts.length; i++) {
            c.append(ts[i], vs[i]);
        }
        ByteBuffer b = c.bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** Hex bytes, then a bit string (spaces ignored) padded with zeros to a whole byte. */
    static byte[] chunk(String hexPrefix, String bits) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(hex(hexPrefix));
        String b = bits.replace(" ", "");
        b = b + "0".repeat((8 - b.length() % 8) % 8);
        for (int i = 0; i < b.length(); i += 8) {
            out.write(Integer.parseInt(b.substring(i, i + 8), 2));
        }
        return out.toByteArray();
    }

    static byte[] hex(String s) {
        String h = s.replace(" ", "");
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    static String toHex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02X", x & 0xFF));
        }
        return sb.toString();
    }
}
