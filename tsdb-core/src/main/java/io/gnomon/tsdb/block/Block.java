package io.gnomon.tsdb.block;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.chunks.ChunkSegmentDescriptor;
import io.gnomon.tsdb.chunks.ChunkSegmentReader;
import io.gnomon.tsdb.fileutil.CorruptFileException;
import io.gnomon.tsdb.fileutil.FileUtil;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.IndexDescriptor;
import io.gnomon.tsdb.index.IndexFileReader;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.index.PostingsForMatchers;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.tombstones.Intervals;
import io.gnomon.tsdb.tombstones.Tombstones;
import io.gnomon.tsdb.tombstones.TombstonesFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.ArrayList;
import java.util.List;

/**
 * A persisted, immutable block opened from its directory: meta.json parsed, the index and chunk
 * segments memory-mapped (never read onto the heap), tombstones read.
 *
 * <p>Lifecycle: {@link #open} validates what can be validated without a full scan (meta.json, file
 * headers, the index TOC and its table CRCs) and throws {@link CorruptBlockException} naming the
 * path otherwise, so a caller can skip or quarantine the block. Corruption found later (a chunk's
 * CRC) surfaces as {@link CorruptFileException} through queriers' {@code err()}.
 *
 * <p>Thread-safe. Readers and queriers pin the block; {@link #close()} waits until every pinned
 * reader is closed before unmapping (reading unmapped memory would crash the JVM), and is
 * idempotent. The wait is bounded ({@link #CLOSE_WAIT}): a reader that is never closed (a leak)
 * must not stop compaction and retention for good, so after the bound the block is closed without
 * unmapping and the mappings are left to the garbage collector, which releases them once the last
 * buffer is unreachable (the files may be deleted meanwhile: the pages stay valid). {@link #delete} may run concurrently with queries: it swaps in a new tombstone set
 * after the file is rewritten.
 */
public final class Block implements BlockReader, Queryable, Closeable {

    private final Path dir;
    private volatile BlockMeta meta;
    private final IndexFileReader index;
    private final ChunkSegmentReader chunks;
    private volatile Tombstones tombstones;
    private final long indexSize;
    private final long chunksSize;
    private volatile long tombstonesSize;

    /** How long {@link #close()} waits for open readers before it gives up unmapping. */
    static final java.time.Duration CLOSE_WAIT = java.time.Duration.ofMinutes(2);
    private static final Logger LOG = Logger.getLogger(Block.class.getName());

    private final Object pinLock = new Object();
    private int pins;
    private boolean closing;
    private boolean closed;

    private Block(Path dir, BlockMeta meta, IndexFileReader index, ChunkSegmentReader chunks, Tombstones tombstones,
            long tombstonesSize) {
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.tombstones = tombstones;
        this.indexSize = index.size();
        this.chunksSize = chunks.size();
        this.tombstonesSize = tombstonesSize;
    }

    /**
     * Opens the block in {@code dir}.
     *
     * @throws CorruptBlockException when a file is missing, truncated, of an unknown version, or
     *     fails a CRC check; the message names the file
     */
    public static Block open(Path dir) throws IOException {
        BlockMeta meta = BlockMeta.read(dir);
        IndexFileReader ix = null;
        ChunkSegmentReader cr = null;
        try {
            Path ixPath = dir.resolve(IndexDescriptor.FILE_NAME);
            if (!Files.isRegularFile(ixPath)) {
                throw new CorruptBlockException(ixPath, "index file missing");
            }
            ix = IndexFileReader.open(ixPath);
            Path cdir = dir.resolve(ChunkSegmentDescriptor.DIR_NAME);
            if (!Files.isDirectory(cdir)) {
                throw new CorruptBlockException(cdir, "chunks directory missing");
            }
            cr = ChunkSegmentReader.open(cdir);
            Tombstones ts = TombstonesFile.read(dir);
            Path tf = dir.resolve(io.gnomon.tsdb.tombstones.TombstonesDescriptor.FILE_NAME);
            long tsize = Files.exists(tf) ? Files.size(tf) : 0;
            return new Block(dir, meta, ix, cr, ts, tsize);
        } catch (CorruptFileException e) {
            closeQuietly(ix, cr);
            throw new CorruptBlockException(e.path() == null ? dir : e.path(), e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ix, cr);
            throw e;
        }
    }

    private static void closeQuietly(IndexFileReader ix, ChunkSegmentReader cr) {
        if (ix != null) {
            ix.close();
        }
        if (cr != null) {
            cr.close();
        }
    }

    public BlockMeta meta() {
        return meta;
    }

    public Path dir() {
        return dir;
    }

    /** Bytes on disk: index, chunk segments, tombstones and meta.json. */
    public long sizeBytes() {
        long metaSize;
        try {
            metaSize = Files.size(dir.resolve(BlockMeta.FILE_NAME));
        } catch (IOException e) {
            metaSize = 0;
        }
        return indexSize + chunksSize + tombstonesSize + metaSize;
    }

    @Override
    public long minTime() {
        return meta.minTime();
    }

    @Override
    public long maxTime() {
        return meta.maxTime();
    }

    @Override
    public Tombstones tombstones() {
        return tombstones;
    }

    @Override
    public BlockIndexReader index() {
        pin();
        return new PinnedIndex(index.view());
    }

    @Override
    public ChunkReader chunks() {
        pin();
        return new PinnedChunks();
    }

    /** A querier over {@code [mint, maxt]} (inclusive) with the tombstones applied. */
    @Override
    public Querier querier(long mint, long maxt) {
        return new BlockQuerier(this, mint, maxt);
    }

    /**
     * Marks the samples in {@code [mint, maxt]} (inclusive) of the series matching {@code ms} as
     * deleted: adds tombstone intervals and rewrites the tombstones file atomically, then updates
     * meta.json's {@code numTombstones}. Queries opened afterwards no longer see the samples;
     * compaction drops them for good.
     *
     * @return the number of series that got a new interval
     */
    public synchronized int delete(long mint, long maxt, Matcher... ms) throws IOException {
        Tombstones next = tombstones.copy();
        int n = 0;
        List<ChunkMeta> chks = new ArrayList<>();
        try (BlockIndexReader ix = index()) {
            Postings p = PostingsForMatchers.postings(ix, ms);
            while (p.next()) {
                long ref = p.at();
                if (ix.series(ref, chks) == null || chks.isEmpty()) {
                    continue;
                }
                long smin = chks.get(0).minTime();
                long smax = chks.get(chks.size() - 1).maxTime();
                if (smin > maxt || smax < mint) {
                    continue;
                }
                Intervals before = next.get(ref);
                long lo = Math.max(mint, smin);
                long hi = Math.min(maxt, smax);
                if (before.covers(lo, hi)) {
                    continue;
                }
                next.add(ref, lo, hi);
                n++;
            }
            if (p.err() != null) {
                throw new IOException("reading postings failed [dir=" + dir + "]", p.err());
            }
        } catch (CorruptFileException e) {
            throw new CorruptBlockException(e.path(), e.getMessage(), e);
        }
        if (n == 0) {
            return 0;
        }
        tombstonesSize = TombstonesFile.write(dir, next);
        tombstones = next;
        BlockMeta m = meta.withStats(meta.stats().withTombstones(next.numIntervals()));
        m.write(dir);
        meta = m;
        return n;
    }

    /** Rewrites meta.json (e.g. to mark the block deletable or failed) and keeps it as the current meta. */
    public synchronized void setMeta(BlockMeta m) throws IOException {
        if (!m.ulid().equals(meta.ulid())) {
            throw new IllegalArgumentException("meta of another block [dir=" + dir + ", ulid=" + m.ulid() + "]");
        }
        m.write(dir);
        meta = m;
    }

    private void pin() {
        synchronized (pinLock) {
            if (closing) {
                throw new IllegalStateException("block is closed [dir=" + dir + "]");
            }
            pins++;
        }
    }

    private void unpin() {
        synchronized (pinLock) {
            pins--;
            if (pins == 0) {
                pinLock.notifyAll();
            }
        }
    }

    /**
     * Waits for every open reader and querier to close, then unmaps the files. Idempotent. After
     * {@link #CLOSE_WAIT} with readers still open it logs them as leaked and returns without
     * unmapping (see the class comment).
     */
    @Override
    public void close() {
        close(CLOSE_WAIT);
    }

    /** {@link #close()} with another bound on the wait; returns whether the files were unmapped. */
    boolean close(java.time.Duration maxWait) {
        int leaked;
        synchronized (pinLock) {
            if (closed) {
                return false;
            }
            closing = true;
            boolean interrupted = false;
            long deadline = System.nanoTime() + maxWait.toNanos();
            while (pins > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    pinLock.wait(Math.max(1, java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            closed = true;
            leaked = pins;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (leaked > 0) {
            LOG.log(Level.WARNING, "block closed with readers still open; its files stay mapped until they are"
                + " garbage collected [dir={0}, openReaders={1}, waited={2}]", new Object[] {dir, leaked, maxWait});
            return false;
        }
        index.close();
        chunks.close();
        return true;
    }

    /** Deletes the block's directory; the block must be closed first. */
    public void deleteFiles() throws IOException {
        close();
        FileUtil.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return "Block[" + meta.ulid() + ", " + meta.minTime() + ".." + meta.maxTime() + ", dir=" + dir + "]";
    }

    /** An index reader that unpins the block when closed. */
    private final class PinnedIndex extends IndexFileReader.Delegating {
        private boolean done;

        PinnedIndex(BlockIndexReader d) {
            super(d);
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                unpin();
            }
        }
    }

    private final class PinnedChunks implements ChunkReader {
        private boolean done;

        @Override
        public Chunk chunk(ChunkMeta m) {
            if (done) {
                throw new IllegalStateException("chunk reader is closed [dir=" + dir + "]");
            }
            return chunks.chunk(m.ref());
        }

        @Override
        public void close() {
            if (!done) {
                done = true;
                unpin();
            }
        }
    }
}
