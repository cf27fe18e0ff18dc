package io.gnomon.tsdb.chunkenc;

/**
 * Identifier of a chunk encoding: the byte that precedes the chunk data in a block's chunk
 * segment file and in the head's memory-mapped chunks. The codes are Prometheus's
 * ({@code tsdb/chunkenc/chunk.go}, {@code EncNone..EncFloatHistogram}), so a chunk written by
 * either system is read by the other.
 */
public enum Encoding {
    /** No encoding; never written for a real chunk. */
    NONE(0),
    /** The Gorilla-style float chunk: {@link XorChunk}. */
    XOR(1),
    /** Integer native histograms (reserved for the native-histogram issue). */
    HISTOGRAM(2),
    /** Float native histograms (reserved for the native-histogram issue). */
    FLOAT_HISTOGRAM(3);

    private static final Encoding[] BY_CODE = values();

    private final byte code;

    Encoding(int code) {
        this.code = (byte) code;
    }

    /** The on-disk byte. */
    public byte code() {
        return code;
    }

    /**
     * The encoding with the on-disk byte {@code code} (read as unsigned).
     *
     * @throws IllegalArgumentException when no encoding has that code; newer Prometheus versions
     *     define more codes (4 = XOR2, 5 and 6 = histograms with start timestamps) that Gnomon
     *     does not read yet
     */
    public static Encoding ofCode(int code) {
        int c = code & 0xff;
        if (c < BY_CODE.length) {
            return BY_CODE[c];
        }
        throw new IllegalArgumentException("unknown chunk encoding [code=" + c + "]");
    }
}
