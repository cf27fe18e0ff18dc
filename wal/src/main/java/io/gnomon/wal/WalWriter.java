package io.gnomon.wal;

import static io.gnomon.wal.WalDescriptor.CRC_COVERED_HEADER_LENGTH;
import static io.gnomon.wal.WalDescriptor.CRC_OFFSET;
import static io.gnomon.wal.WalDescriptor.FLAG_LZ4;
import static io.gnomon.wal.WalDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.gnomon.wal.WalDescriptor.KIND_FIRST;
import static io.gnomon.wal.WalDescriptor.KIND_FULL;
import static io.gnomon.wal.WalDescriptor.KIND_LAST;
import static io.gnomon.wal.WalDescriptor.KIND_MIDDLE;
import static io.gnomon.wal.WalDescriptor.LZ4_LENGTH_PREFIX;
import static io.gnomon.wal.WalDescriptor.PAGE_SIZE;
import static io.gnomon.wal.WalDescriptor.SEGMENT_HEADER_LENGTH;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Appends records to numbered segment files with group commit. Package-private: callers use
 * {@link Wal}; checkpoints use a second instance on the temporary checkpoint directory.
 *
 * <h2>On-disk format (version 1)</h2>
 *
 * <p>A WAL directory holds segment files named by eight zero-padded decimal digits
 * ({@code 00000000}, {@code 00000001}, ...) with no gaps, and at most one complete checkpoint
 * directory {@code checkpoint.NNNNNNNN} holding segment files of the same format. All integers
 * are big-endian.
 *
 * <p><b>Segment header</b>, at offset 0 of every segment file:
 * <pre>
 * offset width field    value
 * 0      4     magic    0x4757414C ("GWAL")
 * 4      1     version  1 (readers accept MIN_FORMAT_VERSION..FORMAT_VERSION)
 * 5      3     reserved 0
 * </pre>
 *
 * <p><b>Pages.</b> A segment file is a sequence of 32 KiB pages counted from offset 0 (the
 * header occupies the start of page 0). A fragment never crosses a page boundary. When 7 or
 * fewer bytes are left in a page (a fragment header and no room for data), the rest of the page
 * is zero padding and the next fragment starts on the next page; this holds for empty records
 * too, so the rule depends on the offset alone. The last page of a file may be partial. A
 * fragment header therefore always starts where at least 8 bytes remain in its page; a zero
 * type byte there is never written (it marks a zero-filled tail).
 *
 * <p><b>Fragment</b>:
 * <pre>
 * offset width field  notes
 * 0      1     type   bits 0-2 kind: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST (0 never written)
 *                     bit 3 (0x08): record payload is LZ4 compressed (same on all fragments)
 *                     bits 4-7: reserved, 0
 * 1      2     length unsigned data length, 0..32761
 * 3      4     crc    CRC32C (Castagnoli) over bytes 0..2 of this header, then the data
 * 7      len   data   a slice of the record payload
 * </pre>
 * Unlike Prometheus's {@code tsdb/wlog}, whose CRC covers the data only, the CRC here also
 * covers type and length, so a flipped kind or length is caught by the same check.
 *
 * <p><b>Record payload.</b> A record is either one FULL fragment or FIRST, MIDDLE*, LAST; the
 * payload is the concatenation of the fragments' data. Without the LZ4 flag the payload is the
 * record. With it, the payload is a 4-byte uncompressed length followed by one LZ4 block; the
 * writer sets the flag only when that is shorter than the record. A record never spans two
 * segments: the writer cuts to a new segment first when the framed record would make the current
 * one exceed the segment size (a record larger than a segment gets a fresh segment of its own).
 *
 * <p><b>Worked example.</b> A new segment 0 holding the 5-byte record {@code "hello"} without
 * compression is 20 bytes:
 * <pre>
 * 47 57 41 4C 01 00 00 00   segment header: "GWAL", version 1, reserved
 * 01                        type: kind FULL, no flags
 * 00 05                     length 5
 * 47 D2 5E BA               CRC32C over 01 00 05 68 65 6C 6C 6F
 * 68 65 6C 6C 6F            "hello"
 * </pre>
 * The record's end position is segment 0, offset 20.
 *
 * <h2>Group commit</h2>
 *
 * <p>{@link #submit} frames a record under a lock into the batch being filled and returns its
 * end {@link WalPosition}. One flusher thread (which alone owns the file channel, so an interrupt
 * of a caller can never close it) swaps the batch out, writes it with one
 * {@code FileChannel.write} sequence, fsyncs when the {@link FsyncPolicy} requires, then
 * publishes the new written and durable positions. Records submitted while a batch is being
 * written form the next batch. {@link #awaitWritten} and {@link #awaitDurable} block until the
 * published positions reach the caller's position.
 */
final class WalWriter implements Closeable {

    private static final System.Logger LOG = System.getLogger(WalWriter.class.getName());

    /** Records shorter than this are never worth an LZ4 attempt. */
    private static final int MIN_COMPRESS_LENGTH = 64;

    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final Path dir;
    private final WalOptions options;
    private final WalMetrics metrics;
    private final long intervalNanos;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the flusher has work: a batch, a sync request, closing. */
    private final Condition flusherWake = lock.newCondition();
    /** Signalled when the flusher published progress (or failed). */
    private final Condition progress = lock.newCondition();

    // ---- guarded by lock: framing state
    private final CRC32C crc = new CRC32C();
    private Batch filling = new Batch();
    private Batch spare = new Batch();
    private int segment;
    private long segmentOffset;
    private long queuedPosition;

    // ---- guarded by lock: published by the flusher
    private long writtenPosition;
    private long durablePosition;
    private long syncRequested;
    private boolean closing;
    private Throwable failure;

    // ---- owned by the flusher thread (and the constructor before it starts)
    private FileChannel channel;
    private long lastSyncNanos;

    private final Thread flusher;

    WalWriter(Path dir, int firstSegment, WalOptions options, WalMetrics metrics, String threadName) {
        this.dir = dir;
        this.options = options;
        this.metrics = metrics;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(options.fsyncIntervalMillis());
        this.segment = firstSegment;
        this.segmentOffset = SEGMENT_HEADER_LENGTH;
        this.queuedPosition = WalPosition.of(firstSegment, SEGMENT_HEADER_LENGTH);
        this.writtenPosition = queuedPosition;
        this.durablePosition = queuedPosition;
        try {
            channel = createSegment(firstSegment);
            final ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH);
            putSegmentHeader(header);
            header.flip();
            while (header.hasRemaining()) {
                channel.write(header);
            }
            force();
        } catch (IOException e) {
            closeQuietly(channel);
            throw WalException.io("cannot create wal segment", "dir=" + dir + ", segment=" + firstSegment, e);
        }
        lastSyncNanos = System.nanoTime();
        flusher = new Thread(this::runFlusher, threadName);
        flusher.setDaemon(true);
        flusher.start();
    }

    // ------------------------------------------------------------------ appending

    /**
     * Frames and queues one record without waiting for it to be written. Returns the record's end
     * position. Waits only for back-pressure (more than {@link WalOptions#maxPendingBytes()}
     * queued). The record bytes are copied before this returns; the caller may reuse its buffer.
     */
    long submit(DirectBuffer record, int offset, int length) {
        if (length < 0 || length > WalDescriptor.MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record length out of range [length=" + length + ", max="
                    + WalDescriptor.MAX_RECORD_LENGTH + "]");
        }
        final Scratch s = SCRATCH.get();
        DirectBuffer payload = record;
        int payloadOffset = offset;
        int payloadLength = length;
        int flags = 0;
        if (options.compression() && length >= MIN_COMPRESS_LENGTH) {
            final int compressed = s.compress(record, offset, length);
            if (compressed < length) {
                payload = s.outView;
                payloadOffset = 0;
                payloadLength = compressed;
                flags = FLAG_LZ4;
            }
        }
        lock.lock();
        try {
            checkUsable();
            while (filling.length() >= options.maxPendingBytes()) {
                flusherWake.signal();
                progress.awaitUninterruptibly();
                checkUsable();
            }
            frame(payload, payloadOffset, payloadLength, flags);
            metrics.records.incrementAndGet();
            metrics.recordBytes.addAndGet(length);
            flusherWake.signal();
            return queuedPosition;
        } finally {
            lock.unlock();
        }
    }

    /** Same as {@link #submit(DirectBuffer, int, int)} for the bytes between position and limit. */
    long submit(ByteBuffer record) {
        final Scratch s = SCRATCH.get();
        if (!record.isDirect() && !record.hasArray()) {
            // A read-only heap buffer exposes neither an array nor an address: copy it.
            if (s.in.length < record.remaining()) {
                s.in = new byte[record.remaining()];
            }
            record.duplicate().get(s.in, 0, record.remaining());
            s.inView.wrap(s.in, 0, record.remaining());
        } else {
            s.inView.wrap(record, record.position(), record.remaining());
        }
        try {
            return submit(s.inView, 0, record.remaining());
        } finally {
            s.inView.wrap(Scratch.EMPTY);
        }
    }

    /**
     * Starts a new segment: records submitted afterwards go to the returned segment index. Returns
     * once the previous segment is written, fsynced and closed and the new one exists.
     */
    int cutSegment() {
        final long position;
        final int next;
        lock.lock();
        try {
            checkUsable();
            queueCut();
            next = segment;
            position = queuedPosition;
            flusherWake.signal();
        } finally {
            lock.unlock();
        }
        awaitWritten(position);
        return next;
    }

    /** Blocks until everything up to {@code position} has been written to the OS. */
    void awaitWritten(long position) {
        lock.lock();
        try {
            while (writtenPosition < position) {
                if (failure != null) {
                    throw WalException.failed(failure);
                }
                if (position > queuedPosition) {
                    throw new IllegalArgumentException("position was never appended [position="
                            + WalPosition.toString(position) + ", queued=" + WalPosition.toString(queuedPosition) + "]");
                }
                flusherWake.signal();
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until everything up to {@code position} (clamped to what was queued) is fsynced. */
    void awaitDurable(long position) {
        lock.lock();
        try {
            final long target = Math.min(position, queuedPosition);
            if (syncRequested < target) {
                syncRequested = target;
            }
            while (durablePosition < target) {
                if (failure != null) {
                    throw WalException.failed(failure);
                }
                flusherWake.signal();
                progress.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits as the policy acknowledges: written for SEGMENT_AND_INTERVAL, fsynced for ALWAYS. */
    void await(long position) {
        if (options.fsyncPolicy() == FsyncPolicy.ALWAYS) {
            awaitDurable(position);
        } else {
            awaitWritten(position);
        }
    }

    long queuedPosition() {
        lock.lock();
        try {
            return queuedPosition;
        } finally {
            lock.unlock();
        }
    }

    long writtenPosition() {
        lock.lock();
        try {
            return writtenPosition;
        } finally {
            lock.unlock();
        }
    }

    long durablePosition() {
        lock.lock();
        try {
            return durablePosition;
        } finally {
            lock.unlock();
        }
    }

    /** Index of the segment new records go to. */
    int currentSegment() {
        lock.lock();
        try {
            return segment;
        } finally {
            lock.unlock();
        }
    }

    /** The error that stopped the flusher, or null. */
    Throwable failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Writes everything queued, fsyncs, closes the segment. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            flusherWake.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (flusher.isAlive()) {
            try {
                flusher.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // A flusher failure was already reported to every appender and logged; close stays quiet.
    }

    // ------------------------------------------------------------------ framing (under lock)

    private void checkUsable() {
        if (failure != null) {
            throw WalException.failed(failure);
        }
        if (closing) {
            throw WalException.closed();
        }
    }

    /** Bytes the record occupies when framed starting at segment offset {@code from}. */
    static long framedLength(long from, int payloadLength) {
        long at = from;
        int remaining = payloadLength;
        while (true) {
            final int pageLeft = PAGE_SIZE - (int) (at % PAGE_SIZE);
            if (pageLeft <= FRAGMENT_HEADER_LENGTH) {
                at += pageLeft;
                continue;
            }
            final int n = Math.min(remaining, pageLeft - FRAGMENT_HEADER_LENGTH);
            at += FRAGMENT_HEADER_LENGTH + n;
            remaining -= n;
            if (remaining == 0) {
                return at - from;
            }
        }
    }

    private void frame(DirectBuffer payload, int offset, int length, int flags) {
        long framed = framedLength(segmentOffset, length);
        if (segmentOffset > SEGMENT_HEADER_LENGTH && segmentOffset + framed > options.segmentSize()) {
            queueCut();
            framed = framedLength(segmentOffset, length);
        }
        filling.ensure(framed);
        final ByteBuffer b = filling.buf;
        int remaining = length;
        int src = offset;
        boolean first = true;
        while (true) {
            final int pageLeft = PAGE_SIZE - (int) (segmentOffset % PAGE_SIZE);
            if (pageLeft <= FRAGMENT_HEADER_LENGTH) {
                for (int i = 0; i < pageLeft; i++) {
                    b.put((byte) 0);
                }
                segmentOffset += pageLeft;
                continue;
            }
            final int n = Math.min(remaining, pageLeft - FRAGMENT_HEADER_LENGTH);
            final boolean last = n == remaining;
            final int kind = first ? (last ? KIND_FULL : KIND_FIRST) : (last ? KIND_LAST : KIND_MIDDLE);
            final int start = b.position();
            b.put((byte) (kind | flags));
            b.putShort((short) n);
            b.putInt(0);
            payload.getBytes(src, b, start + FRAGMENT_HEADER_LENGTH, n);
            b.position(start + FRAGMENT_HEADER_LENGTH + n);
            crc.reset();
            final ByteBuffer view = filling.crcView;
            view.clear().position(start).limit(start + CRC_COVERED_HEADER_LENGTH);
            crc.update(view);
            view.clear().position(start + FRAGMENT_HEADER_LENGTH).limit(start + FRAGMENT_HEADER_LENGTH + n);
            crc.update(view);
            b.putInt(start + CRC_OFFSET, (int) crc.getValue());
            segmentOffset += FRAGMENT_HEADER_LENGTH + n;
            remaining -= n;
            src += n;
            first = false;
            if (last) {
                break;
            }
        }
        queuedPosition = WalPosition.of(segment, segmentOffset);
        filling.endPosition = queuedPosition;
        metrics.framedBytes.addAndGet(framed);
    }

    private void queueCut() {
        final int next = segment + 1;
        if (next > WalDescriptor.MAX_SEGMENT_INDEX) {
            throw new IllegalStateException("wal segment index exhausted [segment=" + segment + "]");
        }
        filling.ensure(SEGMENT_HEADER_LENGTH);
        filling.addCut(next);
        putSegmentHeader(filling.buf);
        segment = next;
        segmentOffset = SEGMENT_HEADER_LENGTH;
        queuedPosition = WalPosition.of(next, SEGMENT_HEADER_LENGTH);
        filling.endPosition = queuedPosition;
        metrics.framedBytes.addAndGet(SEGMENT_HEADER_LENGTH);
    }

    static void putSegmentHeader(ByteBuffer b) {
        b.putInt(WalDescriptor.SEGMENT_MAGIC);
        b.put(WalDescriptor.FORMAT_VERSION);
        b.put((byte) 0).put((byte) 0).put((byte) 0);
    }

    // ------------------------------------------------------------------ flusher thread

    private void runFlusher() {
        try {
            while (true) {
                Batch batch = null;
                boolean exit = false;
                long end;
                long wantSync;
                lock.lock();
                try {
                    while (true) {
                        if (!filling.isEmpty()) {
                            batch = filling;
                            filling = spare;
                            spare = null;
                            break;
                        }
                        if (closing) {
                            exit = true;
                            break;
                        }
                        if (syncRequested > durablePosition) {
                            break;
                        }
                        if (writtenPosition > durablePosition && options.fsyncPolicy() == FsyncPolicy.SEGMENT_AND_INTERVAL) {
                            // Compare differences of nanoTime values, as its javadoc asks.
                            final long elapsed = System.nanoTime() - lastSyncNanos;
                            if (elapsed >= intervalNanos) {
                                break;
                            }
                            flusherWake.awaitNanos(intervalNanos - elapsed);
                        } else {
                            flusherWake.await();
                        }
                    }
                    end = batch != null ? batch.endPosition : writtenPosition;
                    wantSync = syncRequested;
                } finally {
                    lock.unlock();
                }

                if (batch != null) {
                    writeBatch(batch);
                }
                final boolean sync = exit
                        || options.fsyncPolicy() == FsyncPolicy.ALWAYS
                        || wantSync > durablePositionUnlocked()
                        || System.nanoTime() - lastSyncNanos >= intervalNanos;
                if (sync) {
                    force();
                }

                lock.lock();
                try {
                    if (batch != null) {
                        batch.clear();
                        spare = batch;
                    }
                    writtenPosition = end;
                    if (sync) {
                        durablePosition = end;
                    }
                    progress.signalAll();
                } finally {
                    lock.unlock();
                }
                if (exit) {
                    channel.close();
                    fsyncDirectory(dir);
                    return;
                }
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "wal flusher failed, appends will fail [dir=" + dir + "]", t);
            closeQuietly(channel);
            lock.lock();
            try {
                failure = t;
                progress.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private long durablePositionUnlocked() {
        lock.lock();
        try {
            return durablePosition;
        } finally {
            lock.unlock();
        }
    }

    private void writeBatch(Batch batch) throws IOException {
        final ByteBuffer b = batch.buf;
        final int length = b.position();
        int from = 0;
        for (int i = 0; i < batch.cuts; i++) {
            writeRange(b, from, batch.cutAt[i]);
            rotate(batch.cutSegment[i]);
            from = batch.cutAt[i];
        }
        writeRange(b, from, length);
        metrics.writes.incrementAndGet();
    }

    private void writeRange(ByteBuffer b, int from, int to) throws IOException {
        b.clear().position(from).limit(to);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void rotate(int next) throws IOException {
        force();
        channel.close();
        channel = createSegment(next);
    }

    private FileChannel createSegment(int index) throws IOException {
        final FileChannel ch = FileChannel.open(dir.resolve(WalDescriptor.segmentName(index)),
                StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        fsyncDirectory(dir);
        metrics.segmentsCreated.incrementAndGet();
        return ch;
    }

    private void force() throws IOException {
        final long start = System.nanoTime();
        channel.force(false);
        final long end = System.nanoTime();
        lastSyncNanos = end;
        metrics.fsyncs.incrementAndGet();
        metrics.fsyncNanos.addAndGet(end - start);
        metrics.fsyncMaxNanos.accumulateAndGet(end - start, Math::max);
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // already failing; the first error is the one reported
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Framed bytes waiting for the flusher, with the segment cuts that fall inside them. */
    private static final class Batch {
        static final int INITIAL_CAPACITY = 256 * 1024;
        static final int SHRINK_ABOVE = 32 * 1024 * 1024;
        ByteBuffer buf = ByteBuffer.allocateDirect(INITIAL_CAPACITY);
        ByteBuffer crcView = buf.duplicate();
        int[] cutAt = new int[4];
        int[] cutSegment = new int[4];
        int cuts;
        long endPosition;

        int length() {
            return buf.position();
        }

        boolean isEmpty() {
            return buf.position() == 0 && cuts == 0;
        }

        void ensure(long extra) {
            final long needed = buf.position() + extra;
            if (needed <= buf.capacity()) {
                return;
            }
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("wal batch too large [bytes=" + needed + "]");
            }
            long capacity = buf.capacity();
            while (capacity < needed) {
                capacity *= 2;
            }
            final ByteBuffer bigger = ByteBuffer.allocateDirect((int) Math.min(capacity, Integer.MAX_VALUE - 8));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
            crcView = bigger.duplicate();
        }

        void addCut(int nextSegment) {
            if (cuts == cutAt.length) {
                cutAt = Arrays.copyOf(cutAt, cuts * 2);
                cutSegment = Arrays.copyOf(cutSegment, cuts * 2);
            }
            cutAt[cuts] = buf.position();
            cutSegment[cuts] = nextSegment;
            cuts++;
        }

        void clear() {
            if (buf.capacity() > SHRINK_ABOVE) {
                // One huge record must not pin its size in direct memory for the life of the WAL.
                buf = ByteBuffer.allocateDirect(INITIAL_CAPACITY);
                crcView = buf.duplicate();
            }
            buf.clear();
            cuts = 0;
        }
    }

    /** Per-thread compression output and a flyweight for ByteBuffer inputs. */
    private static final class Scratch {
        static final byte[] EMPTY = new byte[0];
        final UnsafeBuffer inView = new UnsafeBuffer(EMPTY);
        final UnsafeBuffer outView = new UnsafeBuffer(EMPTY);
        byte[] out = EMPTY;
        ByteBuffer outBuffer = ByteBuffer.wrap(EMPTY);
        byte[] in = EMPTY;

        /** Compresses into {@link #outView}; returns the payload length (prefix included). */
        int compress(DirectBuffer src, int offset, int length) {
            final int max = COMPRESSOR.maxCompressedLength(length);
            if (out.length < LZ4_LENGTH_PREFIX + max) {
                out = new byte[LZ4_LENGTH_PREFIX + max];
                outBuffer = ByteBuffer.wrap(out);
            }
            final int compressed;
            if (src.byteArray() != null) {
                compressed = COMPRESSOR.compress(src.byteArray(), src.wrapAdjustment() + offset, length,
                        out, LZ4_LENGTH_PREFIX, max);
            } else if (src.byteBuffer() != null) {
                compressed = COMPRESSOR.compress(src.byteBuffer(), src.wrapAdjustment() + offset, length,
                        outBuffer, LZ4_LENGTH_PREFIX, max);
            } else {
                if (in.length < length) {
                    in = new byte[length];
                }
                src.getBytes(offset, in, 0, length);
                compressed = COMPRESSOR.compress(in, 0, length, out, LZ4_LENGTH_PREFIX, max);
            }
            out[0] = (byte) (length >>> 24);
            out[1] = (byte) (length >>> 16);
            out[2] = (byte) (length >>> 8);
            out[3] = (byte) length;
            outView.wrap(out, 0, LZ4_LENGTH_PREFIX + compressed);
            return LZ4_LENGTH_PREFIX + compressed;
        }
    }
}
