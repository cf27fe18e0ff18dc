package io.gnomon.tsdb.crash;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of {@link DbCheckpointCrashTest}: as {@link CrashWriter}, plus a maintenance
 * thread that truncates the head and checkpoints the WAL every few milliseconds (keeping the last
 * 50 batches), printing {@code TRUNC-START <mint>} before and {@code TRUNC <mint>} after each
 * truncation + checkpoint. The parent kills it at random moments, so kills land inside
 * checkpoints too. Samples carry start timestamps as in {@link CrashWriter}.
 *
 * <p>Args: dir, then one start batch per thread.
 */
public final class CheckpointCrashWriter {

    static final WalOptions WAL = WalOptions.defaults().withSegmentSize(64 * 1024);
    static final long KEEP_BATCHES = 50;

    private CheckpointCrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length - 1;
        Db db = Db.open(dir, HeadOptions.defaults(), WAL);
        PrintStream out = System.out;
        synchronized (out) {
            out.println("READY " + db.replayStats().samples());
            out.flush();
        }
        AtomicLong minBatch = new AtomicLong(Long.MAX_VALUE);
        long[] current = new long[threads];
        Thread[] ts = new Thread[threads];
        for (int th = 0; th < threads; th++) {
            int thread = th;
            long start = Long.parseLong(args[1 + th]);
            ts[th] = new Thread(() -> {
                long[] refs = new long[CrashWriter.SERIES_PER_THREAD];
                for (long batch = start; ; batch++) {
                    Appender app = db.appender();
                    for (int s = 0; s < CrashWriter.SERIES_PER_THREAD; s++) {
                        refs[s] = app.appendWithStartTimestamp(refs[s], CrashWriter.labels(thread, s),
                            CrashWriter.startTimestamp(thread, s, batch), batch * 1000, CrashWriter.value(thread, s, batch));
                    }
                    AppendResult r = app.commit();
                    if (r.hasRejections()) {
                        synchronized (out) {
                            out.println("ERROR " + r.describe());
                            out.flush();
                        }
                    }
                    synchronized (out) {
                        current[thread] = batch;
                        out.println("ACK " + thread + " " + batch);
                        out.flush();
                    }
                }
            });
            ts[th].start();
        }
        while (true) {
            Thread.sleep(5);
            long low = Long.MAX_VALUE;
            synchronized (out) {
                for (long c : current) {
                    low = Math.min(low, c);
                }
            }
            if (low > KEEP_BATCHES) {
                long mint = (low - KEEP_BATCHES) * 1000;
                synchronized (out) {
                    out.println("TRUNC-START " + mint);
                    out.flush();
                }
                db.truncateHead(mint);
                synchronized (out) {
                    out.println("TRUNC " + mint);
                    out.flush();
                }
            }
        }
    }
}
