package io.gnomon.tsdb.crash;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child process of {@link DbCrashTest}: opens the database (replaying what the previous,
 * killed, child left), then appends batches from several threads forever, printing
 * {@code ACK <thread> <batch>} after each commit returned. Batch contents are a pure function of
 * (thread, batch), so a batch rewritten after a crash repeats exactly the same samples.
 *
 * <p>Args: dir, then one start batch per thread.
 */
public final class CrashWriter {

    static final int SERIES_PER_THREAD = 50;

    private CrashWriter() {
    }

    static Labels labels(int thread, int series) {
        return Labels.of("__name__", "crash_test", "thread", Integer.toString(thread), "series", Integer.toString(series));
    }

    static double value(int thread, int series, long batch) {
        return batch * 1000.0 + series + thread * 0.5;
    }

    /**
     * The start timestamp a sample is appended with (0: none): every fifth series has one in odd
     * batches, a cumulative start that moves every 10 batches. So even batches log as
     * XOR_SAMPLES and odd ones as ST_SAMPLES, and kills land in both.
     */
    static long startTimestamp(int thread, int series, long batch) {
        if (series % 5 != 0 || batch % 2 == 0) {
            return 0;
        }
        return (batch / 10) * 10_000 - 1 - thread;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int threads = args.length - 1;
        Db db = Db.open(dir, HeadOptions.defaults(), WalOptions.defaults().withSegmentSize(256 * 1024));
        PrintStream out = System.out;
        synchronized (out) {
            out.println("READY " + db.replayStats().samples());
            out.flush();
        }
        Thread[] ts = new Thread[threads];
        for (int th = 0; th < threads; th++) {
            int thread = th;
            long start = Long.parseLong(args[1 + th]);
            ts[th] = new Thread(() -> {
                long[] refs = new long[SERIES_PER_THREAD];
                for (long batch = start; ; batch++) {
                    Appender app = db.appender();
                    for (int s = 0; s < SERIES_PER_THREAD; s++) {
                        refs[s] = app.appendWithStartTimestamp(refs[s], labels(thread, s), startTimestamp(thread, s, batch),
                            batch * 1000, value(thread, s, batch));
                    }
                    AppendResult r = app.commit();
                    if (r.hasRejections()) {
                        synchronized (out) {
                            out.println("ERROR " + r.describe());
                            out.flush();
                        }
                    }
                    synchronized (out) {
                        out.println("ACK " + thread + " " + batch);
                        out.flush();
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
