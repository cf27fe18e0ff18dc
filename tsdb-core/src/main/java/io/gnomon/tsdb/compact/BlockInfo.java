package io.gnomon.tsdb.compact;

/**
 * What planning and retention need to know of a persisted block: its id (the ULID), its time
 * range {@code [minTime, maxTime)} (maxTime exclusive, as in {@code meta.json}), a few stats and
 * its size on disk, and whether compacting it failed before (meta.json {@code compaction.failed}:
 * such a block is left out of leveled compaction so one bad block cannot stall the planner). Pure data, so the policies are tested without files.
 */
public record BlockInfo(String id, long minTime, long maxTime, long numSeries, long numTombstones, long sizeBytes,
                        boolean compactionFailed) {

    /** A block whose last compaction did not fail. */
    public BlockInfo(String id, long minTime, long maxTime, long numSeries, long numTombstones, long sizeBytes) {
        this(id, minTime, maxTime, numSeries, numTombstones, sizeBytes, false);
    }

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
