package io.gnomon.wal;

import io.gnomon.wal.WalCorruptionException.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Iterates the records of a WAL directory in order: the segments of the newest checkpoint first,
 * then the log segments after it. Obtain one from {@link Wal#reader()} (bounded by what the open
 * writer has written) or {@link #open(Path)} (offline, whole files, no repair).
 *
 * <pre>{@code
 * try (WalReader r = wal.reader()) {
 *     while (r.next()) {
 *         decode(r.record(), 0, r.length());
 *     }
 *     if (r.error() != null) { ... }   // checked once, after the loop
 * }
 * }</pre>
 *
 * <p>Contract: before the first {@link #next()} there is no current record. {@link #record()} is a
 * flyweight over reader-owned memory, valid until the next call of {@code next()} or
 * {@code close()}; copy what must outlive it. Errors are sticky: the first corruption ends the
 * iteration, {@code next()} returns false from then on and {@link #error()} names file, segment and
 * offset; a clean end leaves {@code error()} null. The set of files is fixed when the reader is
 * created; segments must not be deleted (truncate, checkpoint) while it reads. Not thread-safe.
 */
public final class WalReader implements Closeable {

    private final List<Source> sources;
    private final WalMetrics metrics;
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private int nextSource;
    private SegmentRecords current;
    private Source currentSource;
    private WalCorruptionException error;
    private long records;
    private boolean closed;

    private WalReader(List<Source> sources, WalMetrics metrics) {
        this.sources = sources;
        this.metrics = metrics;
    }

    /** Reads everything in {@code dir} as it is on disk now, without repairing anything. */
    public static WalReader open(Path dir) {
        return create(dir, -1, Integer.MAX_VALUE, null);
    }

    /**
     * Reader over the newest checkpoint and the log segments after it, up to the position
     * {@code end} ({@link WalPosition}; negative for whole files) and no further than segment
     * {@code maxSegment}. A gap in the numbering, also
     * between the checkpoint and the first segment after it, is reported as
     * {@link Kind#MISSING_SEGMENT} when the reader reaches it.
     */
    static WalReader create(Path dir, long end, int maxSegment, WalMetrics metrics) {
        final List<Source> sources = new ArrayList<>();
        try {
            final int[] checkpoints = WalDirectory.checkpoints(dir);
            final int checkpoint = checkpoints.length > 0 ? checkpoints[checkpoints.length - 1] : -1;
            if (checkpoint >= 0) {
                final Path cpDir = dir.resolve(WalDescriptor.checkpointName(checkpoint));
                addContiguous(sources, cpDir, WalDirectory.segments(cpDir), -1, true, 0, Integer.MAX_VALUE, -1);
            }
            final int endSegment = end < 0 ? maxSegment : Math.min(maxSegment, WalPosition.segment(end));
            final long endOffset = end < 0 || WalPosition.segment(end) != endSegment ? -1 : WalPosition.offset(end);
            addContiguous(sources, dir, WalDirectory.segments(dir), checkpoint, false,
                    checkpoint >= 0 ? checkpoint + 1 : -1, endSegment, endOffset);
        } catch (IOException e) {
            throw WalException.io("cannot list wal directory", "dir=" + dir, e);
        }
        return new WalReader(sources, metrics);
    }

    private static void addContiguous(List<Source> out, Path dir, int[] segments, int skipUpTo, boolean checkpoint,
                                      int expectedFirst, int endSegment, long endOffset) {
        int expected = expectedFirst;
        for (int s : segments) {
            if (s <= skipUpTo || s > endSegment) {
                continue;
            }
            if (expected >= 0 && s != expected) {
                out.add(new Source(dir.resolve(WalDescriptor.segmentName(expected)), expected, checkpoint, -1, true));
                return;
            }
            out.add(new Source(dir.resolve(WalDescriptor.segmentName(s)), s, checkpoint,
                    s == endSegment ? endOffset : -1, false));
            expected = s + 1;
        }
    }

    /** Advances to the next record. False at the end of the log or at the first corruption. */
    public boolean next() {
        if (error != null || closed) {
            return false;
        }
        try {
            while (true) {
                if (current == null) {
                    if (nextSource == sources.size()) {
                        return false;
                    }
                    currentSource = sources.get(nextSource++);
                    if (currentSource.missing) {
                        return fail(WalCorruptionException.of(Kind.MISSING_SEGMENT, currentSource.file,
                                currentSource.index, 0, currentSource.checkpoint, "segment missing from the sequence"));
                    }
                    try {
                        current = new SegmentRecords(new SegmentScanner(currentSource.file, currentSource.index,
                                currentSource.checkpoint, currentSource.limit), true);
                    } catch (NoSuchFileException e) {
                        return fail(WalCorruptionException.of(Kind.MISSING_SEGMENT, currentSource.file,
                                currentSource.index, 0, currentSource.checkpoint, "segment deleted while reading"));
                    }
                }
                if (current.next()) {
                    view.wrap(current.array(), current.offset(), current.length());
                    records++;
                    return true;
                }
                final WalCorruptionException e = current.error();
                current.close();
                current = null;
                if (e != null) {
                    return fail(e);
                }
            }
        } catch (IOException e) {
            throw WalException.io("cannot read wal segment", "file=" + (currentSource == null ? null : currentSource.file), e);
        }
    }

    private boolean fail(WalCorruptionException e) {
        error = e;
        if (metrics != null) {
            metrics.corruptions.incrementAndGet();
        }
        return false;
    }

    /** The current record, bytes {@code 0 .. length()-1}; valid until the next call of {@code next()}. */
    public DirectBuffer record() {
        return view;
    }

    /** Length of the current record in bytes. */
    public int length() {
        return view.capacity();
    }

    /** Segment index of the current record (inside the checkpoint when {@link #inCheckpoint()}). */
    public int segment() {
        return currentSource == null ? -1 : currentSource.index;
    }

    /** Whether the current record comes from the checkpoint rather than the log. */
    public boolean inCheckpoint() {
        return currentSource != null && currentSource.checkpoint;
    }

    /** End {@link WalPosition} of the current record within its segment. */
    public long position() {
        return current == null ? WalPosition.NONE : WalPosition.of(currentSource.index, current.goodEnd());
    }

    /** The first corruption met, or null (clean so far). */
    public WalCorruptionException error() {
        return error;
    }

    /** Records returned so far. */
    public long records() {
        return records;
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                throw WalException.io("cannot close wal segment", "file=" + currentSource.file, e);
            } finally {
                current = null;
            }
        }
    }

    private static final class Source {
        final Path file;
        final int index;
        final boolean checkpoint;
        final long limit;
        final boolean missing;

        Source(Path file, int index, boolean checkpoint, long limit, boolean missing) {
            this.file = file;
            this.index = index;
            this.checkpoint = checkpoint;
            this.limit = limit;
            this.missing = missing;
        }
    }
}
