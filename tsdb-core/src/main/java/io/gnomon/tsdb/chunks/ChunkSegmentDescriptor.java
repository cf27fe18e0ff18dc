package io.gnomon.tsdb.chunks;

/**
 * Layout constants of a block's chunk segment files ({@code chunks/000001, 000002, ...}), shared
 * by {@link ChunkSegmentWriter} and {@link ChunkSegmentReader}; the format is specified in the
 * writer's javadoc.
 */
public final class ChunkSegmentDescriptor {
    /** Big-endian magic at offset 0 of every segment. */
    public static final int MAGIC = 0x85BD40DD;
    /** Format version at offset 4. */
    public static final byte VERSION = 1;
    /** Magic, version and 3 bytes of zero padding. */
    public static final int HEADER_SIZE = 8;
    /** The trailing CRC32C of each chunk. */
    public static final int CRC_SIZE = 4;
    /** Most bytes of a chunk's length uvarint that a 32-bit length needs. */
    public static final int MAX_LEN_VARINT = 5;
    /** Prometheus's default segment size: a new file is started before one would exceed it. */
    public static final long DEFAULT_SEGMENT_SIZE = 512L * 1024 * 1024;
    /** Name of the segment directory inside a block. */
    public static final String DIR_NAME = "chunks";

    private ChunkSegmentDescriptor() {
    }

    /** The file name of the segment with 0-based index {@code i}: 1-based, six digits. */
    public static String segmentName(int i) {
        return String.format("%06d", i + 1);
    }

    /** A chunk reference: segment index in the high 32 bits, byte offset in the low 32. */
    public static long ref(int segment, long offset) {
        return ((long) segment << 32) | offset;
    }

    public static int segment(long ref) {
        return (int) (ref >>> 32);
    }

    public static long offset(long ref) {
        return ref & 0xFFFFFFFFL;
    }
}
