package io.gnomon.tsdb.record;

import io.gnomon.tsdb.labels.InvalidLabelsException;
import io.gnomon.tsdb.labels.Labels;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;

/**
 * Decodes records written by {@link RecordEncoder} and hands their entries to a
 * {@link RecordVisitor}. A record that does not parse is reported by {@link CorruptRecordException}
 * naming the type and offset; entries before the corruption have been delivered. Unknown record
 * types are skipped (forward compatibility) and counted by the caller via the return value.
 * Reusable, not thread-safe.
 */
public final class RecordDecoder {

    private byte[] scratch = new byte[256];
    private final Labels.Builder labels = Labels.builder();
    private DirectBuffer buf;
    /**
     * The array behind {@link #buf} when it has one, and the index of buffer position 0 in it:
     * bytes are then read from the array (a plain load) instead of through the buffer's bounds-
     * checked accessor, which was most of the cost of decoding a sample record.
     */
    private byte[] arr;
    private int adj;
    private int pos;
    private int end;

    /** Thrown for a record that does not parse. */
    public static final class CorruptRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(String message) {
            super(message);
        }
    }

    /**
     * Decodes one record. Returns its type, or {@code -1} for an empty record.
     *
     * @throws CorruptRecordException when the bytes do not form a valid record
     */
    public int decode(DirectBuffer buffer, int offset, int length, RecordVisitor v) {
        if (length == 0) {
            return -1;
        }
        this.buf = buffer;
        this.arr = buffer.byteArray();
        this.adj = arr == null ? 0 : (int) buffer.wrapAdjustment();
        this.pos = offset;
        this.end = offset + length;
        byte type = buffer.getByte(pos++);
        try {
            switch (type) {
                case RecordDescriptor.SERIES -> series(v);
                case RecordDescriptor.SAMPLES -> samples(v);
                case RecordDescriptor.XOR_SAMPLES -> xorSamples(v);
                case RecordDescriptor.EXEMPLARS -> exemplars(v);
                case RecordDescriptor.METADATA -> metadata(v);
                case RecordDescriptor.XOR_BASES -> xorBases(v);
                case RecordDescriptor.ST_SAMPLES -> stSamples(v);
                case RecordDescriptor.TOMBSTONES -> tombstones(v);
                default -> {
                    // Unknown or reserved type: skipped.
                }
            }
        } catch (IndexOutOfBoundsException | InvalidLabelsException e) {
            throw corrupt(type, e.getMessage());
        }
        if (pos != end && (type == RecordDescriptor.SERIES || type == RecordDescriptor.SAMPLES
            || type == RecordDescriptor.XOR_SAMPLES
            || type == RecordDescriptor.EXEMPLARS || type == RecordDescriptor.METADATA
            || type == RecordDescriptor.XOR_BASES || type == RecordDescriptor.TOMBSTONES
            || type == RecordDescriptor.ST_SAMPLES)) {
            throw corrupt(type, "trailing bytes");
        }
        return type;
    }

    private CorruptRecordException corrupt(byte type, String why) {
        return new CorruptRecordException("corrupt record [type=" + type + ", offset=" + pos + ", reason=" + why + "]");
    }

    private void series(RecordVisitor v) {
        long n = count();
        for (long i = 0; i < n; i++) {
            long ref = uvarint();
            v.series(ref, labelSet());
        }
    }

    private void samples(RecordVisitor v) {
        long n = count();
        if (n == 0) {
            return;
        }
        long baseRef = varint();
        long baseT = varint();
        for (long i = 0; i < n; i++) {
            long ref = baseRef + varint();
            long t = baseT + varint();
            double val = Double.longBitsToDouble(long8());
            v.sample(ref, t, val);
        }
    }

    private void stSamples(RecordVisitor v) {
        long n = count();
        if (n == 0) {
            return;
        }
        long baseRef = varint();
        long baseT = varint();
        for (long i = 0; i < n; i++) {
            long ref = baseRef + varint();
            long t = baseT + varint();
            double val = Double.longBitsToDouble(long8());
            long st = t - varint();
            v.stSample(ref, t, val, st);
        }
    }

    private void xorSamples(RecordVisitor v) {
        long n = count();
        long ref = 0;
        long t = 0;
        for (long i = 0; i < n; i++) {
            check(1);
            int h = get(pos++) & 0xFF;
            if ((h & ~RecordDescriptor.XOR_FLAGS) != 0) {
                throw new IndexOutOfBoundsException("bad entry header " + h);
            }
            ref += (h & RecordDescriptor.XOR_REF_EXPLICIT) != 0 ? varint() : 1;
            if ((h & RecordDescriptor.XOR_T_EXPLICIT) != 0) {
                t += varint();
            }
            long x = 0;
            if ((h & RecordDescriptor.XOR_VALUE_CHANGED) != 0) {
                check(1);
                int c = get(pos++) & 0xFF;
                int lz = c >>> 3;
                int tz = c & 7;
                int len = 8 - lz - tz;
                if (lz > 7 || len <= 0) {
                    throw new IndexOutOfBoundsException("bad xor control byte " + c);
                }
                check(len);
                for (int k = 0; k < len; k++) {
                    x = (x << 8) | (get(pos++) & 0xFF);
                }
                x <<= tz << 3;
            }
            v.xorSample(ref, t, x);
        }
    }

    private void exemplars(RecordVisitor v) {
        long n = count();
        for (long i = 0; i < n; i++) {
            long ref = uvarint();
            long t = varint();
            double val = Double.longBitsToDouble(long8());
            v.exemplar(ref, t, val, labelSet());
        }
    }

    private void tombstones(RecordVisitor v) {
        long n = count();
        for (long i = 0; i < n; i++) {
            long ref = uvarint();
            long mint = varint();
            v.tombstone(ref, mint, varint());
        }
    }

    private void xorBases(RecordVisitor v) {
        long n = count();
        for (long i = 0; i < n; i++) {
            long ref = uvarint();
            v.xorBase(ref, long8());
        }
    }

    private void metadata(RecordVisitor v) {
        long n = count();
        for (long i = 0; i < n; i++) {
            long ref = uvarint();
            v.metadata(ref, string(), string(), string(), string());
        }
    }

    private long count() {
        long n = uvarint();
        if (n > end - pos) {
            // Every entry takes at least one byte: a count past the remaining bytes is corrupt.
            throw new IndexOutOfBoundsException("entry count " + n + " exceeds record length");
        }
        return n;
    }

    private Labels labelSet() {
        long n = uvarint();
        if (n > (end - pos) / 2) {
            throw new IndexOutOfBoundsException("label count " + n + " exceeds record length");
        }
        labels.reset();
        for (long i = 0; i < n; i++) {
            labels.add(string(), string());
        }
        return labels.build();
    }

    private long long8() {
        check(8);
        long x = buf.getLong(pos, ByteOrder.BIG_ENDIAN);
        pos += 8;
        return x;
    }

    private String string() {
        long len = uvarint();
        if (len < 0 || len > end - pos) {
            throw new IndexOutOfBoundsException("string length " + len + " exceeds record length");
        }
        int l = (int) len;
        if (scratch.length < l) {
            scratch = new byte[Math.max(l, scratch.length * 2)];
        }
        buf.getBytes(pos, scratch, 0, l);
        pos += l;
        return new String(scratch, 0, l, StandardCharsets.UTF_8);
    }

    private long uvarint() {
        long x = 0;
        int shift = 0;
        while (true) {
            check(1);
            byte b = get(pos++);
            x |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return x;
            }
            shift += 7;
            if (shift > 63) {
                throw new IndexOutOfBoundsException("varint too long");
            }
        }
    }

    private long varint() {
        long u = uvarint();
        return (u >>> 1) ^ -(u & 1);
    }

    /** The byte at buffer position {@code i} (bounds checked by the caller against {@link #end}). */
    private byte get(int i) {
        byte[] a = arr;
        return a != null ? a[i + adj] : buf.getByte(i);
    }

    private void check(int n) {
        if (pos + n > end) {
            throw new IndexOutOfBoundsException("record truncated");
        }
    }
}
