package io.gnomon.wal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one open {@link Wal}, as plain getters for whatever metrics library the caller
 * exports them with. All counters only grow; they are safe to read from any thread.
 */
public final class WalMetrics {

    final AtomicLong records = new AtomicLong();
    final AtomicLong recordBytes = new AtomicLong();
    final AtomicLong framedBytes = new AtomicLong();
    final AtomicLong writes = new AtomicLong();
    final AtomicLong fsyncs = new AtomicLong();
    final AtomicLong fsyncNanos = new AtomicLong();
    final AtomicLong fsyncMaxNanos = new AtomicLong();
    final AtomicLong segmentsCreated = new AtomicLong();
    final AtomicLong corruptions = new AtomicLong();
    final AtomicLong repairs = new AtomicLong();
    final AtomicLong checkpoints = new AtomicLong();
    final AtomicLong segmentsDeleted = new AtomicLong();

    /** Records appended since open. */
    public long records() {
        return records.get();
    }

    /** Bytes of appended records as the caller passed them (before compression). */
    public long recordBytes() {
        return recordBytes.get();
    }

    /** Bytes written to segment files: headers, fragment headers, padding, payloads. */
    public long framedBytes() {
        return framedBytes.get();
    }

    /** {@code write} batches issued by the flusher (one per group commit). */
    public long writes() {
        return writes.get();
    }

    /** {@code fsync} calls on segment files. */
    public long fsyncs() {
        return fsyncs.get();
    }

    /** Total time spent in those {@code fsync} calls, in nanoseconds. */
    public long fsyncNanos() {
        return fsyncNanos.get();
    }

    /** Longest single {@code fsync} so far, in nanoseconds (the worst stall an appender saw from it). */
    public long fsyncMaxNanos() {
        return fsyncMaxNanos.get();
    }

    /** Segment files created (including the one created at open). */
    public long segmentsCreated() {
        return segmentsCreated.get();
    }

    /** Corruptions found (at open, by readers of this WAL, or during checkpoints). */
    public long corruptions() {
        return corruptions.get();
    }

    /** Repairs performed at open (0 or 1 per open). */
    public long repairs() {
        return repairs.get();
    }

    /** Checkpoints completed. */
    public long checkpoints() {
        return checkpoints.get();
    }

    /** Segment files deleted by truncation, checkpoints or repair. */
    public long segmentsDeleted() {
        return segmentsDeleted.get();
    }

    @Override
    public String toString() {
        return "WalMetrics[records=" + records + ", recordBytes=" + recordBytes + ", framedBytes=" + framedBytes
                + ", writes=" + writes + ", fsyncs=" + fsyncs + ", fsyncNanos=" + fsyncNanos + ", fsyncMaxNanos=" + fsyncMaxNanos + ", segmentsCreated="
                + segmentsCreated + ", corruptions=" + corruptions + ", repairs=" + repairs + ", checkpoints="
                + checkpoints + ", segmentsDeleted=" + segmentsDeleted + "]";
    }
}
