package io.gnomon.bench;

import io.gnomon.tsdb.block.Block;
import io.gnomon.tsdb.block.BlockMeta;
import io.gnomon.tsdb.block.BlockQuerier;
import io.gnomon.tsdb.block.BlockWriter;
import io.gnomon.tsdb.fileutil.FileUtil;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Blocks side by side with Prometheus 2.42 on the same samples (node_exporter-like series, 15 s
 * scrapes, {@link NodeExporterLike}):
 *
 * <ol>
 *   <li><b>Disk bytes per sample</b>: the same {@code --prom-series} series x 2 h go into a Gnomon
 *       block (head -> block) and, as OpenMetrics text, into {@code promtool tsdb create-blocks-from
 *       openmetrics}; chunk and index bytes of both blocks are compared.</li>
 *   <li><b>Head -> block</b> (Gnomon): CPU seconds of the writing thread, allocated bytes, and the
 *       peak heap above the live head while writing, for {@code --series} series x 2 h.</li>
 *   <li><b>3 x 2 h -> 6 h</b>: Gnomon's {@code BlockWriter} over three 2 h blocks; Prometheus
 *       started on a data directory holding the same four Gnomon 2 h blocks compacts the first three
 *       by itself (its newest block is never compacted); its CPU is {@code process_cpu_seconds_total}
 *       from ready until {@code prometheus_tsdb_compactions_total} moves, its peak memory VmHWM
 *       minus VmRSS at ready.</li>
 *   <li><b>Range query</b> over a 24 h Gnomon block ({@code --query-series} series): every sample of
 *       every series read through {@code BlockQuerier}.</li>
 * </ol>
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -Xmx6g -Xmn32m -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.gnomon.bench.BlockSideBySide \
 *     [--series=100000] [--prom-series=2000] [--query-series=10000] [--work=/tmp/gnomon-blockbench] \
 *     [--prometheus=/usr/bin/prometheus] [--promtool=/usr/bin/promtool]
 * </pre>
 */
public final class BlockSideBySide {

    private static final long HOUR = 3600_000L;
    /** 2023-11-15T00:00Z: a multiple of 6 h, so Prometheus's planner sees a complete 6 h range. */
    private static final long T0 = 1_700_006_400_000L;
    private static final long STEP = 15_000;

    private BlockSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int series = intArg(args, "series", 100_000);
        int promSeries = intArg(args, "prom-series", 2000);
        int querySeries = intArg(args, "query-series", 10_000);
        Path work = Path.of(strArg(args, "work", "/tmp/gnomon-blockbench"));
        String prometheus = strArg(args, "prometheus", "/usr/bin/prometheus");
        String promtool = strArg(args, "promtool", "/usr/bin/promtool");
        FileUtil.deleteRecursively(work);
        Files.createDirectories(work);

        diskBytes(work.resolve("size"), promSeries, promtool);
        compaction(work.resolve("compact"), series, prometheus);
        rangeQuery(work.resolve("query"), querySeries);
        FileUtil.deleteRecursively(work);
    }

    /** A head with {@code n} series, samples every 15 s over [T0, T0 + hours). */
    static Head head(int n, int hours) {
        Head head = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0));
        long[] refs = new long[n];
        Random r = new Random(7);
        int samples = (int) (hours * HOUR / STEP);
        for (int k = 0; k < samples; k++) {
            Appender app = head.appender();
            for (int i = 0; i < n; i++) {
                refs[i] = app.append(refs[i], refs[i] == 0 ? NodeExporterLike.labels(i) : null, T0 + k * STEP,
                        NodeExporterLike.value(i, k, r));
            }
            app.commit();
        }
        return head;
    }

    private static void diskBytes(Path dir, int n, String promtool) throws Exception {
        Files.createDirectories(dir);
        Head head = head(n, 2);
        Path ours = dir.resolve("gnomon");
        Files.createDirectories(ours);
        BlockMeta m = BlockWriter.write(ours, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        Path om = dir.resolve("input.om");
        writeOpenMetrics(head, om);
        head = null;
        Path prom = dir.resolve("prom");
        double[] cost = timed(dir, promtool, "tsdb", "create-blocks-from", "openmetrics", om.toString(), prom.toString());
        Path promBlock;
        try (Stream<Path> s = Files.list(prom)) {
            promBlock = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        BlockMeta pm = BlockMeta.read(promBlock);
        Path gb = ours.resolve(m.ulid().toString());
        long gc = FileUtil.sizeOf(gb.resolve("chunks"));
        long gi = Files.size(gb.resolve("index"));
        long pc = FileUtil.sizeOf(promBlock.resolve("chunks"));
        long pi = Files.size(promBlock.resolve("index"));
        long gt = FileUtil.sizeOf(gb);
        long pt = FileUtil.sizeOf(promBlock);
        double ns = m.stats().numSamples();
        System.out.printf(Locale.ROOT, "%n== disk bytes per sample: %d series x 2 h, %d samples (Prometheus: %d) ==%n", n,
                m.stats().numSamples(), pm.stats().numSamples());
        System.out.printf(Locale.ROOT, "| | Gnomon | Prometheus 2.42 | ratio |%n|---|---:|---:|---:|%n");
        System.out.printf(Locale.ROOT, "| chunks bytes/sample | %.4f | %.4f | %.4f |%n", gc / ns, pc / ns, (double) gc / pc);
        System.out.printf(Locale.ROOT, "| index bytes/sample | %.4f | %.4f | %.4f |%n", gi / ns, pi / ns, (double) gi / pi);
        System.out.printf(Locale.ROOT, "| total bytes/sample | %.4f | %.4f | %.4f |%n", gt / ns, pt / ns, (double) gt / pt);
        System.out.printf(Locale.ROOT, "| chunks / index / total bytes | %d / %d / %d | %d / %d / %d | |%n", gc, gi, gt, pc, pi, pt);
        System.out.printf(Locale.ROOT, "(promtool create-blocks-from, parse + append + compaction: %.1f s wall, %.1f s CPU, %.0f MiB max RSS)%n",
                cost[0], cost[1], cost[2] / 1024.0);
        FileUtil.deleteRecursively(dir);
    }

    private static void writeOpenMetrics(Head head, Path out) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8);
                Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.re("__name__", ".+"));
            String family = null;
            StringBuilder sb = new StringBuilder(256);
            while (ss.next()) {
                Labels l = ss.at().labels();
                // OpenMetrics wants a family's samples together; series are sorted by name first.
                if (!l.metricName().equals(family)) {
                    family = l.metricName();
                    w.write("# TYPE " + family + " unknown\n");
                }
                sb.setLength(0);
                sb.append(family).append('{');
                boolean first = true;
                for (int i = 0; i < l.size(); i++) {
                    if (l.name(i).equals("__name__")) {
                        continue;
                    }
                    sb.append(first ? "" : ",").append(l.name(i)).append("=\"").append(l.value(i)).append('"');
                    first = false;
                }
                sb.append("} ");
                String prefix = sb.toString();
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    long t = it.atT();
                    w.write(prefix + Double.toString(it.atV()) + " " + (t / 1000) + "." + String.format("%03d", t % 1000) + "\n");
                }
            }
            w.write("# EOF\n");
        }
    }

    private static void compaction(Path dir, int n, String prometheus) throws Exception {
        Path blocks = dir.resolve("data");
        Files.createDirectories(blocks);
        // The head lives only inside headBlocks, so the compaction below runs without it.
        List<Path> dirs = headBlocks(blocks, n);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        List<Block> three = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            three.add(Block.open(dirs.get(i)));
        }
        List<BlockMeta> metas = new ArrayList<>();
        for (Block b : three) {
            metas.add(b.meta());
        }
        Measured cm = measure(() -> BlockWriter.write(out, T0, T0 + 6 * HOUR, three, BlockMeta.Compaction.merge(metas)));
        for (Block b : three) {
            b.close();
        }
        System.out.printf(Locale.ROOT, "%n== 3 x 2 h -> 6 h: %d series, %d samples ==%n", n, cm.meta.stats().numSamples());
        cm.print(n);
        FileUtil.deleteRecursively(out);
        prometheusCompaction(dir, blocks, n, prometheus);
        FileUtil.deleteRecursively(dir);
    }

    /** Writes four 2 h blocks from an 8 h head; measures the first head -> block. */
    private static List<Path> headBlocks(Path blocks, int n) throws IOException {
        Head head = head(n, 8);
        long headBytes = usedAfterGc();
        Measured hb = measure(() -> BlockWriter.write(blocks, T0, T0 + 2 * HOUR,
                List.of(new RangeHead(head, T0, T0 + 2 * HOUR)), BlockMeta.Compaction.head()));
        List<Path> dirs = new ArrayList<>();
        dirs.add(blocks.resolve(hb.meta.ulid().toString()));
        for (int i = 1; i < 4; i++) {
            long mint = T0 + i * 2 * HOUR;
            BlockMeta m = BlockWriter.write(blocks, mint, mint + 2 * HOUR, List.of(new RangeHead(head, mint, mint + 2 * HOUR)),
                    BlockMeta.Compaction.head());
            dirs.add(blocks.resolve(m.ulid().toString()));
        }
        System.out.printf(Locale.ROOT, "%n== head -> block: %d series x 2 h, %d samples (heap with the 8 h head: %.0f MiB) ==%n", n,
                hb.meta.stats().numSamples(), headBytes / 1048576.0);
        hb.print(n);
        return dirs;
    }

    /** Prometheus compacts the first three of the four blocks in its data directory on its own. */
    private static void prometheusCompaction(Path dir, Path data, int n, String prometheus) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "global:\n  scrape_interval: 1h\n");
        Process p = new ProcessBuilder(prometheus, "--config.file=" + cfg, "--storage.tsdb.path=" + data,
                "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        HttpClient client = HttpClient.newHttpClient();
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (!get(client, port, "/-/ready").equals("ready")) {
                check(p, deadline, dir);
                Thread.sleep(100);
            }
            double cpu0 = metric(client, port, "process_cpu_seconds_total");
            long rss0 = status(p.pid(), "VmRSS:");
            while (metric(client, port, "prometheus_tsdb_compactions_total") < 1) {
                check(p, deadline, dir);
                Thread.sleep(200);
            }
            double cpu1 = metric(client, port, "process_cpu_seconds_total");
            long hwm = status(p.pid(), "VmHWM:");
            double dur = metric(client, port, "prometheus_tsdb_compaction_duration_seconds_sum");
            System.out.printf(Locale.ROOT, "Prometheus 2.42, same 3 blocks: compaction %.2f s (its histogram), CPU %.2f s from ready"
                    + " to done (includes up to 1 min idle), peak RSS %.0f MiB above RSS at ready (%.0f MiB)%n", dur, cpu1 - cpu0,
                    (hwm - rss0) / 1048576.0, rss0 / 1048576.0);
            System.out.printf(Locale.ROOT, "  per million series: CPU %.2f s, peak %.0f MiB%n", (cpu1 - cpu0) * 1e6 / n,
                    (hwm - rss0) / 1048576.0 * 1e6 / n);
        } finally {
            p.destroy();
            p.waitFor();
        }
    }

    private static void rangeQuery(Path dir, int n) throws Exception {
        Files.createDirectories(dir);
        Head head = head(n, 24);
        BlockMeta m = BlockWriter.write(dir, T0, T0 + 24 * HOUR, List.of(new RangeHead(head, T0, T0 + 24 * HOUR)),
                BlockMeta.Compaction.head());
        head = null;
        try (Block b = Block.open(dir.resolve(m.ulid().toString()))) {
            long best = Long.MAX_VALUE;
            long samples = 0;
            for (int round = 0; round < 5; round++) {
                long c0 = cpu();
                samples = 0;
                try (Querier q = new BlockQuerier(b, T0, T0 + 24 * HOUR)) {
                    SeriesSet ss = q.select(true, SelectHints.range(T0, T0 + 24 * HOUR), Matcher.eq("job", "node"));
                    SampleIterator it = null;
                    double sink = 0;
                    while (ss.next()) {
                        it = ss.at().iterator(it);
                        while (it.next() == ValueType.FLOAT) {
                            sink += it.atV();
                            samples++;
                        }
                    }
                    if (sink == 42) {
                        System.out.print("");
                    }
                }
                best = Math.min(best, cpu() - c0);
            }
            System.out.printf(Locale.ROOT, "%n== range query over a 24 h block: %d series, %d samples read ==%n", n, samples);
            System.out.printf(Locale.ROOT, "raw read, best of 5: %.3f s CPU, %.1f M samples/s%n", best / 1e9, samples / (best / 1e9) / 1e6);
            io.gnomon.promql.engine.Engine engine = new io.gnomon.promql.engine.Engine();
            String pq = "sum by (instance) (rate({job=\"node\"}[5m]))";
            long bestQ = Long.MAX_VALUE;
            long bestW = Long.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                long c0 = cpu();
                long w0 = System.nanoTime();
                engine.rangeQuery(b, pq, T0 + 5 * 60_000, T0 + 24 * HOUR - 1, 60_000,
                        io.gnomon.promql.engine.QueryOptions.defaults().withMaxSamples(Long.MAX_VALUE));
                bestQ = Math.min(bestQ, cpu() - c0);
                bestW = Math.min(bestW, System.nanoTime() - w0);
            }
            System.out.printf(Locale.ROOT, "%s, 24 h at 60 s steps, best of 5: %.3f s CPU of the calling thread, %.3f s wall%n",
                    pq, bestQ / 1e9, bestW / 1e9);
        }
        FileUtil.deleteRecursively(dir);
    }

    interface Write {
        BlockMeta run() throws IOException;
    }

    record Measured(BlockMeta meta, double cpuSeconds, double processCpuSeconds, double wallSeconds, long allocated,
            long peakAboveBase) {
        void print(int n) {
            double per = 1e6 / n;
            System.out.printf(Locale.ROOT, "Gnomon: %.2f s CPU of the writing thread, %.2f s CPU of the whole JVM (GC and JIT"
                    + " included; %.2f s wall), %.0f MiB allocated, peak live heap %.1f MiB above the live data before it%n",
                    cpuSeconds, processCpuSeconds, wallSeconds, allocated / 1048576.0, peakAboveBase / 1048576.0);
            System.out.printf(Locale.ROOT, "  per million series: CPU %.2f s (thread) / %.2f s (JVM), peak %.0f MiB%n",
                    cpuSeconds * per, processCpuSeconds * per, peakAboveBase / 1048576.0 * per);
        }
    }

    /**
     * Runs a write and measures CPU, allocation and the peak <em>live</em> heap: the largest heap
     * occupancy right after a GC during the write (run with a small young generation, e.g.
     * {@code -Xmn32m}, so that GCs are frequent), minus the live heap before it.
     */
    private static Measured measure(Write w) throws IOException {
        long base = usedAfterGc();
        AtomicLong peak = new AtomicLong(base);
        javax.management.NotificationListener listener = (n, hb) -> {
            if (n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                com.sun.management.GarbageCollectionNotificationInfo info = com.sun.management.GarbageCollectionNotificationInfo
                        .from((javax.management.openmbean.CompositeData) n.getUserData());
                long used = 0;
                for (java.lang.management.MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                    used += u.getUsed();
                }
                peak.accumulateAndGet(used, Math::max);
            }
        };
        List<javax.management.NotificationEmitter> emitters = new ArrayList<>();
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof javax.management.NotificationEmitter e) {
                e.addNotificationListener(listener, null, null);
                emitters.add(e);
            }
        }
        com.sun.management.ThreadMXBean tb = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long a0 = tb.getCurrentThreadAllocatedBytes();
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long p0 = os.getProcessCpuTime();
        long c0 = cpu();
        long w0 = System.nanoTime();
        BlockMeta m = w.run();
        long c1 = cpu();
        long p1 = os.getProcessCpuTime();
        long w1 = System.nanoTime();
        long a1 = tb.getCurrentThreadAllocatedBytes();
        System.gc(); // the last young collection reports what was live at the end
        for (javax.management.NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(listener);
            } catch (javax.management.ListenerNotFoundException ignored) {
                // removed already
            }
        }
        return new Measured(m, (c1 - c0) / 1e9, (p1 - p0) / 1e9, (w1 - w0) / 1e9, a1 - a0, peak.get() - base);
    }

    private static long cpu() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    /** Runs a command under /usr/bin/time; returns wall s, CPU s, max RSS KiB. */
    private static double[] timed(Path dir, String... cmd) throws Exception {
        Path log = dir.resolve("time.log");
        List<String> full = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M", "-o", log.toString()));
        full.addAll(List.of(cmd));
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dir.resolve("cmd.log").toFile()).start();
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + Files.readString(dir.resolve("cmd.log")));
        }
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("TIME ")) {
                String[] f = line.split(" ");
                return new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]) + Double.parseDouble(f[3]), Double.parseDouble(f[4])};
            }
        }
        throw new IOException("no timing in " + log);
    }

    private static void check(Process p, long deadline, Path dir) throws IOException {
        if (!p.isAlive() || System.nanoTime() > deadline) {
            throw new IOException("prometheus exited or timed out: " + Files.readString(dir.resolve("prometheus.log")));
        }
    }

    private static String get(HttpClient c, int port, String path) {
        try {
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? "ready" : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static double metric(HttpClient c, int port, String name) throws Exception {
        String body = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        return 0;
    }

    private static long status(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IOException("no " + key + " for pid " + pid);
    }

    private static int intArg(String[] args, String name, int def) {
        String v = strArg(args, name, null);
        return v == null ? def : Integer.parseInt(v);
    }

    private static String strArg(String[] args, String name, String def) {
        for (String a : args) {
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
        }
        return def;
    }
}
