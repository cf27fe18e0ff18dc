package io.gnomon.ingest.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Varint decoding: the 8-byte fast path and the byte loop agree with the wire format. */
class WireReaderTest {

    private static byte[] uvarint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    /** Every length from 1 to 10 bytes, decoded with 0 to 12 bytes after it (both paths). */
    @Test
    void decodesEveryLengthWithAndWithoutRoomForTheWideLoad() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("WireReaderTest seed=" + seed + " (-Dgnomon.test.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int bitsLen = 0; bitsLen <= 64; bitsLen++) {
            for (int k = 0; k < 50; k++) {
                long v = bitsLen == 0 ? 0 : (r.nextLong() >>> (64 - bitsLen)) | (1L << (bitsLen - 1));
                byte[] enc = uvarint(v);
                for (int tail = 0; tail <= 12; tail++) {
                    byte[] buf = new byte[3 + enc.length + tail];
                    r.nextBytes(buf); // garbage around it must not matter
                    System.arraycopy(enc, 0, buf, 3, enc.length);
                    WireReader in = new WireReader();
                    in.reset(buf, 3, enc.length + tail);
                    assertEquals(v, in.readVarint64(), "value of " + bitsLen + " bits, " + tail + " bytes after");
                    assertEquals(3 + enc.length, in.pos(), "position after " + enc.length + " bytes");
                }
            }
        }
    }

    @Test
    void rejectsTruncatedAndOverlongVarints() {
        WireReader in = new WireReader();
        byte[] truncated = {(byte) 0x80, (byte) 0x80, (byte) 0x80};
        in.reset(truncated, 0, truncated.length);
        assertThrows(MalformedRequestException.class, in::readVarint64);
        byte[] overlong = new byte[16];
        java.util.Arrays.fill(overlong, (byte) 0xFF);
        in.reset(overlong, 0, overlong.length);
        assertThrows(MalformedRequestException.class, in::readVarint64);
        // Ends inside the limit only: bytes past it are not read even when they would end it.
        byte[] cut = {(byte) 0x81, (byte) 0x81, 0x01, 0, 0, 0, 0, 0, 0, 0};
        in.reset(cut, 0, 2);
        assertThrows(MalformedRequestException.class, in::readVarint64);
    }
}
