package io.gnomon.tsdb.chunkenc;

/**
 * Chunk bytes that cannot be decoded: truncated, or with a field that no encoder writes.
 * Decoders do not throw it; they keep it as their sticky error (see
 * {@link io.gnomon.tsdb.storage.SampleIterator#err()}). Factories that build a chunk from bytes
 * ({@link XorChunk#copyOf}) throw it.
 *
 * <p>Offsets in the message are relative to the first byte of the chunk data (the sample-count
 * header), so together with the chunk reference they locate the damage in a segment file.
 */
public final class CorruptChunkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private CorruptChunkException(String message) {
        // No stack trace: the decoder's frames say nothing about where the bytes went wrong, the
        // message does; and fuzzing produces these by the million.
        super(message, null, false, false);
    }

    /** A start-timestamp stream ({@link StStream}) that does not decode; {@code detail} says where. */
    static CorruptChunkException stStream(String detail) {
        return new CorruptChunkException(detail);
    }

    static CorruptChunkException tooShort(int length) {
        return new CorruptChunkException(
                "chunk shorter than its 2-byte sample count header [length=" + length + "]");
    }

    static CorruptChunkException truncated(int sample, long bitOffset, int length) {
        return new CorruptChunkException("chunk data ends inside a sample [sample=" + sample
                + ", bitOffset=" + bitOffset + ", length=" + length + "]");
    }

    static CorruptChunkException badVarint(int sample, int byteOffset) {
        return new CorruptChunkException(
                "varint overflows 64 bits [sample=" + sample + ", byteOffset=" + byteOffset + "]");
    }

    static CorruptChunkException badWindow(int sample, long bitOffset, int leading, int significant) {
        return new CorruptChunkException("XOR window wider than 64 bits [sample=" + sample
                + ", bitOffset=" + bitOffset + ", leading=" + leading + ", significant="
                + significant + "]");
    }
}
