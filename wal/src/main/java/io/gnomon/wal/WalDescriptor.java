package io.gnomon.wal;

/**
 * Layout constants of the WAL format, shared by the writer, the reader and repair. The byte
 * layout itself is specified in the javadoc of {@link WalWriter} and in {@code docs/format/wal.md};
 * every number on that page is defined here and nowhere else.
 *
 * <p>All multi-byte integers on disk are big-endian (network order).
 */
public final class WalDescriptor {

    private WalDescriptor() {
    }

    // ---------------------------------------------------------------- segment files

    /** First four bytes of every segment file: ASCII {@code "GWAL"}. */
    public static final int SEGMENT_MAGIC = 0x4757414C;

    /** Format version this code writes. */
    public static final byte FORMAT_VERSION = 1;

    /** Oldest format version this code reads; anything below is "too old". */
    public static final byte MIN_FORMAT_VERSION = 1;

    /** Offset of the magic in the segment header. */
    public static final int MAGIC_OFFSET = 0;

    /** Offset of the version byte in the segment header. */
    public static final int VERSION_OFFSET = 4;

    /** Bytes 5..7 of the segment header are reserved and written as zero. */
    public static final int RESERVED_OFFSET = 5;

    /** Length of the segment header; the first fragment starts right after it, inside page 0. */
    public static final int SEGMENT_HEADER_LENGTH = 8;

    /** Number of decimal digits in a segment (and checkpoint) file name, zero padded. */
    public static final int SEGMENT_NAME_DIGITS = 8;

    /** Largest segment index that fits the name width. */
    public static final int MAX_SEGMENT_INDEX = 99_999_999;

    /** Default nominal segment size: a segment is cut before a record would make it larger. */
    public static final long DEFAULT_SEGMENT_SIZE = 128L * 1024 * 1024;

    /** Smallest configurable segment size (two pages; small sizes are for tests). */
    public static final long MIN_SEGMENT_SIZE = 2L * 32 * 1024;

    /**
     * Largest configurable segment size. Together with {@link #MAX_RECORD_LENGTH} this keeps
     * every in-segment offset below 2^32, which {@link WalPosition} relies on.
     */
    public static final long MAX_SEGMENT_SIZE = 1L << 30;

    // ---------------------------------------------------------------- pages and fragments

    /** Fragments never cross a page boundary; a page is the unit of resynchronisation. */
    public static final int PAGE_SIZE = 32 * 1024;

    /** Fragment header: type (1), data length (2, unsigned), CRC32C (4). */
    public static final int FRAGMENT_HEADER_LENGTH = 7;

    /** Offset of the type byte in a fragment header. */
    public static final int TYPE_OFFSET = 0;

    /** Offset of the unsigned 16-bit data length in a fragment header. */
    public static final int LENGTH_OFFSET = 1;

    /** Offset of the CRC32C in a fragment header. */
    public static final int CRC_OFFSET = 3;

    /**
     * The CRC32C covers the first {@value} header bytes (type and length) followed by the
     * fragment data; the CRC field itself is not covered.
     */
    public static final int CRC_COVERED_HEADER_LENGTH = 3;

    /** Largest data length of one fragment (a fragment in an otherwise empty page). */
    public static final int MAX_FRAGMENT_DATA_LENGTH = PAGE_SIZE - FRAGMENT_HEADER_LENGTH;

    /** Low three bits of the type byte: the fragment kind. */
    public static final int KIND_MASK = 0x07;

    /** Kind 0 is never written as a header; zero bytes only appear as page padding. */
    public static final int KIND_PADDING = 0;

    /** The whole record is in this fragment. */
    public static final int KIND_FULL = 1;

    /** First fragment of a record that continues in the following fragments. */
    public static final int KIND_FIRST = 2;

    /** Neither first nor last fragment of a record. */
    public static final int KIND_MIDDLE = 3;

    /** Last fragment of a record. */
    public static final int KIND_LAST = 4;

    /** Type-byte flag: the record payload is LZ4 compressed (set on every fragment of it). */
    public static final int FLAG_LZ4 = 0x08;

    /** Type-byte bits that must be zero in this version. */
    public static final int RESERVED_TYPE_BITS = 0xF0;

    // ---------------------------------------------------------------- records

    /** A compressed payload starts with the uncompressed length, a 4-byte big-endian int. */
    public static final int LZ4_LENGTH_PREFIX = 4;

    /** Largest record (before compression) the writer accepts and the reader trusts. */
    public static final int MAX_RECORD_LENGTH = 256 * 1024 * 1024;

    // ---------------------------------------------------------------- directory layout

    /** Checkpoint directories are named {@code checkpoint.NNNNNNNN}. */
    public static final String CHECKPOINT_PREFIX = "checkpoint.";

    /** A checkpoint being written lives in {@code checkpoint.NNNNNNNN.tmp} until renamed. */
    public static final String TMP_SUFFIX = ".tmp";

    /** File name of segment {@code index}: eight decimal digits, zero padded. */
    public static String segmentName(int index) {
        return pad(index);
    }

    /** Directory name of the checkpoint that covers segments up to {@code index}. */
    public static String checkpointName(int index) {
        return CHECKPOINT_PREFIX + pad(index);
    }

    /** Segment index of a file name, or -1 when the name is not a segment name. */
    public static int parseSegmentName(String name) {
        return parseDigits(name, 0);
    }

    /** Checkpoint index of a (final, not temporary) directory name, or -1. */
    public static int parseCheckpointName(String name) {
        if (!name.startsWith(CHECKPOINT_PREFIX)) {
            return -1;
        }
        return parseDigits(name, CHECKPOINT_PREFIX.length());
    }

    /** Fragment kind name for messages. */
    static String kindName(int kind) {
        switch (kind) {
            case KIND_PADDING: return "padding";
            case KIND_FULL: return "full";
            case KIND_FIRST: return "first";
            case KIND_MIDDLE: return "middle";
            case KIND_LAST: return "last";
            default: return "unknown(" + kind + ")";
        }
    }

    private static String pad(int index) {
        if (index < 0 || index > MAX_SEGMENT_INDEX) {
            throw new IllegalArgumentException("segment index out of range [index=" + index + "]");
        }
        final String digits = Integer.toString(index);
        return "00000000".substring(digits.length()) + digits;
    }

    private static int parseDigits(String name, int from) {
        if (name.length() - from != SEGMENT_NAME_DIGITS) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < name.length(); i++) {
            final char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
