package io.gnomon.bench;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.DbOptions;
import io.gnomon.tsdb.block.Block;
import io.gnomon.tsdb.block.BlockMeta;
import io.gnomon.tsdb.block.BlockWriter;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Block lifecycle costs on the node-exporter-like workload (500 series per host, one scrape per
 * host per commit), through {@link Db} with a 2 h block range:
 * <ol>
 *   <li><b>head -> block</b>: CPU seconds (of the compacting thread), bytes it allocated, and the
 *       peak heap growth over the post-GC baseline while {@link Db#compact()} writes the oldest 2 h
 *       of the head as a block, truncates the head and checkpoints the WAL;</li>
 *   <li><b>3 x 2 h -> 6 h</b>: the same for merging three head blocks with {@link BlockWriter};</li>
 *   <li><b>ingest during compaction</b>: commit latency (p50, p99, max) of {@code threads}
 *       appenders, first with nothing else running, then while a head compaction runs.</li>
 * </ol>
 * Per-million-series figures are the measured ones scaled linearly by series count.
 *
 * <p>Run: {@code java -Xmx8g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.gnomon.bench.CompactionProbe <empty dir> [series=50000] [intervalMs=30000] [threads=2]}
 */
public final class CompactionProbe {

    private static final long H = 3600_000L;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private CompactionProbe() {
    }

    private static Labels[] labels;
    private static long[][] refs;

    /** Appends one sample per series at each interval step in [from, to), host by host. */
    static void fill(Db db, long from, long to, long interval, int threads, long[] latencies, int[] nLat, AtomicBoolean stop) throws Exception {
        int series = labels.length;
        int perHost = NodeExporterLike.SERIES_PER_HOST;
        int hosts = series / perHost;
        Thread[] ts = new Thread[threads];
        for (int th = 0; th < threads; th++) {
            int me = th;
            ts[th] = new Thread(() -> {
                Random r = new Random(me);
                long[] rs = refs[me];
                for (long t = from; t < to && (stop == null || !stop.get()); t += interval) {
                    for (int h = me; h < hosts; h += threads) {
                        long t0 = System.nanoTime();
                        Appender app = db.appender();
                        for (int i = h * perHost; i < (h + 1) * perHost; i++) {
                            rs[i] = app.append(rs[i], labels[i], t, NodeExporterLike.value(i, (int) (t / interval), r));
                        }
                        app.commit();
                        if (latencies != null) {
                            long d = System.nanoTime() - t0;
                            synchronized (latencies) {
                                if (nLat[0] < latencies.length) {
                                    latencies[nLat[0]++] = d;
                                }
                            }
                        }
                    }
                }
            });
            ts[th].start();
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    /** Samples the used heap every millisecond until stopped; the peak is read after. */
    static final class HeapSampler extends Thread {
        volatile boolean done;
        volatile long peak;

        HeapSampler() {
            setDaemon(true);
        }

        @Override
        public void run() {
            var mem = ManagementFactory.getMemoryMXBean();
            while (!done) {
                peak = Math.max(peak, mem.getHeapMemoryUsage().getUsed());
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static long baselineHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs a step on this thread and prints CPU s, allocated MB, peak heap growth MB, scaled. */
    static void measure(String what, int series, Step step) throws Exception {
        long base = baselineHeap();
        HeapSampler sampler = new HeapSampler();
        sampler.start();
        long tid = Thread.currentThread().getId();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long alloc0 = THREADS.getThreadAllocatedBytes(tid);
        long wall0 = System.nanoTime();
        step.run();
        long wall = System.nanoTime() - wall0;
        double cpu = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double alloc = (THREADS.getThreadAllocatedBytes(tid) - alloc0) / 1e6;
        sampler.done = true;
        sampler.join();
        double peak = Math.max(0, sampler.peak - base) / 1e6;
        double scale = 1_000_000.0 / series;
        System.out.printf("%s: wall %.2f s, cpu %.2f s (%.1f s per 1M series), allocated %.0f MB (%.0f MB per 1M series), "
                + "peak heap growth %.0f MB (%.0f MB per 1M series)%n",
            what, wall / 1e9, cpu, cpu * scale, alloc, alloc * scale, peak, peak * scale);
    }

    static String percentiles(long[] lat, int n) {
        long[] a = Arrays.copyOf(lat, n);
        Arrays.sort(a);
        if (n == 0) {
            return "no commits";
        }
        return String.format("n=%d p50 %.2f ms, p99 %.2f ms, max %.2f ms", n, a[n / 2] / 1e6, a[(int) Math.min(n - 1, n * 0.99)] / 1e6,
            a[n - 1] / 1e6);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int series = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        long interval = args.length > 2 ? Long.parseLong(args[2]) : 30_000;
        int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Files.createDirectories(dir);
        labels = new Labels[series];
        for (int i = 0; i < series; i++) {
            labels[i] = NodeExporterLike.labels(i);
        }
        refs = new long[threads][series];
        // Only the 2 h range: block merges are measured explicitly below, not by the planner.
        DbOptions opts = new DbOptions(HeadOptions.defaults(), WalOptions.defaults(), 0, 0, 2 * H, 0);
        try (Db db = Db.open(dir, opts)) {
            long t = 0;
            long end = 3 * H + 2 * interval; // the head must span more than 1.5 block ranges
            fill(db, t, end, interval, threads, null, null, null);
            t = end;
            System.out.printf("filled %d series x %d samples, head %d..%d%n", series, end / interval, db.head().minTime(), db.head().maxTime());
            measure("head -> block (write 2h block, truncate head, checkpoint WAL)", series, db::compact);
            // Two more head blocks, then merge three.
            while (db.blocks().size() < 3) {
                long next = t + 2 * H;
                fill(db, t, next, interval, threads, null, null, null);
                t = next;
                db.compact();
            }
            List<Block> bs = new ArrayList<>(db.blocks());
            System.out.println("blocks: " + bs);
            List<Block> three = bs.subList(0, 3);
            List<BlockMeta> metas = new ArrayList<>();
            for (Block b : three) {
                metas.add(b.meta());
            }
            Path out = dir.resolve("merged");
            Files.createDirectories(out);
            measure("3 x 2h -> 6h (BlockWriter over three blocks)", series,
                () -> BlockWriter.write(out, three.get(0).minTime(), three.get(2).maxTime(), three, BlockMeta.Compaction.merge(metas)));

            // Ingest latency: idle, then while a head compaction runs.
            long[] idle = new long[1 << 20];
            int[] nIdle = new int[1];
            long idleEnd = t + 60 * interval;
            fill(db, t, idleEnd, interval, threads, idle, nIdle, null);
            t = idleEnd;
            // Make the head compactable again without timing.
            long pre = db.head().minTime() + 3 * H + 2 * interval;
            fill(db, t, pre, interval, threads, null, null, null);
            t = pre;
            long[] during = new long[1 << 20];
            int[] nDuring = new int[1];
            AtomicBoolean stop = new AtomicBoolean();
            long start = t;
            Thread ingest = new Thread(() -> {
                try {
                    fill(db, start, Long.MAX_VALUE / 2, interval, threads, during, nDuring, stop);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ingest.start();
            Thread.sleep(200);
            int before = nDuring[0];
            long c0 = System.nanoTime();
            db.compact();
            long compactMs = (System.nanoTime() - c0) / 1_000_000;
            int after = nDuring[0];
            stop.set(true);
            ingest.join();
            long[] inWindow = Arrays.copyOfRange(during, before, after);
            System.out.println("ingest commit latency idle:              " + percentiles(idle, nIdle[0]));
            System.out.println("ingest commit latency during compaction: " + percentiles(inWindow, inWindow.length)
                + " (compaction " + compactMs + " ms)");
        }
    }
}
