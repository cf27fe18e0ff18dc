package io.gnomon.tsdb.compact;

/**
 * What planning and retention need to know of a persisted block: its id (the ULID), its time
 * range {@code [minTime, maxTime)} (maxTime exclusive, as in {@code meta.json}), a few stats and
 * its size on disk. Pure data, so the policies are tested without files.
 */
public record BlockInfo(String id, long minTime, long maxTime, long numSeries, long numTombstones, long sizeBytes) {

    public BlockInfo {
        if (maxTime < minTime) {
            throw new IllegalArgumentException("block ends before it starts [id=" + id + ", minTime=" + minTime
                + ", maxTime=" + maxTime + "]");
        }
    }

    long span() {
        return maxTime - minTime;
    }
}
