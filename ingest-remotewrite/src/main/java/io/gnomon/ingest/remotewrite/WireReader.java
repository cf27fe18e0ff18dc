package io.gnomon.ingest.remotewrite;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A cursor over protobuf wire data in a byte array: tags, varints, fixed64 and length-delimited
 * fields, with every length checked against the enclosing limit. No objects are created except
 * on the error path. Reusable: {@link #reset} points it at new data. Not thread-safe.
 *
 * <p>Callers nest by saving {@link #limit()}, calling {@link #pushLimit(int)} with the length of
 * an embedded message, and restoring with {@link #popLimit(int)} once {@link #hasMore()} is false.
 */
final class WireReader {

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int pos;
    private int limit;

    void reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.limit = off + len;
    }

    byte[] buffer() {
        return buf;
    }

    int pos() {
        return pos;
    }

    void pos(int pos) {
        this.pos = pos;
    }

    int limit() {
        return limit;
    }

    boolean hasMore() {
        return pos < limit;
    }

    /** Narrows the limit to the next {@code len} bytes and returns the old limit. */
    int pushLimit(int len) {
        int old = limit;
        limit = pos + len;
        return old;
    }

    void popLimit(int old) {
        pos = limit;
        limit = old;
    }

    /** Reads a tag: {@code field << 3 | wireType}; rejects field 0 and group wire types. */
    int readTag() {
        int at = pos;
        long tag = readVarint64();
        int wireType = (int) (tag & 7);
        if ((tag >>> 3) == 0 || (tag >>> 3) > 0x1fffffff || wireType == 3 || wireType == 4 || wireType > 5) {
            throw MalformedRequestException.badTag(tag, at);
        }
        return (int) tag;
    }

    long readVarint64() {
        int p = pos;
        byte[] b = buf;
        int lim = limit;
        if (p < lim) {
            int x = b[p];
            if (x >= 0) {
                pos = p + 1;
                return x;
            }
        }
        if (lim - p >= 8) {
            // Up to 8 bytes (56 bits: timestamps in ms are 6) without a loop: one 8-byte load,
            // the first byte whose high bit is clear ends the varint, then the 7-bit groups are
            // packed together with shifts and masks.
            long w = (long) LONG_LE.get(b, p);
            long stop = ~w & 0x8080808080808080L;
            if (stop != 0) {
                int bits = Long.numberOfTrailingZeros(stop) + 1;
                long v = bits == 64 ? w : w & ((1L << bits) - 1);
                v = (v & 0x7FL) | ((v >>> 1) & 0x3F80L) | ((v >>> 2) & 0x1FC000L) | ((v >>> 3) & 0xFE00000L)
                    | ((v >>> 4) & 0x7F0000000L) | ((v >>> 5) & 0x3F800000000L) | ((v >>> 6) & 0x1FC0000000000L)
                    | ((v >>> 7) & 0xFE000000000000L);
                pos = p + (bits >>> 3);
                return v;
            }
        }
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= lim) {
                throw MalformedRequestException.truncated("varint", p);
            }
            byte x = b[p++];
            result |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                pos = p;
                return result;
            }
        }
        throw MalformedRequestException.badVarint(pos);
    }

    long readFixed64() {
        int p = pos;
        if (limit - p < 8) {
            throw MalformedRequestException.truncated("fixed64", p);
        }
        pos = p + 8;
        return (long) LONG_LE.get(buf, p);
    }

    /** The little-endian double at {@code at}; the caller has checked the bounds. */
    double readDouble(int at) {
        return Double.longBitsToDouble((long) LONG_LE.get(buf, at));
    }

    double readDouble() {
        return Double.longBitsToDouble(readFixed64());
    }

    /** Reads the length prefix of a length-delimited field and checks it fits. */
    int readLength() {
        int at = pos;
        long len = readVarint64();
        if (len < 0 || len > limit - pos) {
            throw MalformedRequestException.badLength(len, at, limit - pos);
        }
        return (int) len;
    }

    /** Skips the value of a field with this wire type. */
    void skip(int wireType) {
        switch (wireType) {
            case RemoteWriteDescriptor.WT_VARINT -> readVarint64();
            case RemoteWriteDescriptor.WT_FIXED64 -> {
                if (limit - pos < 8) {
                    throw MalformedRequestException.truncated("fixed64", pos);
                }
                pos += 8;
            }
            case RemoteWriteDescriptor.WT_LEN -> {
                // Not "pos += readLength()": that would add to pos as it was before the prefix.
                int len = readLength();
                pos += len;
            }
            case RemoteWriteDescriptor.WT_FIXED32 -> {
                if (limit - pos < 4) {
                    throw MalformedRequestException.truncated("fixed32", pos);
                }
                pos += 4;
            }
            default -> throw MalformedRequestException.badTag(wireType, pos);
        }
    }

    static int field(int tag) {
        return tag >>> 3;
    }

    static int wireType(int tag) {
        return tag & 7;
    }
}
