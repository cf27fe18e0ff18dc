package io.gnomon.wal;

/**
 * Outcome of {@link Wal#checkpoint}: the new checkpoint's index (the last segment it covers),
 * how many records it read and how many it kept (emitted by the filter).
 */
public final class CheckpointResult {

    private final int index;
    private final long recordsRead;
    private final long recordsKept;
    private final int segmentsDeleted;

    CheckpointResult(int index, long recordsRead, long recordsKept, int segmentsDeleted) {
        this.index = index;
        this.recordsRead = recordsRead;
        this.recordsKept = recordsKept;
        this.segmentsDeleted = segmentsDeleted;
    }

    /** The checkpoint directory is {@code checkpoint.<index>}; it covers segments up to index. */
    public int index() {
        return index;
    }

    public long recordsRead() {
        return recordsRead;
    }

    public long recordsKept() {
        return recordsKept;
    }

    /** Log segments deleted after the checkpoint was in place. */
    public int segmentsDeleted() {
        return segmentsDeleted;
    }

    @Override
    public String toString() {
        return "CheckpointResult[index=" + index + ", recordsRead=" + recordsRead + ", recordsKept=" + recordsKept
                + ", segmentsDeleted=" + segmentsDeleted + "]";
    }
}
