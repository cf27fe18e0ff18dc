package io.gnomon.tsdb.crash;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.DbOptions;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link DbCompactionCrashTest}: as {@link CrashWriter} with batches
 * {@value #STEP} ms apart, on a database with a 10 s block range whose background compaction runs
 * every 5 ms, so head compactions, block merges,
 * truncations and checkpoints happen all the time and the parent's kills land inside them.
 *
 * <p>Args: dir, then one start batch per thread.
 */
public final class CompactionCrashWriter {

    static final long RANGE = 10_000;
    /** Milliseconds between batches: 100 batches per block range. */
    static final long STEP = 100;
    /** Most batches a thread may run ahead of the slowest (2 s of data, well under half a range). */
    static final long MAX_LEAD = 20;

    static DbOptions options(long compactionInterval) {
        return new DbOptions(new HeadOptions(RANGE, 0), WalOptions.defaults().withSegmentSize(64 * 1024),
            0, 0, 9 * RANGE, compactionInterval);
    }

    private CompactionCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length - 1;
        Db db = Db.open(dir, options(5));
        PrintStream out = System.out;
        synchronized (out) {
            out.println("READY " + db.replayStats().samples() + " blocks=" + db.blocks().size());
            out.flush();
        }
        Thread[] ts = new Thread[threads];
        // Threads stay within MAX_LEAD batches of each other: data time runs 50x faster than the
        // wall clock here, and a thread that falls behind by more than half a block range would
        // (rightly) be refused as out of bounds once its range is compacted.
        java.util.concurrent.atomic.AtomicLongArray current = new java.util.concurrent.atomic.AtomicLongArray(threads);
        for (int th = 0; th < threads; th++) {
            current.set(th, Long.parseLong(args[1 + th]));
        }
        for (int th = 0; th < threads; th++) {
            int thread = th;
            long start = Long.parseLong(args[1 + th]);
            ts[th] = new Thread(() -> {
                long[] refs = new long[CrashWriter.SERIES_PER_THREAD];
                for (long batch = start; ; batch++) {
                    current.set(thread, batch);
                    while (true) {
                        long slowest = Long.MAX_VALUE;
                        for (int o = 0; o < threads; o++) {
                            slowest = Math.min(slowest, current.get(o));
                        }
                        if (batch <= slowest + MAX_LEAD) {
                            break;
                        }
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    Appender app = db.appender();
                    for (int s = 0; s < CrashWriter.SERIES_PER_THREAD; s++) {
                        refs[s] = app.append(refs[s], CrashWriter.labels(thread, s), batch * STEP, CrashWriter.value(thread, s, batch));
                    }
                    AppendResult r = app.commit();
                    if (r.hasRejections()) {
                        synchronized (out) {
                            out.println("ERROR " + r.describe());
                            out.flush();
                        }
                        return;
                    }
                    synchronized (out) {
                        out.println("ACK " + thread + " " + batch);
                        out.flush();
                    }
                    try {
                        // Keeps data time close to what the compactor can follow (a few blocks a second).
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            ts[th].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }
}
