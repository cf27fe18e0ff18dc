package io.gnomon.bench;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.storage.Appender;
import java.lang.management.ManagementFactory;
import java.util.Random;

/**
 * Measures head memory per active series: N node-exporter-like series (10 labels each) with
 * 120 samples each at a 15 s interval, so every series has exactly one full open chunk.
 *
 * <p>Method: heap used after repeated full GCs, before and after building the head (the head
 * stays reachable), divided by N. Everything the head allocates counts: series objects, labels
 * and their distinct strings, the postings index, the series maps and the chunk bytes.
 *
 * <p>Run: {@code java -Xmx8g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.gnomon.bench.HeadMemoryProbe [series]}
 */
public final class HeadMemoryProbe {

    private HeadMemoryProbe() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int samples = 120;
        long before = usedAfterGc();
        Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0));
        long[] refs = new long[n];
        Random r = new Random(3);
        // 120 samples at 15 s = 30 min, starting at a 2 h boundary: one open chunk per series.
        for (int k = 0; k < samples; k++) {
            Appender app = head.appender();
            for (int i = 0; i < n; i++) {
                refs[i] = app.append(refs[i], refs[i] == 0 ? NodeExporterLike.labels(i) : null,
                    k * 15_000L, NodeExporterLike.value(i, k, r));
            }
            app.commit();
        }
        refs = null;
        long after = usedAfterGc();
        double perSeries = (double) (after - before) / n;
        System.out.printf("series=%d samples/series=%d head_series=%d heap_delta=%.1f MiB bytes_per_series=%.0f%n",
            n, samples, head.numSeries(), (after - before) / 1048576.0, perSeries);
        if (Boolean.getBoolean("probe.pause")) {
            // Lets `jcmd <pid> GC.class_histogram` look at the live head.
            try {
                Thread.sleep(Long.getLong("probe.pause.ms", 60_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (head.numSeries() != n) {
            throw new AssertionError("unexpected series count " + head.numSeries());
        }
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
