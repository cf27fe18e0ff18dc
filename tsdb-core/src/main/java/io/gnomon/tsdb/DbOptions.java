package io.gnomon.tsdb;

import io.gnomon.tsdb.compact.CompactionPlanner;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.wal.WalOptions;

/**
 * Options of a {@link Db}.
 *
 * @param head               the head; its chunk range is the block range (the minimum block
 *                           duration, 2 h by default)
 * @param wal                the write-ahead log
 * @param retentionMillis    blocks whose end is this far behind the newest block's end are deleted;
 *                           0 disables time retention (Prometheus's default is 15 d)
 * @param retentionBytes     blocks + WAL + checkpoint are kept below this many bytes by deleting
 *                           the oldest blocks; 0 disables size retention
 * @param maxBlockDuration   the largest block compaction builds; 0 derives it as Prometheus does
 *                           (10% of the retention time, at most 31 d)
 * @param compactionIntervalMillis how often the background thread looks for work (Prometheus: 1
 *                           min); 0 starts no thread (call {@link Db#compact()} yourself)
 */
public record DbOptions(HeadOptions head, WalOptions wal, long retentionMillis, long retentionBytes,
                        long maxBlockDuration, long compactionIntervalMillis) {

    public static final long DEFAULT_RETENTION_MILLIS = 15L * 24 * 3600 * 1000;

    public DbOptions {
        if (retentionMillis < 0 || retentionBytes < 0 || maxBlockDuration < 0 || compactionIntervalMillis < 0) {
            throw new IllegalArgumentException("negative db option [retentionMillis=" + retentionMillis + ", retentionBytes="
                + retentionBytes + ", maxBlockDuration=" + maxBlockDuration + ", compactionIntervalMillis="
                + compactionIntervalMillis + "]");
        }
    }

    /** 15 d time retention, no size retention, compaction checked every minute. */
    public static DbOptions defaults(HeadOptions head, WalOptions wal) {
        return new DbOptions(head, wal, DEFAULT_RETENTION_MILLIS, 0, 0, 60_000);
    }

    public DbOptions withRetention(long millis, long bytes) {
        return new DbOptions(head, wal, millis, bytes, maxBlockDuration, compactionIntervalMillis);
    }

    public DbOptions withMaxBlockDuration(long millis) {
        return new DbOptions(head, wal, retentionMillis, retentionBytes, millis, compactionIntervalMillis);
    }

    public DbOptions withCompactionInterval(long millis) {
        return new DbOptions(head, wal, retentionMillis, retentionBytes, maxBlockDuration, millis);
    }

    /** The block range (= the head's chunk range). */
    public long blockRange() {
        return head.chunkRange();
    }

    /** The compaction ranges: 1x, 3x, 9x ... the block range, capped at the maximum block duration. */
    public java.util.List<Long> ranges() {
        long max = maxBlockDuration > 0 ? maxBlockDuration
            : CompactionPlanner.maxBlockDuration(retentionMillis, blockRange());
        return CompactionPlanner.capRanges(CompactionPlanner.exponentialRanges(blockRange(), 10, 3), max);
    }
}
