package io.gnomon.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.agrona.DirectBuffer;

/**
 * A durable, segmented write-ahead log of opaque records in one directory. Records are byte
 * strings (0 to {@link WalDescriptor#MAX_RECORD_LENGTH} bytes); the log knows nothing of what they
 * mean. Format: see {@link WalWriter} and {@code docs/format/wal.md}.
 *
 * <h2>Lifecycle</h2>
 * {@link #open} creates the directory if needed, locks it against a second writer, repairs it
 * ({@link #repairReport()}), and starts a new segment after the last one; it never refuses to
 * start because of a torn or corrupt tail (it only refuses a segment written by a newer format
 * version, and a directory another {@code Wal} holds). Replay with {@link #reader()}
 * before appending, then append. {@link #close()} writes and fsyncs everything queued.
 *
 * <h2>Appending and acknowledgement</h2>
 * <ul>
 *   <li>{@link #append(DirectBuffer, int, int)}: returns once the record is written to the OS
 *       with {@code FileChannel.write} (under {@link FsyncPolicy#ALWAYS}: also fsynced). A
 *       returned append survives {@code kill -9} of the process in every policy; what survives a
 *       power loss is described in {@link FsyncPolicy}. Returns the record's end
 *       {@link WalPosition}.</li>
 *   <li>{@link #submit(DirectBuffer, int, int)} + {@link #await(long)}: the same in two steps, so
 *       a caller can queue several records (for example one commit's series and samples records)
 *       and wait once for the last position; records are written in submit order, so waiting for
 *       the last one acknowledges all of them.</li>
 *   <li>Group commit: appends from many threads that arrive while a write is in progress are
 *       written together by the next {@code write} (and {@code fsync}).</li>
 *   <li>{@link #awaitDurable(long)} / {@link #sync()}: force an fsync in any policy.</li>
 * </ul>
 * All append methods are thread-safe; records of concurrent callers are never interleaved, and the
 * records of one thread appear in its call order. The caller's buffer is copied before return.
 * After an I/O error of the writer every further append throws {@link WalException}.
 *
 * <h2>Segments, truncation, checkpoints</h2>
 * {@link #cutSegment()} starts a new segment; {@link #truncate(int)} deletes old segments;
 * {@link #checkpoint(int, int, RecordFilter)} folds old segments into a checkpoint directory and
 * deletes them. These maintenance calls are serialised among themselves and may run concurrently
 * with appends, but not with a reader of the segments they delete.
 */
public final class Wal implements Closeable {

    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    /** Name of the lock file in the WAL directory (not a segment name, so listings ignore it). */
    public static final String LOCK_FILE = "lock";

    private final Path dir;
    private final WalOptions options;
    private final WalMetrics metrics;
    private final RepairReport repairReport;
    private final WalWriter writer;
    private final Object maintenance = new Object();
    private final FileChannel lockChannel;
    private volatile boolean closed;

    private Wal(Path dir, WalOptions options, WalMetrics metrics, RepairReport report, WalWriter writer,
                FileChannel lockChannel) {
        this.lockChannel = lockChannel;
        this.dir = dir;
        this.options = options;
        this.metrics = metrics;
        this.repairReport = report;
        this.writer = writer;
    }

    /**
     * Opens (creating if needed) and repairs the WAL in {@code dir}, then starts a new segment
     * numbered one past the last segment or checkpoint.
     *
     * @throws WalException on I/O errors or a segment format this version cannot read
     */
    public static Wal open(Path dir, WalOptions options) {
        final WalMetrics metrics = new WalMetrics();
        FileChannel lock = null;
        try {
            Files.createDirectories(dir);
            lock = lock(dir);
            final RepairReport report = WalRepair.run(dir, metrics);
            final int[] segments = WalDirectory.segments(dir);
            final int[] checkpoints = WalDirectory.checkpoints(dir);
            int next = 0;
            if (segments.length > 0) {
                next = segments[segments.length - 1] + 1;
            }
            if (checkpoints.length > 0) {
                next = Math.max(next, checkpoints[checkpoints.length - 1] + 1);
            }
            final WalWriter writer = new WalWriter(dir, next, options, metrics,
                    "gnomon-wal-flusher-" + dir.toAbsolutePath().getFileName());
            return new Wal(dir, options, metrics, report, writer, lock);
        } catch (IOException | RuntimeException e) {
            if (lock != null) {
                try {
                    lock.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof IOException) {
                throw WalException.io("cannot open wal", "dir=" + dir, (IOException) e);
            }
            throw (RuntimeException) e;
        }
    }

    /**
     * Takes the directory's {@value #LOCK_FILE} file lock so that no second {@code Wal}, in this
     * or another process, writes the same directory. Released by {@link #close()} (or process exit).
     */
    private static FileChannel lock(Path dir) throws IOException {
        final FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        boolean locked = false;
        try {
            locked = channel.tryLock() != null;
        } catch (OverlappingFileLockException alreadyInThisJvm) {
            locked = false;
        } finally {
            if (!locked) {
                channel.close();
            }
        }
        if (!locked) {
            throw WalException.locked(dir);
        }
        return channel;
    }

    /** What {@link #open} repaired. */
    public RepairReport repairReport() {
        return repairReport;
    }

    /** The WAL directory. */
    public Path dir() {
        return dir;
    }

    public WalOptions options() {
        return options;
    }

    public WalMetrics metrics() {
        return metrics;
    }

    // ------------------------------------------------------------------ appending

    /**
     * Appends {@code buffer[offset .. offset+length)} and returns once it is acknowledged
     * (written to the OS; fsynced too under {@link FsyncPolicy#ALWAYS}). Returns its end position.
     */
    public long append(DirectBuffer buffer, int offset, int length) {
        final long position = writer.submit(buffer, offset, length);
        writer.await(position);
        return position;
    }

    /** As {@link #append(DirectBuffer, int, int)} for the bytes between position and limit (unchanged). */
    public long append(ByteBuffer record) {
        final long position = writer.submit(record);
        writer.await(position);
        return position;
    }

    /** Queues a record without waiting; returns its end position for {@link #await(long)}. */
    public long submit(DirectBuffer buffer, int offset, int length) {
        return writer.submit(buffer, offset, length);
    }

    /** Queues the bytes between position and limit (unchanged) without waiting. */
    public long submit(ByteBuffer record) {
        return writer.submit(record);
    }

    /** Waits until every record up to {@code position} is acknowledged under the fsync policy. */
    public void await(long position) {
        writer.await(position);
    }

    /** Waits until every record up to {@code position} is written to the OS. */
    public void awaitWritten(long position) {
        writer.awaitWritten(position);
    }

    /** Waits until every record up to {@code position} is fsynced, whatever the policy. */
    public void awaitDurable(long position) {
        writer.awaitDurable(position);
    }

    /** Fsyncs everything queued so far. */
    public void sync() {
        writer.awaitDurable(writer.queuedPosition());
    }

    /** End position of the last record handed to the OS; records up to it are readable. */
    public long writtenPosition() {
        return writer.writtenPosition();
    }

    /** End position of the last fsynced record. */
    public long durablePosition() {
        return writer.durablePosition();
    }

    // ------------------------------------------------------------------ segments

    /**
     * Closes the current segment (written and fsynced) and starts the next; returns the new
     * segment's index. Records appended before the call are all in segments below it.
     */
    public int cutSegment() {
        return writer.cutSegment();
    }

    /**
     * Index of the segment new records go to. Segments below it are complete once written;
     * {@link #checkpoint} and {@link #truncate} wait for that themselves.
     */
    public int lastSegment() {
        return writer.currentSegment();
    }

    /** Index of the oldest log segment on disk (the segment being written if it is the only one). */
    public int firstSegment() {
        try {
            final int[] segments = WalDirectory.segments(dir);
            return segments.length == 0 ? writer.currentSegment() : segments[0];
        } catch (IOException e) {
            throw WalException.io("cannot list wal directory", "dir=" + dir, e);
        }
    }

    /** Indices of the log segments on disk, ascending (the segment being written included). */
    public int[] segments() {
        try {
            return WalDirectory.segments(dir);
        } catch (IOException e) {
            throw WalException.io("cannot list wal directory", "dir=" + dir, e);
        }
    }

    /** Index of the newest checkpoint (the last segment it covers), or -1 if there is none. */
    public int checkpointIndex() {
        try {
            final int[] checkpoints = WalDirectory.checkpoints(dir);
            return checkpoints.length == 0 ? -1 : checkpoints[checkpoints.length - 1];
        } catch (IOException e) {
            throw WalException.io("cannot list wal directory", "dir=" + dir, e);
        }
    }

    /**
     * Deletes the segments below {@code beforeSegment}, and checkpoints older than
     * {@code beforeSegment - 1} (they would leave a gap in front of the remaining segments). The
     * caller states that it needs no record before that segment. Returns the number of segments
     * deleted.
     *
     * @throws IllegalArgumentException when that would delete the segment being written
     */
    public int truncate(int beforeSegment) {
        synchronized (maintenance) {
            final int current = writer.currentSegment();
            if (beforeSegment > current) {
                throw new IllegalArgumentException("cannot truncate the segment being written [before="
                        + beforeSegment + ", current=" + current + "]");
            }
            // Never unlink a segment the flusher is still writing.
            writer.awaitWritten(WalPosition.of(beforeSegment, WalDescriptor.SEGMENT_HEADER_LENGTH));
            try {
                int count = 0;
                for (int s : WalDirectory.segments(dir)) {
                    if (s < beforeSegment) {
                        Files.deleteIfExists(dir.resolve(WalDescriptor.segmentName(s)));
                        count++;
                    }
                }
                for (int c : WalDirectory.checkpoints(dir)) {
                    if (c < beforeSegment - 1) {
                        WalDirectory.deleteRecursively(dir.resolve(WalDescriptor.checkpointName(c)));
                    }
                }
                WalWriter.fsyncDirectory(dir);
                metrics.segmentsDeleted.addAndGet(count);
                return count;
            } catch (IOException e) {
                throw WalException.io("cannot truncate wal", "dir=" + dir + ", before=" + beforeSegment, e);
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * A reader over the newest checkpoint and the segments after it, up to everything written
     * when this is called. See {@link WalReader} for the contract.
     */
    public WalReader reader() {
        return WalReader.create(dir, writer.writtenPosition(), Integer.MAX_VALUE, metrics);
    }

    // ------------------------------------------------------------------ checkpoints

    /**
     * Folds the newest checkpoint (if any) and segments {@code fromSegment..toSegment} into a new
     * checkpoint {@code checkpoint.<toSegment>}, keeping what {@code keep} emits, then deletes
     * those segments and older checkpoints.
     *
     * <p>Crash safety: the checkpoint is written to {@code checkpoint.<toSegment>.tmp}, fsynced,
     * renamed atomically and the directory fsynced; only then are segments deleted. A crash at any
     * point leaves either the old state (the {@code .tmp} is removed at the next open) or the new
     * checkpoint plus stale segments (deleted at the next open).
     *
     * @param fromSegment must be the first segment on disk or lower: segments are never dropped
     *                    without passing through the filter
     * @param toSegment   last segment to fold; must be below the segment being written
     * @throws WalCorruptionException when an input is corrupt; nothing is changed then
     * @throws IllegalArgumentException for an invalid range
     */
    public CheckpointResult checkpoint(int fromSegment, int toSegment, RecordFilter keep) {
        synchronized (maintenance) {
            final int current = writer.currentSegment();
            if (toSegment >= current || fromSegment > toSegment) {
                throw new IllegalArgumentException("invalid checkpoint range [from=" + fromSegment + ", to="
                        + toSegment + ", current=" + current + "]");
            }
            // lastSegment() moves on when a record is framed into the next segment, before the
            // flusher has written the end of the previous one: wait until segment toSegment is
            // complete (written and fsynced at the cut) before reading it.
            writer.awaitWritten(WalPosition.of(toSegment + 1, WalDescriptor.SEGMENT_HEADER_LENGTH));
            final int first = firstSegment();
            if (fromSegment > first) {
                throw new IllegalArgumentException("checkpoint would drop segments without filtering them [from="
                        + fromSegment + ", first=" + first + "]");
            }
            final int previous = checkpointIndex();
            if (previous >= toSegment) {
                throw new IllegalArgumentException("segments already checkpointed [to=" + toSegment
                        + ", checkpoint=" + previous + "]");
            }
            final Path tmp = dir.resolve(WalDescriptor.checkpointName(toSegment) + WalDescriptor.TMP_SUFFIX);
            final Path target = dir.resolve(WalDescriptor.checkpointName(toSegment));
            long read = 0;
            final long[] kept = new long[1];
            try {
                WalDirectory.deleteRecursively(tmp);
                Files.createDirectories(tmp);
                final WalOptions cpOptions = options.withFsyncPolicy(FsyncPolicy.SEGMENT_AND_INTERVAL)
                        .withFsyncIntervalMillis(86_400_000L); // one fsync at close is enough
                try (WalReader reader = WalReader.create(dir, -1, toSegment, metrics)) {
                    final WalWriter out = new WalWriter(tmp, 0, cpOptions, new WalMetrics(), "gnomon-wal-checkpoint");
                    try {
                        final RecordFilter.Sink sink = (buffer, offset, length) -> {
                            out.submit(buffer, offset, length);
                            kept[0]++;
                        };
                        while (reader.next()) {
                            read++;
                            keep.apply(reader.record(), 0, reader.length(), sink);
                        }
                        if (reader.error() == null) {
                            keep.finish(sink);
                        }
                    } finally {
                        out.close();
                    }
                    if (reader.error() != null) {
                        throw reader.error();
                    }
                    if (out.failure() != null) {
                        // The last flush (at close) failed: the checkpoint is incomplete, never rename it.
                        throw WalException.failed(out.failure());
                    }
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                WalWriter.fsyncDirectory(dir);
            } catch (IOException | RuntimeException e) {
                try {
                    WalDirectory.deleteRecursively(tmp);
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof IOException) {
                    throw WalException.io("cannot write checkpoint", "dir=" + tmp, (IOException) e);
                }
                throw (RuntimeException) e;
            }
            final int deleted = truncate(toSegment + 1);
            metrics.checkpoints.incrementAndGet();
            final CheckpointResult result = new CheckpointResult(toSegment, read, kept[0], deleted);
            LOG.log(System.Logger.Level.INFO, "wal checkpoint written [dir=" + dir + ", " + result + "]");
            return result;
        }
    }

    /** Writes and fsyncs everything queued and closes the segment. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.close();
        } finally {
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot release wal lock [dir=" + dir + "]", e);
            }
        }
    }
}
