package io.gnomon.tsdb.chunkenc;

import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.DOD_14_CONTROL;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.DOD_17_CONTROL;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.DOD_20_CONTROL;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.DOD_64_CONTROL;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.HEADER_SIZE;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.LONG_BE;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.MAX_LEADING;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.MAX_SAMPLES;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.MAX_SAMPLE_BYTES;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.NEW_WINDOW_HEADER_BITS;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.NO_WINDOW;
import static io.gnomon.tsdb.chunkenc.XorChunkDescriptor.fitsDod;

import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.ValueType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The XOR float chunk ("Gorilla" compression), bit-for-bit Prometheus's {@code EncXOR} chunk
 * ({@code tsdb/chunkenc/xor.go}): an open, growable chunk that also carries its appender state.
 *
 * <h2>Format</h2>
 *
 * <p>Bits are written most-significant first; the last byte is padded with 0 bits.
 *
 * <pre>
 * field            width            meaning
 * ---------------  ---------------  ---------------------------------------------------------------
 * num_samples      16 bits          uint16, big-endian; the count of samples that follow
 * t0               1-10 bytes       signed varint (zig-zag), Go's binary.PutVarint
 * v0               64 bits          IEEE-754 bits of the first value, big-endian, as they are
 *                                   (NaN payloads such as the stale marker survive)
 * t1 - t0          1-10 bytes       unsigned varint of the delta, Go's binary.PutUvarint
 * v1               varbit_xor       value 1 XOR value 0, see below
 * for each further sample n >= 2:
 *   dod            varbit_ts        (t[n] - t[n-1]) - (t[n-1] - t[n-2])
 *   v[n]           varbit_xor       value n XOR value n-1
 * padding          0-7 bits         zeros up to the byte boundary
 *
 * varbit_ts (delta of delta, 1 to 68 bits):
 *   0                               dod = 0
 *   10   + 14 bits                  -8191   .. 8192     two's complement, but the pattern
 *   110  + 17 bits                  -65535  .. 65536    1000...0 means +2^(n-1), never -2^(n-1)
 *   1110 + 20 bits                  -524287 .. 524288
 *   1111 + 64 bits                  any other dod
 *
 * varbit_xor (x = bits(v[n]) XOR bits(v[n-1]), 1 to 77 bits):
 *   0                               x = 0: the same value (bits, not ==: NaN repeats too)
 *   10 + (64 - L - T) bits          x >>> T, reusing the window (L leading, T trailing zeros) of
 *                                   the last "11"; chosen when x has at least L leading and at
 *                                   least T trailing zeros
 *   11 + 5 bits L + 6 bits S        a new window: L = leading zeros of x capped at 31,
 *      + S bits                     T = trailing zeros, S = 64 - L - T significant bits
 *                                   (S = 64 is written as 0), then x >>> T
 * </pre>
 *
 * <p>The first value XOR (sample 1) always opens a new window: the appender starts with no
 * window. Varints and v0 are byte-aligned; everything from v1 on is a bit stream.
 *
 * <p>Length: the data ends with the byte that holds the last bit, as Prometheus 3.0 and later
 * write it. Prometheus 2.x (before prometheus/prometheus#14854) appended one more zero byte when
 * the stream ended on a byte boundary reached by a whole-byte write; such chunks decode the same
 * (readers stop after num_samples), only their length and CRC differ.
 *
 * <h2>Worked example</h2>
 *
 * <p>Samples {@code (1000, 1.0) (2000, 1.0) (3000, 2.0) (4005, 2.0) (5005, 4.0)} encode to 23 bytes:
 *
 * <pre>
 * 00 05                      num_samples = 5
 * D0 0F                      t0 = 1000: zig-zag 2000 = 0x7D0 -> varint D0 0F
 * 3F F0 00 00 00 00 00 00    v0 = 1.0
 * E8 07                      t1 - t0 = 1000 -> uvarint E8 07
 * then the bit stream:
 *   0                                   v1: same as v0
 *   0                                   t2: dod 0
 *   11 00001 001011 11111111111         v2: 1.0 ^ 2.0 = 0x7FF0000000000000, L=1 T=52 S=11
 *   10 00000000000101                   t3: dod = 1005 - 1000 = 5
 *   0                                   v3: same
 *   10 11111111111011                   t4: dod = 1000 - 1005 = -5 (14-bit two's complement)
 *   10 00000000001                      v4: 2.0 ^ 4.0 = 0x0010000000000000: L=11 >= 1, T=52 >= 52,
 *                                       so the window is reused: 11 bits of x >>> 52 = 1
 * = 72 bits, no padding:
 * 30 97 FF E0 01 57 FF 70 01
 * </pre>
 *
 * <h2>Memory</h2>
 *
 * <p>The head keeps one open chunk per series, so the state is kept small (one array reference,
 * three longs, an int, a char and two bytes: 48 bytes with compressed oops) and the array grows
 * by copy towards the size projected for 120 samples at the rate seen so far. {@link #trim()}
 * shrinks the array to the encoded length when the chunk is cut.
 *
 * <h2>Subclassing</h2>
 *
 * <p>The head's series extend this class to be their own open chunk: the encoder state then sits
 * in the series object, so appending a sample touches the series and the chunk's bytes, not a
 * third object between them (measured: about half the cost per sample when every sample is of
 * another series). Such a subclass ends a chunk with {@link #cutOff()}, which hands the samples to
 * a new plain chunk and leaves the subclass empty for the next one, and replaces or drops its
 * samples with {@link #assign} and {@link #clear()}. Every method is final: a subclass that keeps
 * more state than the chunk's (the head's newest timestamp, its cut time) routes appends through
 * its own method and calls {@link #append} from there.
 *
 * <h2>Thread-safety</h2>
 *
 * <p>One appender thread. Readers call {@link #snapshotIterator}, {@link #iterator},
 * {@link #bytes()} or {@link #numSamples()} under the same lock as the appender; the iterator
 * they get captures (array, length, sample count) and may then be used without the lock while
 * appends continue: appends only add bits after the snapshot's last bit (a partially written last
 * byte only gains bits in its zero padding), and when the array grows or is trimmed the appender
 * switches to a copy and never writes the captured array again. The sample-count header in the
 * array is brought up to date by {@link #bytes()} and {@link #trim()} only (appends leave it, so as
 * not to touch the array's first cache line each time), which is why a snapshot iterator uses
 * its captured count, not the header.
 */
public class XorChunk implements Chunk {
    /**
     * Bytes that must be free past the current byte before an append: the largest sample plus the
     * 8-byte word that {@link #put} stores at the byte holding the last bit.
     */
    static final int HEADROOM = MAX_SAMPLE_BYTES + 8;
    /** Samples a chunk is usually cut at (Prometheus's target); sizes the projected growth. */
    static final int TARGET_SAMPLES = 120;
    private static final int INITIAL_CAPACITY = 48;
    /**
     * The array of a chunk created with capacity 0 or cleared: just the header of an empty chunk
     * (zeros, and only ever written with the count 0 by {@link #syncHeader}); the first append
     * allocates, as it finds no headroom.
     */
    private static final byte[] NO_BYTES = new byte[HEADER_SIZE];

    private byte[] data;
    private long t;
    private long tDelta;
    private long vBits;
    /** Bits written so far, counting the 16 header bits. */
    private int bitPos;
    private char count;
    private byte leading;
    private byte trailing;

    /** A new, empty chunk. */
    public XorChunk() {
        this(INITIAL_CAPACITY);
    }

    /**
     * A new, empty chunk with room for {@code capacity} bytes before the first growth (for a
     * caller that knows the series' usual chunk size); 0 allocates nothing until the first append.
     */
    public XorChunk(int capacity) {
        data = capacity == 0 ? NO_BYTES : new byte[Math.max(capacity, HEADER_SIZE + HEADROOM)];
        bitPos = HEADER_SIZE * 8;
        leading = (byte) NO_WINDOW;
    }

    /**
     * Ends this chunk: returns a new chunk holding its samples (array trimmed to the encoded
     * length, appender state included) and leaves this one empty, as a new chunk with capacity 0.
     * Iterators taken before keep reading the array they captured, which is never written again.
     */
    protected final XorChunk cutOff() {
        syncHeader();
        XorChunk c = new XorChunk(0);
        int used = length();
        c.data = data.length == used ? data : Arrays.copyOf(data, used);
        c.copyStateFrom(this);
        clear();
        return c;
    }

    /**
     * Makes this chunk hold the samples of {@code other} (its array and state, shared: the caller
     * drops {@code other}). Iterators taken before keep reading the old array, never written again.
     */
    protected final void assign(XorChunk other) {
        data = other.data;
        copyStateFrom(other);
    }

    /** Drops every sample, as a new chunk with capacity 0; iterators taken before are unaffected. */
    protected final void clear() {
        data = NO_BYTES;
        t = 0;
        tDelta = 0;
        vBits = 0;
        bitPos = HEADER_SIZE * 8;
        count = 0;
        leading = (byte) NO_WINDOW;
        trailing = 0;
    }

    private void copyStateFrom(XorChunk o) {
        t = o.t;
        tDelta = o.tDelta;
        vBits = o.vBits;
        bitPos = o.bitPos;
        count = o.count;
        leading = o.leading;
        trailing = o.trailing;
    }

    /**
     * A chunk holding a copy of the Prometheus-encoded {@code length} bytes at {@code offset},
     * ready for more appends (used to reopen a chunk after replay or from disk).
     *
     * <p>As Prometheus's {@code XORChunk.Appender()}, the appender state is the decoder's state
     * after the last sample; in particular a chunk whose values never changed resumes with a
     * 64-bit-wide window (leading = trailing = 0), exactly as Prometheus would.
     *
     * @throws CorruptChunkException when the bytes do not decode
     */
    public static XorChunk copyOf(byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        XorIterator it = iterator(src, offset, length, null);
        while (it.next() != ValueType.NONE) {
            // Replays to the end to learn the appender state.
        }
        if (it.err() != null) {
            throw (CorruptChunkException) it.err();
        }
        XorChunk c = new XorChunk(0);
        int used = (it.bitPosition() + 7) >>> 3;
        c.data = Arrays.copyOf(Arrays.copyOfRange(src, offset, offset + used), used + HEADROOM);
        c.bitPos = it.bitPosition();
        int pad = (8 - (c.bitPos & 7)) & 7;
        c.data[used - 1] &= (byte) (0xFF << pad); // put() needs zeros past bitPos.
        c.count = (char) it.numTotal();
        if (c.count > 0) {
            c.t = it.atT();
            c.vBits = Double.doubleToRawLongBits(it.atV());
            c.tDelta = it.tDelta();
            c.leading = (byte) it.leading();
            c.trailing = (byte) it.trailing();
        }
        return c;
    }

    /**
     * An iterator over Prometheus-encoded XOR chunk data (header included) at
     * {@code data[offset, offset + length)}. Corrupt or truncated data ends the iteration with
     * {@link CorruptChunkException} in {@link XorIterator#err()}; nothing is thrown.
     *
     * @param reuse an iterator to reset and return, or {@code null} to allocate one
     * @throws IndexOutOfBoundsException when the range is not inside {@code data}
     */
    public static XorIterator iterator(byte[] data, int offset, int length, XorIterator reuse) {
        XorIterator it = reuse != null ? reuse : new XorIterator();
        it.reset(data, offset, length);
        return it;
    }

    /**
     * Appends a sample. The caller guarantees {@code t} is greater than the last appended
     * timestamp (not checked: the head rejects out-of-order samples before they get here).
     *
     * @throws IllegalStateException when the chunk already holds {@link XorChunkDescriptor#MAX_SAMPLES} samples
     */
    public final void append(long t, double v) {
        int n = count;
        if (data.length - (bitPos >>> 3) < HEADROOM) {
            grow();
        }
        long vb = Double.doubleToRawLongBits(v);
        if (n >= 2) {
            if (n == MAX_SAMPLES) {
                throw new IllegalStateException("chunk is full [samples=" + n + "]");
            }
            long delta = t - this.t;
            long dod = delta - tDelta;
            int bp = bitPos;
            if (dod == 0) {
                bp++; // '0': the array is zero past bitPos, so a 0 bit needs no store.
            } else {
                bp = putDod(bp, dod);
            }
            bitPos = putValue(bp, vb ^ vBits);
            tDelta = delta;
        } else if (n == 0) {
            int p = putUvarint(bitPos >>> 3, (t << 1) ^ (t >> 63));
            LONG_BE.set(data, p, vb);
            bitPos = (p + 8) << 3;
        } else {
            long delta = t - this.t;
            int p = putUvarint(bitPos >>> 3, delta);
            bitPos = putValue(p << 3, vb ^ vBits);
            tDelta = delta;
        }
        this.t = t;
        vBits = vb;
        count = (char) (n + 1);
        // The count header is written by bytes() and trim(), not here: it sits on the array's
        // first cache line, which an append to a long chunk would otherwise touch every time.
    }

    /**
     * Reads the byte the next append writes first, without any lock, so that its cache line is
     * loaded before the append needs it: a caller about to append to many chunks touches a
     * group of them first, and their cache misses overlap instead of following one another.
     * The value means nothing; a racing append or cut at worst makes the read useless.
     */
    protected final int touchTail() {
        byte[] d = data;
        int p = bitPos >>> 3;
        return p < d.length ? d[p] : 0;
    }

    /** Writes the sample count into the 2-byte header. */
    private void syncHeader() {
        data[0] = (byte) (count >>> 8);
        data[1] = (byte) count;
    }

    private int putUvarint(int p, long u) {
        byte[] d = data;
        while ((u & ~0x7FL) != 0) {
            d[p++] = (byte) (u | 0x80);
            u >>>= 7;
        }
        d[p++] = (byte) u;
        return p;
    }

    private int putDod(int bp, long dod) {
        if (fitsDod(dod, 14)) {
            return put(bp, ((long) DOD_14_CONTROL << 14) | (dod & 0x3FFF), 16);
        }
        if (fitsDod(dod, 17)) {
            return put(bp, ((long) DOD_17_CONTROL << 17) | (dod & 0x1FFFF), 20);
        }
        if (fitsDod(dod, 20)) {
            return put(bp, ((long) DOD_20_CONTROL << 20) | (dod & 0xFFFFF), 24);
        }
        return putWide(put(bp, DOD_64_CONTROL, 4), dod, 64);
    }

    private int putValue(int bp, long x) {
        if (x == 0) {
            return bp + 1; // '0': same value.
        }
        int lead = Math.min(Long.numberOfLeadingZeros(x), MAX_LEADING);
        int trail = Long.numberOfTrailingZeros(x);
        int oldLead = leading & 0xff;
        int oldTrail = trailing;
        // With no window yet, oldLead is NO_WINDOW (255) and the test fails by itself.
        if (lead >= oldLead && trail >= oldTrail) {
            int sig = 64 - oldLead - oldTrail;
            if (sig <= 55) {
                return put(bp, (0b10L << sig) | (x >>> oldTrail), sig + 2);
            }
            return putWide(put(bp, 0b10, 2), x >>> oldTrail, sig);
        }
        leading = (byte) lead;
        trailing = (byte) trail;
        int sig = 64 - lead - trail;
        long header = (0b11L << 11) | ((long) lead << 6) | (sig & 63);
        if (sig <= 57 - NEW_WINDOW_HEADER_BITS) {
            return put(bp, (header << sig) | (x >>> trail), NEW_WINDOW_HEADER_BITS + sig);
        }
        return putWide(put(bp, header, NEW_WINDOW_HEADER_BITS), x >>> trail, sig);
    }

    /**
     * Writes the low {@code n} bits of {@code bits} (1 to 57, bits above them ignored) at bit
     * {@code bp}: one 8-byte store. Relies on every bit past {@code bp} being 0, so only the
     * partial byte at {@code bp} is read back: a byte load stays inside the previous 8-byte store
     * and is forwarded from it, where an 8-byte load at a different offset would stall on it.
     */
    private int put(int bp, long bits, int n) {
        int p = bp >>> 3;
        byte[] d = data;
        LONG_BE.set(d, p, ((long) d[p] << 56) | ((bits << (64 - n)) >>> (bp & 7)));
        return bp + n;
    }

    /** {@link #put} for up to 64 bits. */
    private int putWide(int bp, long bits, int n) {
        if (n <= 57) {
            return put(bp, bits, n);
        }
        return put(put(bp, bits >>> 32, n - 32), bits, 32);
    }

    /**
     * Copies the bytes into a larger array. A reader holding the old array keeps a consistent
     * snapshot. Before 120 samples the new size is the one projected for 120 samples at the bit
     * rate of the samples after the first two (which carry the full timestamp and value); after
     * that, or with too few samples to project, the array grows by half.
     */
    private void grow() {
        int used = (bitPos + 7) >>> 3;
        long target;
        int n = count;
        if (n >= 8 && n < TARGET_SAMPLES) {
            int firstTwo = firstTwoSamplesBits();
            long rate = ((long) bitPos - firstTwo + (n - 3)) / (n - 2); // bits per sample, rounded up
            target = ((firstTwo + rate * (TARGET_SAMPLES - 2) + 7) >>> 3) + HEADROOM;
        } else {
            target = used + (used >>> 1);
        }
        long min = Math.max(used + HEADROOM + 8, INITIAL_CAPACITY);
        int cap = (int) Math.min(Math.max(target, min), Integer.MAX_VALUE - 16);
        data = Arrays.copyOf(data, cap);
    }

    /** Bits up to the end of t1 - t0, plus a typical 13-bit window header for v1. */
    private int firstTwoSamplesBits() {
        int p = skipVarint(skipVarint(HEADER_SIZE) + 8);
        return (p << 3) + NEW_WINDOW_HEADER_BITS;
    }

    private int skipVarint(int p) {
        while ((data[p] & 0x80) != 0) {
            p++;
        }
        return p + 1;
    }

    /** Shrinks the array to the encoded length; call when the chunk is cut. Appending after it still works. */
    public final void trim() {
        syncHeader();
        int used = length();
        if (data.length != used) {
            data = Arrays.copyOf(data, used);
        }
    }

    /** Encoded length in bytes, header and padding included. */
    public final int length() {
        return (bitPos + 7) >>> 3;
    }

    /** Bits written, header included; the encoded length is this rounded up to whole bytes. */
    int bitLength() {
        return bitPos;
    }

    /** Bytes held by the backing array (for memory accounting and tests). */
    public final int capacity() {
        return data.length;
    }

    /** The timestamp of the last sample; undefined when the chunk is empty. */
    public final long lastTimestamp() {
        return t;
    }

    /** The bits of the last sample's value; undefined when the chunk is empty. */
    public final long lastValueBits() {
        return vBits;
    }

    /** The timestamp of the first sample; decodes the header varint. Undefined when empty. */
    public final long firstTimestamp() {
        long u = 0;
        int shift = 0;
        int p = HEADER_SIZE;
        int b;
        do {
            b = data[p++];
            u |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return (u >>> 1) ^ -(u & 1);
    }

    @Override
    public final Encoding encoding() {
        return Encoding.XOR;
    }

    @Override
    public final ByteBuffer bytes() {
        syncHeader();
        return ByteBuffer.wrap(data, 0, length()).slice().asReadOnlyBuffer();
    }

    @Override
    public final int numSamples() {
        return count;
    }

    @Override
    public final SampleIterator iterator(SampleIterator reuse) {
        return snapshotIterator(reuse instanceof XorIterator ? (XorIterator) reuse : null);
    }

    /**
     * An iterator over the samples appended so far; later appends are not seen. Call under the
     * lock that guards {@link #append}; the iterator may be used after the lock is released.
     */
    public final XorIterator snapshotIterator(XorIterator reuse) {
        XorIterator it = reuse != null ? reuse : new XorIterator();
        it.reset(data, 0, length(), count);
        return it;
    }
}
