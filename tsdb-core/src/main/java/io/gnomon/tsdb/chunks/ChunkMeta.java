package io.gnomon.tsdb.chunks;

/**
 * Where a chunk of one series is and which times it covers, as a block index lists it.
 *
 * @param ref the chunk's reference in its {@link ChunkReader}: for a block, the segment file's
 *     index in the high 32 bits and the byte offset of the chunk in that file in the low 32; for
 *     the head, an opaque id its chunk reader understands
 * @param minTime timestamp of the chunk's first sample (inclusive)
 * @param maxTime timestamp of the chunk's last sample (inclusive)
 */
public record ChunkMeta(long ref, long minTime, long maxTime) {

    /** Whether the chunk may hold samples in {@code [mint, maxt]}. */
    public boolean overlaps(long mint, long maxt) {
        return minTime <= maxt && maxTime >= mint;
    }
}
