package io.gnomon.tsdb;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadCheckpoint;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.head.HeadReplayer;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.wal.Wal;
import io.gnomon.wal.WalOptions;
import io.gnomon.wal.WalReader;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The database in one directory: the WAL under {@code <dir>/wal} and the head rebuilt from it.
 * {@link #open} repairs and replays the WAL before returning, so the first append comes after
 * every acknowledged sample of the previous run is back in memory.
 *
 * <p>Thread-safe. {@link #close()} waits for nothing in flight: callers stop appending first
 * (the server closes its listeners before the database).
 */
public final class Db implements Appendable, Queryable, Closeable {

    private static final Logger LOG = Logger.getLogger(Db.class.getName());

    private final Path dir;
    private final Wal wal;
    private final Head head;
    private final HeadReplayer.Stats replayStats;
    private volatile boolean closed;

    private Db(Path dir, Wal wal, Head head, HeadReplayer.Stats stats) {
        this.dir = dir;
        this.wal = wal;
        this.head = head;
        this.replayStats = stats;
    }

    /**
     * Opens (creating if needed) the database in {@code dir}: repairs the WAL, replays it into a
     * new head, and starts a fresh WAL segment for new appends.
     */
    public static Db open(Path dir, HeadOptions headOptions, WalOptions walOptions) {
        Wal wal = Wal.open(dir.resolve("wal"), walOptions);
        try {
            if (!wal.repairReport().clean()) {
                LOG.warning("WAL was repaired on open: " + wal.repairReport());
            }
            Head head = new Head(headOptions, wal);
            HeadReplayer.Stats stats;
            try (WalReader reader = wal.reader()) {
                stats = new HeadReplayer(head).replay(reader);
            }
            return new Db(dir, wal, head, stats);
        } catch (RuntimeException e) {
            wal.close();
            throw e;
        }
    }

    @Override
    public Appender appender() {
        return head.appender();
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return head.querier(mint, maxt);
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

    /**
     * Drops the head's data before {@code mint} and checkpoints the WAL accordingly (see
     * {@link Head#truncate} and {@link HeadCheckpoint}). The caller states that everything before
     * {@code mint} is persisted elsewhere (a block) or may go. Returns what the checkpoint did, or
     * null when the WAL was too short to checkpoint.
     */
    public io.gnomon.wal.CheckpointResult truncateHead(long mint) {
        Head.TruncateStats st = head.truncate(mint);
        LOG.info("head truncated: " + st);
        return HeadCheckpoint.run(head, wal, mint);
    }

    /** What the start-up replay did. */
    public HeadReplayer.Stats replayStats() {
        return replayStats;
    }

    /** Flushes and fsyncs the WAL and closes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        wal.close();
    }
}
