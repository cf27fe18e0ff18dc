package io.gnomon.bench;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ingest through the whole durable path (appender -> WAL record -> group commit -> head) and
 * replay, on the node-exporter-like workload:
 * <ul>
 *   <li>samples/s into the WAL-backed head from {@code threads} appenders, each committing
 *       scrape-sized batches (one sample for each of 500 series of one host);</li>
 *   <li>WAL bytes per sample (series records included, LZ4 on by default);</li>
 *   <li>replay samples/s and microseconds per series created, reopening the same directory.</li>
 * </ul>
 * Run: {@code java -Xmx8g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.gnomon.bench.DbIngestProbe <dir> [series] [samplesPerSeries] [threads]}
 */
public final class DbIngestProbe {

    private DbIngestProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int samples = args.length > 2 ? Integer.parseInt(args[2]) : 120;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int perHost = NodeExporterLike.SERIES_PER_HOST;
        int hosts = series / perHost;
        // Values prepared before the clock starts.
        double[][] values = new double[samples][series];
        Random r = new Random(1);
        for (int k = 0; k < samples; k++) {
            for (int i = 0; i < series; i++) {
                values[k][i] = NodeExporterLike.value(i, k, r);
            }
        }
        var labels = new io.gnomon.tsdb.labels.Labels[series];
        for (int i = 0; i < series; i++) {
            labels[i] = NodeExporterLike.labels(i);
        }
        AtomicLong appended = new AtomicLong();
        long t0 = System.nanoTime();
        try (Db db = Db.open(dir, HeadOptions.defaults(), WalOptions.defaults())) {
            Thread[] ts = new Thread[threads];
            for (int th = 0; th < threads; th++) {
                int me = th;
                ts[th] = new Thread(() -> {
                    long[] refs = new long[series];
                    for (int k = 0; k < samples; k++) {
                        for (int h = me; h < hosts; h += threads) {
                            Appender app = db.appender();
                            int from = h * perHost;
                            for (int i = from; i < from + perHost; i++) {
                                refs[i] = app.append(refs[i], labels[i], k * 15_000L, values[k][i]);
                            }
                            appended.addAndGet(app.commit().samplesAppended());
                        }
                    }
                });
                ts[th].start();
            }
            for (Thread t : ts) {
                t.join();
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long walBytes = size(dir.resolve("wal"));
        System.out.printf("ingest: %d series x %d samples, %d threads: %.2fM samples/s, WAL %.1f MiB = %.2f bytes/sample%n",
            series, samples, threads, appended.get() / secs / 1e6, walBytes / 1048576.0, (double) walBytes / appended.get());
        long r0 = System.nanoTime();
        try (Db db = Db.open(dir, HeadOptions.defaults(), WalOptions.defaults())) {
            double rs = (System.nanoTime() - r0) / 1e9;
            var st = db.replayStats();
            System.out.printf("replay: %.2f s, %.2fM samples/s, %.2f us per series (%d series, %d samples)%n",
                rs, st.samples() / rs / 1e6, rs * 1e6 / st.series(), st.series(), st.samples());
        }
    }

    private static long size(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
