package io.gnomon.tsdb.chunkenc;

/**
 * Layout constants of the start-timestamp stream ({@link StStream} writes it,
 * {@link StStream.Reader} reads it); the format is specified in {@link StStream}'s javadoc and
 * {@code docs/format/chunks.md}.
 */
public final class StStreamDescriptor {
    /** Entry tag: the sample has no start timestamp. Nothing follows. */
    public static final byte ABSENT = 0;
    /** Entry tag: the ST equals the previous present ST of the stream (a cumulative series). Nothing follows. */
    public static final byte SAME_ST = 1;
    /**
     * Entry tag: {@code t - st} equals that of the previous present ST of the stream (a delta
     * series at a regular interval, or a fixed offset such as ST = T - 1ms). Nothing follows.
     */
    public static final byte SAME_DELTA = 2;
    /** Entry tag: a zig-zag varint of {@code t - st} follows (64-bit wrapping arithmetic). */
    public static final byte EXPLICIT = 3;
    /** Largest entry: the tag and a 10-byte varint. */
    static final int MAX_ENTRY_BYTES = 11;

    private StStreamDescriptor() {
    }
}
