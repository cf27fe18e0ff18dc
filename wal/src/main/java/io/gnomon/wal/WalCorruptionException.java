package io.gnomon.wal;

import java.nio.file.Path;

/**
 * The log is damaged at a known place: {@link #file()}, {@link #segment()}, {@link #offset()}.
 * Readers report it as their sticky error; {@link Wal#open} repairs it by truncation.
 */
public final class WalCorruptionException extends WalException {

    private static final long serialVersionUID = 1L;

    /** What the reader found. */
    public enum Kind {
        /** The file ends inside a fragment or inside a record (a crash during a write). */
        TORN_TAIL,
        /** The rest of the file is zero bytes where a fragment header was expected. */
        ZERO_TAIL,
        /** A fragment's CRC32C does not match its type, length and data. */
        CRC_MISMATCH,
        /** Garbage: an invalid type byte or length, non-zero padding, fragments out of order. */
        MALFORMED,
        /** The segment header is missing, short or has the wrong magic. */
        BAD_SEGMENT_HEADER,
        /** A segment number is missing between two segments (or after the checkpoint). */
        MISSING_SEGMENT,
        /** A compressed record does not decompress to its declared length. */
        BAD_COMPRESSION
    }

    private final Kind kind;
    private final transient Path file;
    private final int segment;
    private final long offset;
    private final boolean checkpoint;

    private WalCorruptionException(Kind kind, Path file, int segment, long offset, boolean checkpoint, String detail) {
        super("wal corruption: " + detail + " [kind=" + kind + ", file=" + file + ", segment=" + segment
                + ", offset=" + offset + (checkpoint ? ", checkpoint=true" : "") + "]", null);
        this.kind = kind;
        this.file = file;
        this.segment = segment;
        this.offset = offset;
        this.checkpoint = checkpoint;
    }

    static WalCorruptionException of(Kind kind, Path file, int segment, long offset, boolean checkpoint, String detail) {
        return new WalCorruptionException(kind, file, segment, offset, checkpoint, detail);
    }

    /** What was found. */
    public Kind kind() {
        return kind;
    }

    /** The damaged file (for {@link Kind#MISSING_SEGMENT}: the missing file's expected path). */
    public Path file() {
        return file;
    }

    /** Index of the damaged (or missing) segment. */
    public int segment() {
        return segment;
    }

    /** Byte offset inside the segment file where the damage was detected. */
    public long offset() {
        return offset;
    }

    /** True when the damage is inside a checkpoint directory rather than the log itself. */
    public boolean inCheckpoint() {
        return checkpoint;
    }
}
