package io.gnomon.tsdb.chunkenc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Layout constants of the XOR chunk, shared by {@link XorChunk} (writer) and
 * {@link XorIterator} (reader). The format itself is specified in {@link XorChunk}'s javadoc and
 * in {@code docs/format/chunks.md}.
 */
public final class XorChunkDescriptor {
    /** Bytes of the big-endian uint16 sample count that starts the chunk. */
    public static final int HEADER_SIZE = 2;
    /** Most samples a chunk holds: the count header is a uint16. */
    public static final int MAX_SAMPLES = 0xFFFF;

    /** Control bits before a 14-bit delta-of-delta: {@code 10}. */
    static final int DOD_14_CONTROL = 0b10;
    /** Control bits before a 17-bit delta-of-delta: {@code 110}. */
    static final int DOD_17_CONTROL = 0b110;
    /** Control bits before a 20-bit delta-of-delta: {@code 1110}. */
    static final int DOD_20_CONTROL = 0b1110;
    /** Control bits before a 64-bit delta-of-delta: {@code 1111}. */
    static final int DOD_64_CONTROL = 0b1111;

    /** Width of the leading-zero count of a new XOR window. */
    static final int LEADING_BITS = 5;
    /** Width of the significant-bit count of a new XOR window (64 is written as 0). */
    static final int SIGNIFICANT_BITS = 6;
    /** Leading zeros are capped so that they fit {@link #LEADING_BITS}. */
    static final int MAX_LEADING = 31;
    /** Control bits {@code 11}, the 5-bit leading count and the 6-bit significant count. */
    static final int NEW_WINDOW_HEADER_BITS = 2 + LEADING_BITS + SIGNIFICANT_BITS;
    /** Appender leading-zero state meaning "no window yet": no real count is ever this large. */
    static final int NO_WINDOW = 0xff;

    /** Most bytes one sample can take: sample 1 is a 10-byte uvarint and a 77-bit value. */
    static final int MAX_SAMPLE_BYTES = 20;

    /** Big-endian 8-byte access into a byte[] at any byte offset: one bounds check, one load. */
    static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private XorChunkDescriptor() {
    }

    /**
     * Whether {@code dod} is written in an {@code nbits}-wide bucket. Prometheus's range is
     * asymmetric, {@code [-(2^(n-1) - 1), 2^(n-1)]}: the pattern {@code 1000...0} means
     * {@code +2^(n-1)}, not {@code -2^(n-1)}; see {@link #decodeDod}.
     */
    static boolean fitsDod(long dod, int nbits) {
        long half = 1L << (nbits - 1);
        return -(half - 1) <= dod && dod <= half;
    }

    /** The delta-of-delta in the low {@code nbits} of {@code raw}, per {@link #fitsDod}. */
    static long decodeDod(long raw, int nbits) {
        return raw > (1L << (nbits - 1)) ? raw - (1L << nbits) : raw;
    }
}
