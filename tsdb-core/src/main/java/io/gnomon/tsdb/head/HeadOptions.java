package io.gnomon.tsdb.head;

/**
 * Settings of the head.
 *
 * @param chunkRange the block range in milliseconds (2h by default): chunks never span a range
 *                   boundary, so every chunk belongs to exactly one future block
 * @param maxExemplars capacity of the exemplar buffer; 0 disables exemplars
 */
public record HeadOptions(long chunkRange, int maxExemplars) {

    public static final long DEFAULT_CHUNK_RANGE = 2 * 3600 * 1000L;

    public HeadOptions {
        if (chunkRange <= 0) {
            throw new IllegalArgumentException("chunk range must be positive [chunkRange=" + chunkRange + "]");
        }
        if (maxExemplars < 0) {
            throw new IllegalArgumentException("max exemplars must be >= 0 [maxExemplars=" + maxExemplars + "]");
        }
    }

    public static HeadOptions defaults() {
        return new HeadOptions(DEFAULT_CHUNK_RANGE, 100_000);
    }
}
