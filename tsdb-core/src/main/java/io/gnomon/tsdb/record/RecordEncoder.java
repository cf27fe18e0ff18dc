package io.gnomon.tsdb.record;

import io.gnomon.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes records (format in {@link RecordDescriptor}) into a reusable, growing buffer. Start a
 * record with one of the {@code begin*} methods, add entries, then {@link #finish()} patches the
 * entry count and returns the record's length; the bytes are {@code buffer()[0, length)}.
 * Not thread-safe; one encoder per appender.
 */
public final class RecordEncoder {

    /** Bytes reserved for the entry count, patched by {@link #finish()} (5 = uvarint of 2^32). */
    private static final int COUNT_BYTES = 5;

    private final ExpandableArrayBuffer buf = new ExpandableArrayBuffer(4096);
    private int pos;
    private int count;
    private byte type;
    private long baseRef;
    private long baseT;

    public MutableDirectBuffer buffer() {
        return buf;
    }

    /** Starts a SERIES record. */
    public void beginSeries() {
        begin(RecordDescriptor.SERIES);
    }

    public void series(long ref, Labels labels) {
        putUvarint(ref);
        putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            putString(labels.name(i));
            putString(labels.value(i));
        }
        count++;
    }

    /** Starts a SAMPLES record whose deltas are taken against the first sample. */
    public void beginSamples() {
        begin(RecordDescriptor.SAMPLES);
    }

    public void sample(long ref, long t, double v) {
        if (count == 0) {
            baseRef = ref;
            baseT = t;
            putVarint(ref);
            putVarint(t);
        }
        putVarint(ref - baseRef);
        putVarint(t - baseT);
        buf.putLong(pos, Double.doubleToRawLongBits(v), java.nio.ByteOrder.BIG_ENDIAN);
        pos += 8;
        count++;
    }

    /** Starts an ST_SAMPLES record (see {@link RecordDescriptor#ST_SAMPLES}). */
    public void beginStSamples() {
        begin(RecordDescriptor.ST_SAMPLES);
    }

    /** Adds a sample with start timestamp {@code st} (0: none) to an ST_SAMPLES record. */
    public void stSample(long ref, long t, double v, long st) {
        sample(ref, t, v);
        putVarint(t - st);
    }

    private long prevRef;
    private long prevT;

    /** Starts an XOR_SAMPLES record (see {@link RecordDescriptor#XOR_SAMPLES}). */
    public void beginXorSamples() {
        begin(RecordDescriptor.XOR_SAMPLES);
        prevRef = 0;
        prevT = 0;
    }

    /** Adds a sample whose value is given as its bits XORed with the series' previous logged bits. */
    public void xorSample(long ref, long t, long xorBits) {
        long dRef = ref - prevRef;
        long dT = t - prevT;
        prevRef = ref;
        prevT = t;
        int h = (dRef == 1 ? 0 : RecordDescriptor.XOR_REF_EXPLICIT)
            | (dT == 0 ? 0 : RecordDescriptor.XOR_T_EXPLICIT)
            | (xorBits == 0 ? 0 : RecordDescriptor.XOR_VALUE_CHANGED);
        // At most 1 + 10 + 10 + 1 + 8 bytes: one capacity check, then plain array stores.
        buf.checkLimit(pos + 30);
        byte[] a = buf.byteArray();
        int p = pos;
        a[p++] = (byte) h;
        if (dRef != 1) {
            p = uvarint(a, p, zigzag(dRef));
        }
        if (dT != 0) {
            p = uvarint(a, p, zigzag(dT));
        }
        if (xorBits != 0) {
            int lz = Long.numberOfLeadingZeros(xorBits) >>> 3;
            int tz = Long.numberOfTrailingZeros(xorBits) >>> 3;
            int n = 8 - lz - tz;
            a[p++] = (byte) (lz << 3 | tz);
            long mid = xorBits >>> (tz << 3);
            for (int i = n - 1; i >= 0; i--) {
                a[p++] = (byte) (mid >>> (i << 3));
            }
        }
        pos = p;
        count++;
    }

    public void beginExemplars() {
        begin(RecordDescriptor.EXEMPLARS);
    }

    public void exemplar(long ref, long t, double v, Labels labels) {
        putUvarint(ref);
        putVarint(t);
        buf.putLong(pos, Double.doubleToRawLongBits(v), java.nio.ByteOrder.BIG_ENDIAN);
        pos += 8;
        putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            putString(labels.name(i));
            putString(labels.value(i));
        }
        count++;
    }

    /** Starts a TOMBSTONES record. */
    public void beginTombstones() {
        begin(RecordDescriptor.TOMBSTONES);
    }

    public void tombstone(long ref, long mint, long maxt) {
        putUvarint(ref);
        putVarint(mint);
        putVarint(maxt);
        count++;
    }

    /** Starts an XOR_BASES record (see {@link RecordDescriptor#XOR_BASES}). */
    public void beginXorBases() {
        begin(RecordDescriptor.XOR_BASES);
    }

    public void xorBase(long ref, long bits) {
        putUvarint(ref);
        buf.putLong(pos, bits, java.nio.ByteOrder.BIG_ENDIAN);
        pos += 8;
        count++;
    }

    public void beginMetadata() {
        begin(RecordDescriptor.METADATA);
    }

    public void metadata(long ref, String metricName, String type, String unit, String help) {
        putUvarint(ref);
        putString(metricName);
        putString(type);
        putString(unit);
        putString(help);
        count++;
    }

    /** Entries added since the last begin. */
    public int count() {
        return count;
    }

    /** Ends the record; returns its length in bytes. */
    public int finish() {
        // The count goes into a fixed 5-byte slot as a padded uvarint (continuation bits set on
        // the leading bytes), so no bytes have to move.
        int c = count;
        int p = 1;
        for (int i = 0; i < COUNT_BYTES - 1; i++) {
            buf.putByte(p++, (byte) ((c & 0x7F) | 0x80));
            c >>>= 7;
        }
        buf.putByte(p, (byte) (c & 0x7F));
        return pos;
    }

    private void begin(byte t) {
        type = t;
        buf.putByte(0, t);
        pos = 1 + COUNT_BYTES;
        count = 0;
    }

    /** The type of the record being built. */
    public byte type() {
        return type;
    }

    private void putUvarint(long v) {
        buf.checkLimit(pos + 10);
        pos = uvarint(buf.byteArray(), pos, v);
    }

    /** Writes {@code v} as a uvarint at {@code a[p]} (room checked by the caller); returns the end. */
    private static int uvarint(byte[] a, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            a[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        a[p++] = (byte) v;
        return p;
    }

    private void putVarint(long v) {
        putUvarint(zigzag(v));
    }

    /** Go's signed-varint mapping: 0, -1, 1, -2, ... to 0, 1, 2, 3, ... */
    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    /**
     * A uvarint length and the UTF-8 bytes. Label strings are nearly always ASCII: those are
     * copied char by char into the buffer without the array that {@code getBytes} allocates.
     */
    private void putString(String s) {
        int len = s.length();
        if (len < 128) {
            buf.checkLimit(pos + 1 + len);
            byte[] a = buf.byteArray();
            int p = pos + 1;
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    putUtf8(s);
                    return;
                }
                a[p + i] = (byte) c;
            }
            a[pos] = (byte) len;
            pos = p + len;
            return;
        }
        putUtf8(s);
    }

    private void putUtf8(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        putUvarint(b.length);
        buf.putBytes(pos, b);
        pos += b.length;
    }
}
