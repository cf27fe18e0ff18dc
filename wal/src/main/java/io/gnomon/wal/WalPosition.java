package io.gnomon.wal;

/**
 * A position in the log as one {@code long}: the segment index in the high 32 bits and the byte
 * offset inside that segment file in the low 32 bits. Positions grow monotonically in append
 * order, so they can be compared with {@code <}. The position of a record is the offset just
 * past its last fragment ("end position").
 */
public final class WalPosition {

    /** A position before every record. */
    public static final long NONE = 0L;

    private WalPosition() {
    }

    /** The position of byte {@code offset} of segment {@code segment}. */
    public static long of(int segment, long offset) {
        return ((long) segment << 32) | (offset & 0xFFFF_FFFFL);
    }

    /** Segment index of a position. */
    public static int segment(long position) {
        return (int) (position >>> 32);
    }

    /** Byte offset inside the segment file of a position. */
    public static long offset(long position) {
        return position & 0xFFFF_FFFFL;
    }

    /** {@code "segment:offset"} for logs and messages. */
    public static String toString(long position) {
        return segment(position) + ":" + offset(position);
    }
}
