package io.gnomon.tsdb;

import io.gnomon.tsdb.block.Block;
import io.gnomon.tsdb.block.BlockMeta;
import io.gnomon.tsdb.block.BlockWriter;
import io.gnomon.tsdb.block.CorruptBlockException;
import io.gnomon.tsdb.block.Ulid;
import io.gnomon.tsdb.compact.BlockInfo;
import io.gnomon.tsdb.compact.CompactionPlanner;
import io.gnomon.tsdb.compact.Retention;
import io.gnomon.tsdb.fileutil.FileUtil;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadCheckpoint;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.head.HeadReplayer;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.metrics.MetricSource;
import io.gnomon.tsdb.metrics.MetricWriter;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.MergeQuerier;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.wal.CheckpointResult;
import io.gnomon.wal.Wal;
import io.gnomon.wal.WalOptions;
import io.gnomon.wal.WalReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The database in one directory, laid out as Prometheus's:
 * <pre>
 * &lt;dir&gt;/
 *   01HXYZ.../            a block (meta.json, index, chunks/, tombstones), see {@link Block}
 *   01HXYZ....tmp/        a block being written; deleted on open
 *   01HXYZ....tmp-for-deletion/  a block being deleted; deleted on open
 *   01HXYZ....corrupt/    a block that failed to open, set aside (logged) and never read again
 *   wal/                  the write-ahead log of the head, see {@link Wal}
 *   snapshots/&lt;name&gt;/     admin snapshots (hard links)
 * </pre>
 *
 * <h2>Opening</h2>
 * {@link #open} deletes leftovers of a crash ({@code *.tmp}, {@code *.tmp-for-deletion}, and blocks
 * that a newer block names as parent or source: a compaction finished but its inputs were not yet
 * deleted), opens the blocks (a corrupt one is renamed {@code .corrupt} with its path logged),
 * repairs and replays the WAL into a new head whose lower bound is the newest block's end (samples
 * already persisted are skipped, so nothing is counted twice), and starts the compaction thread.
 *
 * <h2>Compaction (one background thread, {@link #compact()})</h2>
 * <ol>
 *   <li>Head: while the head spans more than 1.5 block ranges, its oldest range
 *       {@code [head min, aligned end)} is written as a block. Order: the head's lower bound moves to
 *       the range end (later samples of that range are refused), the block is written (temp dir +
 *       atomic rename) and opened and becomes visible to queries, then the head is truncated, then
 *       the WAL is checkpointed. A crash after the rename replays the WAL without the samples the
 *       block holds; a crash before it replays them all. Queries between the block opening and the
 *       truncation see both copies and the merge drops the duplicates.</li>
 *   <li>Blocks: the {@link CompactionPlanner} picks overlapping blocks, then adjacent blocks of one
 *       leveled range, then a block with many tombstones; the group is merged into one block by
 *       {@link BlockWriter} (which drops deleted data for good); the new block replaces its parents
 *       in one swap, then the parents are deleted.</li>
 *   <li>Retention ({@link Retention}): by time and by size, counting blocks, WAL and checkpoint;
 *       whole blocks go, oldest first.</li>
 * </ol>
 * Ingest continues during compaction: the thread holds no lock an appender needs, except for the
 * per-series microseconds of reading a chunk and of the head's collection pass.
 *
 * <h2>Reading</h2>
 * {@link #querier} merges the head and the blocks overlapping the range ({@link MergeQuerier}).
 * A block removed by compaction or retention is closed only after every querier that pinned it is
 * closed ({@link Block#close()} waits), and its files are deleted after that.
 *
 * <p>Thread-safe. {@link #close()} stops compaction (waiting for a running step), then closes the
 * blocks and the WAL; callers stop appending first.
 */
public final class Db implements Appendable, Queryable, Closeable, MetricSource {

    private static final Logger LOG = Logger.getLogger(Db.class.getName());
    static final String TMP_FOR_DELETION = ".tmp-for-deletion";
    static final String CORRUPT_SUFFIX = ".corrupt";
    public static final String SNAPSHOTS_DIR = "snapshots";

    private final Path dir;
    private final DbOptions options;
    private final Wal wal;
    private final Head head;
    private final HeadReplayer.Stats replayStats;
    private final CompactionPlanner planner;
    /** Guards {@link #blocks} swaps against queriers pinning blocks of the old list. */
    private final ReentrantReadWriteLock blocksLock = new ReentrantReadWriteLock();
    /** Open blocks, sorted by minTime; replaced as a whole (copy on write). */
    private volatile List<Block> blocks;
    /** Serialises compaction, retention, deletion, snapshots and close. */
    private final Object compactionLock = new Object();
    private final Thread compactor;
    private volatile boolean closed;

    private final AtomicLong headCompactions = new AtomicLong();
    private final AtomicLong blockCompactions = new AtomicLong();
    private final AtomicLong compactionFailures = new AtomicLong();
    private final AtomicLong blocksDeletedByRetention = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong quarantined = new AtomicLong();

    private Db(Path dir, DbOptions options, Wal wal, Head head, HeadReplayer.Stats stats, List<Block> blocks) {
        this.dir = dir;
        this.options = options;
        this.wal = wal;
        this.head = head;
        this.replayStats = stats;
        this.blocks = blocks;
        this.planner = new CompactionPlanner(options.ranges());
        if (options.compactionIntervalMillis() > 0) {
            compactor = new Thread(this::runCompactor, "gnomon-compactor-" + dir.getFileName());
            compactor.setDaemon(true);
        } else {
            compactor = null;
        }
    }

    /** {@link #open(Path, DbOptions)} with {@link DbOptions#defaults}. */
    public static Db open(Path dir, HeadOptions headOptions, WalOptions walOptions) {
        return open(dir, DbOptions.defaults(headOptions, walOptions));
    }

    /**
     * Opens (creating if needed) the database in {@code dir}: cleans up after a crash, opens the
     * blocks, repairs and replays the WAL, starts a fresh WAL segment and the compaction thread.
     */
    public static Db open(Path dir, DbOptions options) {
        return open(dir, options, new ReplayProgress());
    }

    /** As {@link #open(Path, HeadOptions, WalOptions)}, reporting replay progress into {@code progress}. */
    public static Db open(Path dir, HeadOptions headOptions, WalOptions walOptions, ReplayProgress progress) {
        return open(dir, DbOptions.defaults(headOptions, walOptions), progress);
    }

    /** As {@link #open(Path, DbOptions)}, reporting replay progress into {@code progress}. */
    public static Db open(Path dir, DbOptions options, ReplayProgress progress) {
        List<Block> blocks;
        try {
            Files.createDirectories(dir);
            blocks = openBlocks(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open blocks [dir=" + dir + "]", e);
        }
        Wal wal = null;
        try {
            wal = Wal.open(dir.resolve("wal"), options.wal());
            if (!wal.repairReport().clean()) {
                LOG.warning("WAL was repaired on open: " + wal.repairReport());
            }
            Head head = new Head(options.head(), wal);
            long persisted = Long.MIN_VALUE;
            for (Block b : blocks) {
                persisted = Math.max(persisted, b.maxTime());
            }
            head.setMinValidTime(persisted);
            HeadReplayer.Stats stats;
            try (WalReader reader = wal.reader()) {
                int[] segments = wal.segments();
                if (segments.length > 0) {
                    progress.range(segments[0], segments[segments.length - 1]);
                }
                stats = new HeadReplayer(head).replay(reader, progress::current);
                progress.current(progress.max());
            }
            Db db = new Db(dir, options, wal, head, stats, blocks);
            if (db.compactor != null) {
                db.compactor.start();
            }
            return db;
        } catch (RuntimeException e) {
            if (wal != null) {
                wal.close();
            }
            for (Block b : blocks) {
                b.close();
            }
            throw e;
        }
    }

    /** Crash cleanup and block opening; see the class comment. */
    private static List<Block> openBlocks(Path dir) throws IOException {
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p)) {
                    continue;
                }
                if (name.endsWith(BlockWriter.TMP_SUFFIX) || name.endsWith(TMP_FOR_DELETION)) {
                    LOG.info("deleting leftover of an interrupted block write or deletion [dir=" + p + "]");
                    FileUtil.deleteRecursively(p);
                } else if (Ulid.tryParse(name) != null) {
                    candidates.add(p);
                }
            }
        }
        List<Block> opened = new ArrayList<>();
        for (Path p : candidates) {
            try {
                opened.add(Block.open(p));
            } catch (CorruptBlockException e) {
                Path aside = p.resolveSibling(p.getFileName() + CORRUPT_SUFFIX);
                LOG.log(Level.SEVERE, "block is corrupt, moved aside and not served [dir=" + p + ", to=" + aside
                    + ", error=" + e.getMessage() + "]");
                FileUtil.rename(p, aside);
            }
        }
        // A finished compaction whose inputs were not deleted yet: the inputs are in the new block.
        Set<String> superseded = new HashSet<>();
        for (Block b : opened) {
            BlockMeta.Compaction c = b.meta().compaction();
            for (BlockMeta.BlockDesc parent : c.parents()) {
                superseded.add(parent.ulid().toString());
            }
            for (Ulid source : c.sources()) {
                if (!source.equals(b.meta().ulid())) {
                    superseded.add(source.toString());
                }
            }
        }
        List<Block> kept = new ArrayList<>();
        for (Block b : opened) {
            if (superseded.contains(b.meta().ulid().toString()) || b.meta().compaction().deletable()) {
                LOG.info("deleting a block already merged into a newer one [dir=" + b.dir() + "]");
                deleteBlockFiles(b);
            } else {
                kept.add(b);
            }
        }
        kept.sort(Comparator.comparingLong(Block::minTime).thenComparing(b -> b.meta().ulid()));
        return kept;
    }

    /** Closes the block (waiting for its readers), renames it for deletion, then deletes it. */
    private static void deleteBlockFiles(Block b) throws IOException {
        b.close();
        Path gone = b.dir().resolveSibling(b.dir().getFileName() + TMP_FOR_DELETION);
        FileUtil.rename(b.dir(), gone);
        FileUtil.deleteRecursively(gone);
    }

    // ------------------------------------------------------------------ API

    @Override
    public Appender appender() {
        return head.appender();
    }

    /** Incremented whenever the block list changes (under the write lock). */
    private long blockEpoch;
    private final Readers readers = new Readers();
    static final long READER_WAIT_MILLIS = 5 * 60_000L;

    /**
     * A querier over the head and every block overlapping {@code [mint, maxt]}, merged and
     * de-duplicated. It pins the blocks it reads, and the head range a newer block covers, until
     * closed.
     */
    @Override
    public Querier querier(long mint, long maxt) {
        List<Querier> qs = new ArrayList<>();
        blocksLock.readLock().lock();
        // The block list and the epoch are read together: a head compaction that publishes a
        // block after this point waits for this querier before it truncates the head.
        long epoch = blockEpoch;
        readers.open(epoch);
        try {
            for (Block b : blocks) {
                if (b.minTime() <= maxt && b.maxTime() > mint) {
                    qs.add(b.querier(mint, maxt));
                }
            }
        } catch (RuntimeException e) {
            for (Querier q : qs) {
                q.close(); // unpin what was pinned
            }
            readers.close(epoch);
            throw e;
        } finally {
            blocksLock.readLock().unlock();
        }
        qs.add(head.querier(mint, maxt));
        return new PinnedQuerier(MergeQuerier.of(qs), readers, epoch);
    }

    /** A querier that, until closed, keeps head compaction from truncating what it may still read. */
    private static final class PinnedQuerier implements Querier {
        private final Querier delegate;
        private final Readers readers;
        private final long epoch;
        private boolean closed;

        PinnedQuerier(Querier delegate, Readers readers, long epoch) {
            this.delegate = delegate;
            this.readers = readers;
            this.epoch = epoch;
        }

        @Override
        public io.gnomon.tsdb.storage.SeriesSet select(boolean sorted, io.gnomon.tsdb.storage.SelectHints hints,
                io.gnomon.tsdb.labels.Matcher... matchers) {
            return delegate.select(sorted, hints, matchers);
        }

        @Override
        public List<String> labelNames(io.gnomon.tsdb.labels.Matcher... matchers) {
            return delegate.labelNames(matchers);
        }

        @Override
        public List<String> labelValues(String name, io.gnomon.tsdb.labels.Matcher... matchers) {
            return delegate.labelValues(name, matchers);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                try {
                    delegate.close();
                } finally {
                    readers.close(epoch);
                }
            }
        }
    }

    /**
     * Open queriers by the block epoch they were created in. A querier of an older epoch read the
     * block list before the newest head block was published, so it still reads that range from
     * the head: the head is truncated only after such queriers are closed (as Prometheus waits
     * for pending readers), else a query racing a compaction would find the range in neither.
     */
    static final class Readers {
        private final java.util.TreeMap<Long, Integer> open = new java.util.TreeMap<>();

        synchronized void open(long epoch) {
            open.merge(epoch, 1, Integer::sum);
        }

        synchronized void close(long epoch) {
            Integer n = open.get(epoch);
            if (n == null) {
                return;
            }
            if (n == 1) {
                open.remove(epoch);
                notifyAll();
            } else {
                open.put(epoch, n - 1);
            }
        }

        private Thread waiting;

        /** Interrupts {@code t} if it is waiting here (not while it writes files). */
        synchronized void interruptWaits(Thread t) {
            if (waiting == t) {
                t.interrupt();
            }
        }

        /** Waits until no querier older than {@code epoch} is open; false on timeout. */
        synchronized boolean awaitOlderThan(long epoch, long timeoutMillis) throws InterruptedException {
            long deadline = System.currentTimeMillis() + timeoutMillis;
            waiting = Thread.currentThread();
            try {
                while (!open.isEmpty() && open.firstKey() < epoch) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0) {
                        return false;
                    }
                    wait(left);
                }
                return true;
            } finally {
                waiting = null;
            }
        }
    }

    public Head head() {
        return head;
    }

    public Wal wal() {
        return wal;
    }

    public Path dir() {
        return dir;
    }

    public DbOptions options() {
        return options;
    }

    /** The open blocks, oldest first (a snapshot of the list; do not close them). */
    public List<Block> blocks() {
        return blocks;
    }

    /** What the start-up replay did. */
    public HeadReplayer.Stats replayStats() {
        return replayStats;
    }

    /**
     * Drops the head's data before {@code mint} and checkpoints the WAL accordingly (see
     * {@link Head#truncate} and {@link HeadCheckpoint}). The caller states that everything before
     * {@code mint} is persisted in a block or may go. Returns what the checkpoint did, or null
     * when the WAL was too short to checkpoint.
     */
    public CheckpointResult truncateHead(long mint) {
        Head.TruncateStats st = head.truncate(mint);
        LOG.fine("head truncated: " + st);
        CheckpointResult r = HeadCheckpoint.run(head, wal, mint);
        if (r != null) {
            checkpoints.incrementAndGet();
        }
        return r;
    }

    /** Bytes on disk: blocks, WAL and checkpoint. */
    public long sizeBytes() {
        long n = walBytes();
        for (Block b : blocks) {
            n += b.sizeBytes();
        }
        return n;
    }

    private long walBytes() {
        try {
            return FileUtil.sizeOf(wal.dir());
        } catch (IOException e) {
            LOG.warning("cannot size the wal [dir=" + wal.dir() + ", error=" + e + "]");
            return 0;
        }
    }

    // ------------------------------------------------------------------ compaction

    private void runCompactor() {
        while (!closed) {
            try {
                compact();
            } catch (RuntimeException e) {
                compactionFailures.incrementAndGet();
                LOG.log(Level.SEVERE, "compaction failed; retrying in " + options.compactionIntervalMillis() + " ms", e);
            }
            synchronized (compactionLock) {
                if (closed) {
                    return;
                }
                try {
                    compactionLock.wait(options.compactionIntervalMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Whether the head spans more than 1.5 block ranges (Prometheus's {@code compactable}). */
    boolean headCompactable() {
        long mint = head.minTime();
        long maxt = head.maxTime();
        return mint != Long.MAX_VALUE && maxt != Long.MIN_VALUE && maxt - mint > options.blockRange() / 2 * 3;
    }

    /**
     * One compaction cycle: head compactions until the head is short enough, block compactions
     * until the planner has nothing, then retention. Runs on the calling thread; serialised with
     * the background thread.
     */
    public void compact() {
        synchronized (compactionLock) {
            if (closed) {
                return;
            }
            try {
                while (!closed && headCompactable()) {
                    compactHead();
                }
                while (!closed && compactBlocks()) {
                    // next plan
                }
                applyRetention();
            } catch (IOException e) {
                throw new UncheckedIOException("compaction failed [dir=" + dir + "]", e);
            }
        }
    }

    /** Writes the head's oldest block range as a block, then truncates the head and the WAL. */
    private void compactHead() throws IOException {
        long range = options.blockRange();
        long mint = head.minTime();
        long maxt = Math.floorDiv(mint, range) * range + range;
        long start = System.nanoTime();
        // From now on no sample below maxt is accepted: commits re-check this under the series
        // lock that the block writer reads each series under.
        if (head.minValidTime() < maxt) {
            head.setMinValidTime(maxt);
        }
        BlockMeta meta = BlockWriter.write(dir, mint, maxt, List.of(new RangeHead(head, mint, maxt)),
            BlockMeta.Compaction.head());
        if (meta != null) {
            Block b = Block.open(dir.resolve(meta.ulid().toString()));
            swap(List.of(), b);
        }
        headCompactions.incrementAndGet();
        // Queriers that took the block list before the new block still read [mint, maxt) from
        // the head; truncate only when they are done (a leaked querier delays it at most 5 min).
        try {
            if (!readers.awaitOlderThan(blockEpoch, READER_WAIT_MILLIS)) {
                LOG.warning("head truncation went ahead with queriers still open after " + READER_WAIT_MILLIS + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // closing: the head stays whole, the WAL replays it and the block de-duplicates
        }
        CheckpointResult cp = truncateHead(maxt);
        LOG.info("head compacted [range=" + mint + ".." + maxt + ", block=" + (meta == null ? "none (no samples)" : meta.ulid())
            + ", series=" + (meta == null ? 0 : meta.stats().numSeries()) + ", millis=" + (System.nanoTime() - start) / 1_000_000
            + ", checkpoint=" + cp + "]");
    }

    /** Plans and runs one block compaction; false when there was nothing to do. */
    private boolean compactBlocks() throws IOException {
        List<Block> current = blocks;
        Map<String, Block> byId = new HashMap<>();
        List<BlockInfo> infos = new ArrayList<>();
        for (Block b : current) {
            byId.put(b.meta().ulid().toString(), b);
            infos.add(info(b));
        }
        List<BlockInfo> plan = planner.plan(infos);
        if (plan.isEmpty()) {
            return false;
        }
        long start = System.nanoTime();
        List<Block> parents = new ArrayList<>();
        List<BlockMeta> metas = new ArrayList<>();
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        for (BlockInfo i : plan) {
            Block b = byId.get(i.id());
            parents.add(b);
            metas.add(b.meta());
            mint = Math.min(mint, b.minTime());
            maxt = Math.max(maxt, b.maxTime());
        }
        BlockMeta meta;
        try {
            meta = BlockWriter.write(dir, mint, maxt, parents, BlockMeta.Compaction.merge(metas));
        } catch (IOException | RuntimeException e) {
            // Mark the inputs so the planner skips them instead of failing on them every cycle
            // (overlapping blocks are still retried: their duplicates must be merged).
            compactionFailures.incrementAndGet();
            for (Block p : parents) {
                try {
                    p.setMeta(p.meta().withCompaction(p.meta().compaction().withFailed(true)));
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            LOG.log(Level.SEVERE, "block compaction failed; inputs marked failed [blocks=" + plan + "]", e);
            return false;
        }
        Block merged = meta == null ? null : Block.open(dir.resolve(meta.ulid().toString()));
        swap(parents, merged);
        for (Block p : parents) {
            deleteBlockFiles(p);
        }
        blockCompactions.incrementAndGet();
        LOG.info("blocks compacted [parents=" + plan.size() + ", range=" + mint + ".." + maxt + ", block="
            + (meta == null ? "none (all deleted)" : meta.ulid()) + ", millis=" + (System.nanoTime() - start) / 1_000_000 + "]");
        return true;
    }

    private static BlockInfo info(Block b) {
        BlockMeta m = b.meta();
        return new BlockInfo(m.ulid().toString(), m.minTime(), m.maxTime(), m.stats().numSeries(),
            m.stats().numTombstones(), b.sizeBytes(), m.compaction().failed());
    }

    /** Replaces {@code remove} by {@code add} (either may be empty/null) in one step. */
    private void swap(List<Block> remove, Block add) {
        blocksLock.writeLock().lock();
        try {
            List<Block> next = new ArrayList<>(blocks);
            next.removeAll(remove);
            if (add != null) {
                next.add(add);
            }
            next.sort(Comparator.comparingLong(Block::minTime).thenComparing(b -> b.meta().ulid()));
            blocks = List.copyOf(next);
            blockEpoch++;
        } finally {
            blocksLock.writeLock().unlock();
        }
    }

    private void applyRetention() throws IOException {
        List<Block> current = blocks;
        if (current.isEmpty()) {
            return;
        }
        List<BlockInfo> infos = new ArrayList<>();
        for (Block b : current) {
            infos.add(info(b));
        }
        Set<String> doomed = Retention.select(infos, options.retentionMillis(), options.retentionBytes(),
            options.retentionBytes() > 0 ? walBytes() : 0);
        if (doomed.isEmpty()) {
            return;
        }
        List<Block> gone = new ArrayList<>();
        for (Block b : current) {
            if (doomed.contains(b.meta().ulid().toString())) {
                gone.add(b);
            }
        }
        swap(gone, null);
        for (Block b : gone) {
            LOG.info("retention deletes block [dir=" + b.dir() + ", range=" + b.minTime() + ".." + b.maxTime() + "]");
            deleteBlockFiles(b);
            blocksDeletedByRetention.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ admin

    /**
     * Deletes the samples in {@code [mint, maxt]} of the series matching {@code matchers}: blocks
     * get tombstones (compaction later drops the data for good), the head deletes eagerly.
     */
    public void delete(long mint, long maxt, Matcher... matchers) throws IOException {
        synchronized (compactionLock) {
            for (Block b : blocks) {
                if (b.minTime() <= maxt && b.maxTime() > mint) {
                    b.delete(mint, maxt, matchers);
                }
            }
            head.delete(mint, maxt, matchers);
        }
    }

    /**
     * Rewrites every block that has tombstones without the deleted data (Prometheus's
     * {@code CleanTombstones}). Returns the number of blocks rewritten.
     */
    public int cleanTombstones() throws IOException {
        synchronized (compactionLock) {
            int n = 0;
            for (Block b : blocks) {
                if (b.tombstones().numIntervals() == 0) {
                    continue;
                }
                BlockMeta.Compaction c = b.meta().compaction();
                BlockMeta meta = BlockWriter.write(dir, b.minTime(), b.maxTime(), List.of(b),
                    new BlockMeta.Compaction(c.level() + 1, c.sources(), List.of(new BlockMeta.BlockDesc(b.meta().ulid(),
                        b.minTime(), b.maxTime())), false, false));
                Block rewritten = meta == null ? null : Block.open(dir.resolve(meta.ulid().toString()));
                swap(List.of(b), rewritten);
                deleteBlockFiles(b);
                n++;
            }
            return n;
        }
    }

    /**
     * Writes a snapshot under {@code <dir>/snapshots/<UTC time>-<16 hex digits>}: every block
     * hard-linked (blocks are immutable; tombstones and meta.json are replaced by rename, never
     * edited in place), and unless {@code skipHead} the head written as one more block. Returns
     * the snapshot's name.
     */
    public String snapshot(boolean skipHead) throws IOException {
        synchronized (compactionLock) {
            String name = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").format(ZonedDateTime.now(ZoneOffset.UTC))
                + "-" + String.format("%016x", ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path target = dir.resolve(SNAPSHOTS_DIR).resolve(name);
            Files.createDirectories(target);
            for (Block b : blocks) {
                linkTree(b.dir(), target.resolve(b.dir().getFileName()));
            }
            if (!skipHead && head.minTime() != Long.MAX_VALUE && head.maxTime() != Long.MIN_VALUE) {
                long mint = head.minTime();
                long maxt = head.maxTime() + 1;
                BlockWriter.write(target, mint, maxt, List.of(new RangeHead(head, mint, maxt)), BlockMeta.Compaction.head());
            }
            FileUtil.fsyncDir(target);
            return name;
        }
    }

    private static void linkTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(from)) {
            for (Path p : ds) {
                Path dst = to.resolve(p.getFileName().toString());
                if (Files.isDirectory(p)) {
                    linkTree(p, dst);
                } else {
                    Files.createLink(dst, p);
                }
            }
        }
    }

    @Override
    public void writeMetrics(MetricWriter w) {
        List<Block> bs = blocks;
        w.family("gnomon_tsdb_blocks_loaded", "gauge", "Number of blocks loaded.").sample("gnomon_tsdb_blocks_loaded", bs.size());
        w.family("gnomon_tsdb_compactions_total", "counter", "Compactions run, by kind.")
            .sample("gnomon_tsdb_compactions_total", headCompactions.get(), "kind", "head")
            .sample("gnomon_tsdb_compactions_total", blockCompactions.get(), "kind", "blocks");
        w.family("gnomon_tsdb_compactions_failed_total", "counter", "Compaction cycles that failed.")
            .sample("gnomon_tsdb_compactions_failed_total", compactionFailures.get());
        w.family("gnomon_tsdb_time_retentions_total", "counter", "Blocks deleted by retention.")
            .sample("gnomon_tsdb_time_retentions_total", blocksDeletedByRetention.get());
        w.family("gnomon_tsdb_checkpoints_total", "counter", "WAL checkpoints written.")
            .sample("gnomon_tsdb_checkpoints_total", checkpoints.get());
        w.family("gnomon_tsdb_storage_blocks_bytes", "gauge", "Bytes of the loaded blocks.");
        long bytes = 0;
        for (Block b : bs) {
            bytes += b.sizeBytes();
        }
        w.sample("gnomon_tsdb_storage_blocks_bytes", bytes);
        long lowest = bs.isEmpty() ? head.minTime() : bs.get(0).minTime();
        w.family("gnomon_tsdb_lowest_timestamp", "gauge", "Lowest timestamp held (ms).")
            .sample("gnomon_tsdb_lowest_timestamp", lowest == Long.MAX_VALUE ? 0 : lowest);
    }

    /** Stops compaction, closes the blocks (waiting for their readers) and the WAL. Idempotent. */
    @Override
    public void close() {
        synchronized (compactionLock) {
            if (closed) {
                return;
            }
            closed = true;
            compactionLock.notifyAll();
        }
        if (compactor != null && compactor != Thread.currentThread()) {
            // A compaction waiting for open queriers gives up (the head stays whole); a block
            // write in progress finishes or leaves a .tmp that the next open removes.
            readers.interruptWaits(compactor);
            try {
                compactor.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            wal.close();
        } finally {
            for (Block b : blocks) {
                b.close();
            }
        }
    }
}
