package io.gnomon.tsdb.chunkenc;

import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.HEADER_SIZE;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.LONG_BE;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.NEW_WINDOW_HEADER_BITS;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.decodeDod;

import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.ValueType;
import java.util.Objects;

/**
 * Decodes an XOR chunk (format: {@link XorChunk}). Obtain one from
 * {@link XorChunk#iterator(byte[], int, int, XorIterator)} or
 * {@link XorChunk#snapshotIterator(XorIterator)}, and reuse it across chunks with
 * {@link #reset(byte[], int, int)}; nothing is allocated per sample.
 *
 * <p>The bit reader keeps no buffer between samples: each sample starts with one unaligned
 * big-endian 8-byte load at its bit position ({@link #peek}), which holds at least 57 valid bits,
 * enough for a timestamp bucket of up to 20 bits or for most values; a second load is needed only
 * when the delta of delta is not 0 or a value has more significant bits than remain. Within 8
 * bytes of the end of the array the load is assembled byte by byte.
 *
 * <p>Bits are read past the chunk's length only when the chunk is corrupt; the position is checked
 * against the length once per sample, and a sample that ends past it stops the iteration with a
 * {@link CorruptChunkException} in {@link #err()}. Every sample consumes at least two bits, so
 * iteration over any bytes ends after at most the header's count of samples. After an error
 * {@link #next()} and {@link #seek(long)} return {@link ValueType#NONE} until the next reset.
 *
 * <p>Not thread-safe. A snapshot iterator may run while the chunk it came from is appended to.
 */
public final class XorIterator implements SampleIterator {
    private static final byte[] NO_DATA = new byte[0];

    private byte[] data = NO_DATA;
    /** Index in {@link #data} of the chunk's first byte; all positions below are relative to it. */
    private int base;
    private int length;
    /** The largest byte position from which an 8-byte load stays inside {@link #data}. */
    private int fastEnd;
    private long limitBits;
    private int bitPos;
    /** Samples decoded; {@code read > total} means exhausted (or failed). */
    private int read;
    private int total;
    /** The sample count a snapshot reset captured, or -1 when the count comes from the header. */
    private int snapshotCount = -1;

    private long t;
    private long tDelta;
    private long vBits;
    private int trailing;
    /** Significant bits of the current window: 64 - leading - trailing. */
    private int sig = 64;
    private long varint;
    private CorruptChunkException err;

    /** A reset-able iterator with no samples; see {@link #reset(byte[], int, int)}. */
    public XorIterator() {
    }

    /**
     * Positions this iterator before the first sample of the XOR chunk data (header included) at
     * {@code data[offset, offset + length)}.
     *
     * @throws IndexOutOfBoundsException when the range is not inside {@code data}
     */
    public void reset(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        init(data, offset, length);
        if (length < HEADER_SIZE) {
            fail(CorruptChunkException.tooShort(length));
            return;
        }
        total = ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
    }

    /** As {@link #reset(byte[], int, int)} with the sample count given, not read from the header. */
    void reset(byte[] data, int offset, int length, int numSamples) {
        init(data, offset, length);
        total = numSamples;
        snapshotCount = numSamples;
    }

    /**
     * A new iterator over the same bytes as this one, before the first sample. For a snapshot
     * iterator ({@link XorChunk#snapshotIterator}) the captured sample count is kept, so a series
     * snapshot can be read more than once while its chunk is appended to.
     */
    public XorIterator rewound() {
        XorIterator it = new XorIterator();
        if (snapshotCount >= 0) {
            it.reset(data, base, length, snapshotCount);
        } else {
            it.reset(data, base, length);
        }
        return it;
    }

    private void init(byte[] data, int offset, int length) {
        this.snapshotCount = -1;
        this.data = data;
        this.base = offset;
        this.length = length;
        this.fastEnd = data.length - offset - 8;
        this.limitBits = (long) length << 3;
        this.bitPos = HEADER_SIZE << 3;
        this.read = 0;
        this.total = 0;
        this.t = 0;
        this.tDelta = 0;
        this.vBits = 0;
        // Prometheus's iterator starts with leading = trailing = 0, so a (never written) '10'
        // before any '11' reads 64 bits; kept for identical behaviour on odd input.
        this.trailing = 0;
        this.sig = 64;
        this.err = null;
    }

    @Override
    public ValueType next() {
        int r = read;
        if (r >= 2 && r < total) {
            return nextSample(r);
        }
        if (r >= total) {
            read = total + 1;
            return ValueType.NONE;
        }
        return r == 0 ? firstSample() : secondSample();
    }

    /**
     * One sample from the third on. This repeats the decoding of {@link #run} on purpose: calling
     * {@code run} for one sample (its state moved to locals and back per call) made {@code next()}
     * about twice as slow (XorChunkCpuTime, 2026-11-22: constant 69 -> 34 M/s, noisy 44 -> 30 M/s).
     */
    private ValueType nextSample(int r) {
        int bp = bitPos;
        long w = peek(bp);
        long delta = tDelta;
        if (w < 0) {
            int ones = Long.numberOfLeadingZeros(~w);
            if (ones == 1) {
                delta += decodeDod((w << 2) >>> 50, 14);
                bp += 16;
            } else if (ones == 2) {
                delta += decodeDod((w << 3) >>> 47, 17);
                bp += 20;
            } else if (ones == 3) {
                delta += decodeDod((w << 4) >>> 44, 20);
                bp += 24;
            } else {
                delta += bits(bp + 4, 64);
                bp += 68;
            }
            tDelta = delta;
            w = peek(bp);
        } else {
            bp++;
            w <<= 1; // at least 56 valid bits left
        }
        t += delta;
        if (w < 0) {
            bp = readXor(bp, w, r);
            if (bp < 0) {
                return ValueType.NONE;
            }
        } else {
            bp++;
        }
        if (bp > limitBits) {
            return fail(CorruptChunkException.truncated(r, bp, length));
        }
        bitPos = bp;
        read = r + 1;
        return ValueType.FLOAT;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The same decoding as {@link #next()}, but the decoder state stays in locals for the
     * whole run of samples instead of going through the iterator's fields once per sample.
     */
    @Override
    public int nextFloats(long[] ts, double[] vs, int off, int max) {
        Objects.checkFromIndexSize(off, max, Math.min(ts.length, vs.length));
        int o = off;
        int end = off + max;
        while (o < end && read < 2) {
            if (next() == ValueType.NONE) {
                return o - off;
            }
            ts[o] = t;
            vs[o] = Double.longBitsToDouble(vBits);
            o++;
        }
        if (o < end && read >= total) {
            if (o == off) {
                read = total + 1;
            }
            return o - off;
        }
        return o - off + run(ts, vs, o, end - o, Long.MAX_VALUE);
    }

    /**
     * The decoding loop behind {@link #nextFloats} and {@link #seek}: decodes
     * at most {@code max} samples (from the third on, {@code read >= 2}), storing them at
     * {@code ts[o..]}/{@code vs[o..]} unless {@code ts} is null, and stops after the first sample
     * whose timestamp is {@code >= target}. Returns the number decoded; on corrupt data it fails the
     * iterator and returns the samples decoded before the bad one.
     */
    private int run(long[] ts, double[] vs, int o, int max, long target) {
        int r = read;
        final int stop = (int) Math.min(total, (long) r + max);
        final int r0 = r;
        final byte[] d = data;
        final int b = base;
        final int fe = fastEnd;
        final long lim = limitBits;
        int bp = bitPos;
        long tt = t;
        long delta = tDelta;
        long vb = vBits;
        int s = sig;
        int tr = trailing;
        while (r < stop) {
            int p = bp >>> 3;
            long w = (p <= fe ? (long) LONG_BE.get(d, b + p) : tailLoad(b + p)) << (bp & 7);
            if ((w >>> 62) == 0) {
                // A run of '0' '0' pairs: samples on the regular interval with the value unchanged,
                // the common case of gauges that do not move. One load serves up to 28 of them
                // (the word holds at least 57 valid bits).
                int k = Math.min(Math.min(Long.numberOfLeadingZeros(w) >>> 1, 28), stop - r);
                k = (int) Math.min(k, (lim - bp) >> 1);
                if (delta > 0 && target != Long.MAX_VALUE) {
                    long need = target - tt; // > 0: the loop stops once tt >= target
                    if (need > 0) {
                        k = (int) Math.min(k, (need + delta - 1) / delta);
                    }
                } else if (delta <= 0) {
                    k = Math.min(k, 1);
                }
                if (k > 0) {
                    if (ts != null) {
                        double v = Double.longBitsToDouble(vb);
                        for (int i = 0; i < k; i++) {
                            tt += delta;
                            ts[o + i] = tt;
                            vs[o + i] = v;
                        }
                    } else {
                        tt += delta * k;
                    }
                    o += k;
                    r += k;
                    bp += k << 1;
                    if (tt >= target) {
                        break;
                    }
                    continue;
                }
            }
            if (w < 0) {
                int ones = Long.numberOfLeadingZeros(~w);
                if (ones == 1) {
                    delta += decodeDod((w << 2) >>> 50, 14);
                    bp += 16;
                } else if (ones == 2) {
                    delta += decodeDod((w << 3) >>> 47, 17);
                    bp += 20;
                } else if (ones == 3) {
                    delta += decodeDod((w << 4) >>> 44, 20);
                    bp += 24;
                } else {
                    delta += bits(bp + 4, 64);
                    bp += 68;
                }
                p = bp >>> 3;
                w = (p <= fe ? (long) LONG_BE.get(d, b + p) : tailLoad(b + p)) << (bp & 7);
            } else {
                bp++;
                w <<= 1;
            }
            tt += delta;
            if (w < 0) {
                if ((w << 1) >= 0) {
                    long x = s <= 54 ? (w << 2) >>> (64 - s) : bits(bp + 2, s);
                    vb ^= x << tr;
                    bp += 2 + s;
                } else {
                    int lead = (int) ((w << 2) >>> 59);
                    int ns = (int) ((w << 7) >>> 58);
                    if (ns == 0) {
                        ns = 64;
                    }
                    int ntr = 64 - lead - ns;
                    if (ntr < 0) {
                        fail(CorruptChunkException.badWindow(r, bp, lead, ns));
                        return r - r0;
                    }
                    long x = ns <= 56 - NEW_WINDOW_HEADER_BITS
                            ? (w << NEW_WINDOW_HEADER_BITS) >>> (64 - ns)
                            : bits(bp + NEW_WINDOW_HEADER_BITS, ns);
                    s = ns;
                    tr = ntr;
                    vb ^= x << ntr;
                    bp += NEW_WINDOW_HEADER_BITS + ns;
                }
            } else {
                bp++;
            }
            if (bp > lim) {
                fail(CorruptChunkException.truncated(r, bp, length));
                return r - r0;
            }
            if (ts != null) {
                ts[o] = tt;
                vs[o] = Double.longBitsToDouble(vb);
            }
            r++;
            o++;
            if (tt >= target) {
                break;
            }
        }
        bitPos = bp;
        read = r;
        t = tt;
        tDelta = delta;
        vBits = vb;
        sig = s;
        trailing = tr;
        return r - r0;
    }

    /**
     * Reads a changed value whose first control bit (1) is the top bit of {@code w}, which holds
     * at least 56 valid bits. Returns the new bit position, or -1 after failing.
     */
    private int readXor(int bp, long w, int r) {
        if ((w << 1) >= 0) { // '10': reuse the window
            int s = sig;
            long x = s <= 54 ? (w << 2) >>> (64 - s) : bits(bp + 2, s);
            vBits ^= x << trailing;
            return bp + 2 + s;
        }
        // '11': a new window
        int lead = (int) ((w << 2) >>> 59);
        int s = (int) ((w << 7) >>> 58);
        if (s == 0) {
            s = 64;
        }
        int tr = 64 - lead - s;
        if (tr < 0) {
            fail(CorruptChunkException.badWindow(r, bp, lead, s));
            return -1;
        }
        long x = s <= 56 - NEW_WINDOW_HEADER_BITS
                ? (w << NEW_WINDOW_HEADER_BITS) >>> (64 - s)
                : bits(bp + NEW_WINDOW_HEADER_BITS, s);
        sig = s;
        trailing = tr;
        vBits ^= x << tr;
        return bp + NEW_WINDOW_HEADER_BITS + s;
    }

    private ValueType firstSample() {
        int p = readUvarint(HEADER_SIZE, 0);
        if (p < 0) {
            return ValueType.NONE;
        }
        long u = varint;
        t = (u >>> 1) ^ -(u & 1);
        if (p + 8 > length) {
            return fail(CorruptChunkException.truncated(0, (long) (p + 8) << 3, length));
        }
        vBits = (long) LONG_BE.get(data, base + p);
        bitPos = (p + 8) << 3;
        read = 1;
        return ValueType.FLOAT;
    }

    private ValueType secondSample() {
        int p = readUvarint(bitPos >>> 3, 1);
        if (p < 0) {
            return ValueType.NONE;
        }
        tDelta = varint;
        t += varint;
        int bp = p << 3;
        long w = peek(bp);
        if (w < 0) {
            bp = readXor(bp, w, 1);
            if (bp < 0) {
                return ValueType.NONE;
            }
        } else {
            bp++;
        }
        if (bp > limitBits) {
            return fail(CorruptChunkException.truncated(1, bp, length));
        }
        bitPos = bp;
        read = 2;
        return ValueType.FLOAT;
    }

    /** Go's binary.Uvarint at byte position {@code p}; the value goes to {@link #varint}. */
    private int readUvarint(int p, int sample) {
        long x = 0;
        int shift = 0;
        for (int i = 0; i < 10; i++) {
            if (p >= length) {
                fail(CorruptChunkException.truncated(sample, (long) p << 3, length));
                return -1;
            }
            int b = data[base + p++] & 0xFF;
            if (b < 0x80) {
                if (i == 9 && b > 1) {
                    break;
                }
                varint = x | ((long) b << shift);
                return p;
            }
            x |= (long) (b & 0x7F) << shift;
            shift += 7;
        }
        fail(CorruptChunkException.badVarint(sample, p - 1));
        return -1;
    }

    /** The 64 bits starting at bit {@code bp}, left-aligned; at least the first 57 are valid. */
    private long peek(int bp) {
        int p = bp >>> 3;
        long w = p <= fastEnd ? (long) LONG_BE.get(data, base + p) : tailLoad(base + p);
        return w << (bp & 7);
    }

    /** An 8-byte big-endian load that reads zeros past the end of the array. */
    private long tailLoad(int i) {
        byte[] d = data;
        long w = 0;
        for (int k = 0; k < 8; k++) {
            w <<= 8;
            if (i + k < d.length) {
                w |= d[i + k] & 0xFF;
            }
        }
        return w;
    }

    /** The {@code n} bits (1 to 64) at bit {@code bp}, right-aligned. */
    private long bits(int bp, int n) {
        if (n <= 57) {
            return peek(bp) >>> (64 - n);
        }
        return ((peek(bp) >>> (96 - n)) << 32) | (peek(bp + n - 32) >>> 32);
    }

    private ValueType fail(CorruptChunkException e) {
        err = e;
        total = 0;
        read = 1;
        return ValueType.NONE;
    }

    @Override
    public ValueType seek(long target) {
        if (read > total) {
            return ValueType.NONE;
        }
        if (read > 0 && t >= target) {
            return ValueType.FLOAT;
        }
        while (read < 2) {
            if (next() == ValueType.NONE) {
                return ValueType.NONE;
            }
            if (t >= target) {
                return ValueType.FLOAT;
            }
        }
        if (read < total && run(null, null, 0, total - read, target) > 0 && t >= target) {
            return ValueType.FLOAT;
        }
        if (err == null) {
            read = total + 1;
        }
        return ValueType.NONE;
    }

    @Override
    public long atT() {
        return t;
    }

    @Override
    public double atV() {
        return Double.longBitsToDouble(vBits);
    }

    @Override
    public Throwable err() {
        return err;
    }

    // Decoder state after the last sample, for XorChunk.copyOf to resume appending.

    int bitPosition() {
        return bitPos;
    }

    int numTotal() {
        return total;
    }

    long tDelta() {
        return tDelta;
    }

    int leading() {
        return 64 - sig - trailing;
    }

    int trailing() {
        return trailing;
    }
}
