package io.gnomon.wal;

import java.util.List;

/**
 * What {@link Wal#open} found and did. A clean log yields a report with {@link #clean()} true
 * (housekeeping such as removing a leftover temporary checkpoint is still listed).
 *
 * <p>{@link #recordsLost()} counts the records discarded by the truncation: the record
 * interrupted or damaged at the corruption (one, if any), every record starting after it in the
 * same segment (found by a resynchronising scan that accepts only fragments with a valid CRC),
 * and every record in the deleted later segments. A torn tail therefore reports one record, a
 * zero-filled tail after complete records reports zero.
 */
public final class RepairReport {

    private final WalCorruptionException corruption;
    private final long recordsScanned;
    private final long recordsLost;
    private final long truncatedTo;
    private final long bytesDiscarded;
    private final List<Integer> segmentsDeleted;
    private final List<Integer> staleSegmentsDeleted;
    private final List<Integer> staleCheckpointsDeleted;
    private final List<String> temporaryCheckpointsDeleted;

    RepairReport(WalCorruptionException corruption, long recordsScanned, long recordsLost, long truncatedTo,
                 long bytesDiscarded, List<Integer> segmentsDeleted, List<Integer> staleSegmentsDeleted,
                 List<Integer> staleCheckpointsDeleted, List<String> temporaryCheckpointsDeleted) {
        this.corruption = corruption;
        this.recordsScanned = recordsScanned;
        this.recordsLost = recordsLost;
        this.truncatedTo = truncatedTo;
        this.bytesDiscarded = bytesDiscarded;
        this.segmentsDeleted = List.copyOf(segmentsDeleted);
        this.staleSegmentsDeleted = List.copyOf(staleSegmentsDeleted);
        this.staleCheckpointsDeleted = List.copyOf(staleCheckpointsDeleted);
        this.temporaryCheckpointsDeleted = List.copyOf(temporaryCheckpointsDeleted);
    }

    /** True when no corruption was found (nothing was truncated). */
    public boolean clean() {
        return corruption == null;
    }

    /** The corruption that was repaired (kind, file, segment, offset), or null. */
    public WalCorruptionException corruption() {
        return corruption;
    }

    /** Valid records seen in the log segments before the corruption (checkpoint not included). */
    public long recordsScanned() {
        return recordsScanned;
    }

    /** Records discarded by the repair (see the class comment for how they are counted). */
    public long recordsLost() {
        return recordsLost;
    }

    /**
     * New length of the corrupted segment, or -1 when it was deleted (bad header, or the missing
     * segment case, where nothing is truncated) or when the log was clean.
     */
    public long truncatedTo() {
        return truncatedTo;
    }

    /** Bytes removed: the tail of the corrupted segment plus the deleted segments. */
    public long bytesDiscarded() {
        return bytesDiscarded;
    }

    /** Segments deleted by the repair (those after the corruption, or a segment with a bad header). */
    public List<Integer> segmentsDeleted() {
        return segmentsDeleted;
    }

    /** Segments already covered by the newest checkpoint, left behind by an interrupted truncation. */
    public List<Integer> staleSegmentsDeleted() {
        return staleSegmentsDeleted;
    }

    /** Older checkpoints left behind by an interrupted checkpoint cleanup. */
    public List<Integer> staleCheckpointsDeleted() {
        return staleCheckpointsDeleted;
    }

    /** Names of {@code checkpoint.NNNNNNNN.tmp} directories removed (an interrupted checkpoint). */
    public List<String> temporaryCheckpointsDeleted() {
        return temporaryCheckpointsDeleted;
    }

    @Override
    public String toString() {
        if (corruption == null) {
            return "RepairReport[clean, recordsScanned=" + recordsScanned
                    + (temporaryCheckpointsDeleted.isEmpty() ? "" : ", temporaryCheckpointsDeleted=" + temporaryCheckpointsDeleted)
                    + (staleSegmentsDeleted.isEmpty() ? "" : ", staleSegmentsDeleted=" + staleSegmentsDeleted)
                    + (staleCheckpointsDeleted.isEmpty() ? "" : ", staleCheckpointsDeleted=" + staleCheckpointsDeleted)
                    + "]";
        }
        return "RepairReport[kind=" + corruption.kind() + ", segment=" + corruption.segment() + ", offset="
                + corruption.offset() + ", recordsLost=" + recordsLost + ", truncatedTo=" + truncatedTo
                + ", bytesDiscarded=" + bytesDiscarded + ", segmentsDeleted=" + segmentsDeleted
                + ", recordsScanned=" + recordsScanned + "]";
    }
}
