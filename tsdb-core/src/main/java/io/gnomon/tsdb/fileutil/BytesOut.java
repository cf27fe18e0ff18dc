package io.gnomon.tsdb.fileutil;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A reusable growable byte array with the block formats' integer encodings. Not thread-safe. */
public final class BytesOut {
    private byte[] b;
    private int n;

    public BytesOut(int capacity) {
        b = new byte[Math.max(16, capacity)];
    }

    public void reset() {
        n = 0;
    }

    public int length() {
        return n;
    }

    public byte[] array() {
        return b;
    }

    private void ensure(int k) {
        if (n + k > b.length) {
            b = Arrays.copyOf(b, Math.max(b.length * 2, n + k));
        }
    }

    public void u8(int v) {
        ensure(1);
        b[n++] = (byte) v;
    }

    public void be32(int v) {
        ensure(4);
        b[n++] = (byte) (v >>> 24);
        b[n++] = (byte) (v >>> 16);
        b[n++] = (byte) (v >>> 8);
        b[n++] = (byte) v;
    }

    public void uvarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            b[n++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[n++] = (byte) v;
    }

    public void varint(long v) {
        uvarint((v << 1) ^ (v >> 63));
    }

    public void uvarintString(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        uvarint(u.length);
        ensure(u.length);
        System.arraycopy(u, 0, b, n, u.length);
        n += u.length;
    }
}
