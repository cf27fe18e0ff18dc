package io.gnomon.bench.sidebyside;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The side-by-side harness: starts Prometheus and Gnomon on loopback ports, sends each the same
 * pre-built remote-write payloads in turn and prints one table of samples/s, CPU seconds per
 * million samples, resident memory per active series and errors.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.SideBySide \
 *     [--prometheus=/usr/bin/prometheus] [--gnomon-jar=http-api/target/gnomon.jar] \
 *     [--gnomon-jvm-opts="-Xmx3g -XX:+UseParallelGC"] [--protocol=1|2] [--concurrency=4] [--workloads=steady,churn] \
 *     [--steady-series=20000] [--steady-samples=240] [--churn-series=200000] [--churn-samples=24] \
 *     [--targets=prometheus,gnomon] [--jcmd=GC.class_histogram] [--settle-seconds=5] \
 *     [--warmup-series=20000] [--warmup-samples=24] [--gnomon-args="..."]
 * </pre>
 *
 * <p>Each workload runs against a fresh process of each target (fresh data directory). Before
 * the clock starts every process gets the same warm-up load on other series (by default 20k
 * series x 24 samples: the JVM compiles its hot paths, Prometheus sizes its head); those series
 * stay and count as held series in the memory column. Prometheus 2.42 only receives remote-write 1.0, so
 * with {@code --protocol=2} Gnomon gets 2.0 and Prometheus 1.0 payloads of the same series.
 */
public final class SideBySide {

    private SideBySide() {
    }

    /** {@code --jcmd=GC.class_histogram} (or any jcmd command): run it on Gnomon after each load. */
    static String jcmd = "";
    /** Extra Gnomon flags ({@code --gnomon-args="--storage.tsdb.wal-compression=false"}). */
    static String gnomonArgs = "";
    /** How long both targets idle after a load before their RSS is read ({@code --settle-seconds}). */
    static long settleMillis = 5000;

    /** A process under test. */
    static final class Target implements AutoCloseable {
        final String name;
        final Process process;
        final int port;
        final Path dir;

        Target(String name, Process process, int port, Path dir) {
            this.name = name;
            this.process = process;
            this.port = port;
            this.dir = dir;
            // An interrupted harness must not leave servers behind.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        }

        String writeUrl() {
            return "http://127.0.0.1:" + port + "/api/v1/write";
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws IOException {
            process.destroy();
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(dir);
        }
    }

    record Row(String workload, String target, double samplesPerSec, double cpuPerMillion, long rssBytes,
               long rssDeltaBytes, long activeSeries, long errors, long requests, String firstError,
               double walBytesPerSample) {
    }

    /** Bytes of all files under {@code dir} (0 when it does not exist). */
    static long dirSize(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    public static void main(String[] args) throws Exception {
        String prometheus = arg(args, "prometheus", "/usr/bin/prometheus");
        String gnomonJar = arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        // Throughput collector: measured best for ingest (BENCHMARKS.md has the G1 alternatives).
        String jvmOpts = arg(args, "gnomon-jvm-opts", "-Xmx3g -XX:+UseParallelGC");
        boolean v2 = arg(args, "protocol", "1").equals("2");
        int concurrency = Integer.parseInt(arg(args, "concurrency", "4"));
        String workloads = arg(args, "workloads", "steady,churn");
        int steadySeries = Integer.parseInt(arg(args, "steady-series", "20000"));
        int steadySamples = Integer.parseInt(arg(args, "steady-samples", "240"));
        int churnSeries = Integer.parseInt(arg(args, "churn-series", "200000"));
        int churnSamples = Integer.parseInt(arg(args, "churn-samples", "24"));
        String targets = arg(args, "targets", "prometheus,gnomon");
        gnomonArgs = arg(args, "gnomon-args", "");
        int warmSeries = Integer.parseInt(arg(args, "warmup-series", "20000"));
        int warmSamples = Integer.parseInt(arg(args, "warmup-samples", "24"));
        jcmd = arg(args, "jcmd", "");
        settleMillis = (long) (Double.parseDouble(arg(args, "settle-seconds", "5")) * 1000);

        List<RemoteWriteLoad> loads = new ArrayList<>();
        if (workloads.contains("steady")) {
            loads.add(new RemoteWriteLoad(steadySeries / 1000 + "k series x " + steadySamples + " samples",
                steadySeries, steadySamples, 500, 1, 0, v2, concurrency, 0));
        }
        if (workloads.contains("churn")) {
            loads.add(new RemoteWriteLoad(churnSeries / 1000 + "k new series x " + churnSamples + " samples",
                churnSeries, churnSamples, 2000, 1, 0, v2, concurrency, 0));
        }
        System.out.printf("building payloads (%s)...%n", v2 ? "remote-write 2.0 for Gnomon, 1.0 for Prometheus" : "remote-write 1.0");
        List<RemoteWriteLoad[]> built = new ArrayList<>();
        for (RemoteWriteLoad l : loads) {
            RemoteWriteLoad forGnomon = l.build();
            RemoteWriteLoad forPrometheus = v2
                ? new RemoteWriteLoad(l.name, l.series, l.samplesPerSeries, l.seriesPerRequest, l.rounds, l.churn, false,
                    l.concurrency, 0).build()
                : forGnomon;
            RemoteWriteLoad warm = new RemoteWriteLoad("warm-up", warmSeries, warmSamples, 500, 1, 0, v2, concurrency, 1000).build();
            RemoteWriteLoad warmP = v2
                ? new RemoteWriteLoad("warm-up", warmSeries, warmSamples, 500, 1, 0, false, concurrency, 1000).build() : warm;
            built.add(new RemoteWriteLoad[] {forGnomon, forPrometheus, warm, warmP});
            System.out.printf("  %s: %d requests, %d samples, %.1f MB compressed%n", l.name, l.requests(),
                l.totalSamples(), l.compressedBytes() / 1e6);
        }

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
        List<Row> rows = new ArrayList<>();
        for (RemoteWriteLoad[] b : built) {
            if (targets.contains("prometheus")) {
                try (Target p = startPrometheus(prometheus)) {
                    rows.add(measure(client, p, b[1], b[3], false));
                }
            }
            if (targets.contains("gnomon")) {
                try (Target g = startGnomon(gnomonJar, jvmOpts)) {
                    rows.add(measure(client, g, b[0], b[2], v2));
                }
            }
        }
        printTable(rows, args);
    }

    static Row measure(HttpClient client, Target t, RemoteWriteLoad load, RemoteWriteLoad warm, boolean v2)
        throws Exception {
        long rssIdle = ProcStats.rssBytes(t.pid());
        RemoteWriteLoad.Result w = warm.send(client, t.writeUrl(), v2);
        if (w.errors() > 0) {
            System.out.printf("  %s warm-up: %d errors, first: %s%n", t.name, w.errors(), w.firstError());
        }
        double cpu0 = ProcStats.cpuSeconds(t.pid());
        RemoteWriteLoad.Result r = load.send(client, t.writeUrl(), v2);
        double cpu1 = ProcStats.cpuSeconds(t.pid());
        Thread.sleep(settleMillis);
        long rss = ProcStats.rssBytes(t.pid());
        if (!jcmd.isEmpty() && t.name.equals("Gnomon")) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(t.pid())));
            cmd.addAll(List.of(jcmd.split(" ")));
            Process j = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(j.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            j.waitFor();
            out.lines().limit(60).forEach(System.out::println);
            rss = ProcStats.rssBytes(t.pid());
        }
        long active = load.activeSeries() + warm.activeSeries();
        double secs = r.nanos() / 1e9;
        // WAL bytes on disk after the settle time over every sample sent (warm-up included): both
        // servers log series records and samples; Prometheus 2.42 compresses with snappy, Gnomon
        // with LZ4 over its XOR-coded records.
        double walPerSample = (double) dirSize(t.dir.resolve("data").resolve("wal"))
            / (load.totalSamples() + warm.totalSamples());
        Row row = new Row(load.name, t.name, load.totalSamples() / secs, (cpu1 - cpu0) / (load.totalSamples() / 1e6),
            rss, rss - rssIdle, active, r.errors(), r.requests(), r.firstError(), walPerSample);
        System.out.printf(Locale.ROOT, "  %-28s %-10s %,12.0f samples/s  %.2f CPU s/M  RSS %,d MB  errors %d%s%n",
            row.workload(), row.target(), row.samplesPerSec(), row.cpuPerMillion(), rss >> 20, r.errors(),
            r.firstError() == null ? "" : " (first: " + r.firstError() + ")");
        return row;
    }

    static Target startPrometheus(String binary) throws Exception {
        Path dir = Files.createTempDirectory("sbs-prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver", "--log.level=warn")
            .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile());
        Target t = new Target("Prometheus", pb.start(), port, dir);
        awaitReady(t);
        return t;
    }

    static Target startGnomon(String jar, String jvmOpts) throws Exception {
        Path dir = Files.createTempDirectory("sbs-gnomon");
        int port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : jvmOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.add("-jar");
        cmd.add(jar);
        cmd.add("--web.listen-address=127.0.0.1:" + port);
        cmd.add("--storage.tsdb.path=" + dir.resolve("data"));
        for (String a : gnomonArgs.trim().split("\\s+")) {
            if (!a.isEmpty()) {
                cmd.add(a);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gnomon.log").toFile());
        Target t = new Target("Gnomon", pb.start(), port, dir);
        awaitReady(t);
        return t;
    }

    static void awaitReady(Target t) throws Exception {
        HttpClient c = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!t.process.isAlive()) {
                throw new IllegalStateException(t.name + " exited with " + t.process.exitValue() + "; see "
                    + t.dir.resolve(t.name.toLowerCase(Locale.ROOT) + ".log"));
            }
            try {
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(t.name + " not ready within 60 s");
    }

    static void printTable(List<Row> rows, String[] args) {
        StringBuilder sb = new StringBuilder();
        sb.append("\n| workload | target | samples/s | vs Prometheus | CPU s / M samples | RSS | RSS / active series | WAL bytes / sample | errors |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            Row ref = rows.stream().filter(x -> x.workload().equals(r.workload()) && x.target().equals("Prometheus"))
                .findFirst().orElse(r);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %.2fx | %.2f | %,d MB | %,.0f B (%.2fx) | %.2f | %d/%d |%n",
                r.workload(), r.target(), r.samplesPerSec(), r.samplesPerSec() / ref.samplesPerSec(), r.cpuPerMillion(),
                r.rssBytes() >> 20, (double) r.rssBytes() / r.activeSeries(),
                (double) r.rssBytes() / r.activeSeries() / ((double) ref.rssBytes() / ref.activeSeries()),
                r.walBytesPerSample(), r.errors(), r.requests()));
        }
        sb.append("\nRSS / active series is total VmRSS ").append(settleMillis / 1000.0)
            .append(" s after the load, divided by the series held (load + warm-up).\n");
        for (Row r : rows) {
            if (r.firstError() != null) {
                sb.append("first error from ").append(r.target()).append(" on ").append(r.workload()).append(": ")
                    .append(r.firstError()).append('\n');
            }
        }
        sb.append("command: java -cp benchmarks/target/benchmarks.jar ").append(SideBySide.class.getName());
        for (String a : args) {
            sb.append(' ').append(a);
        }
        sb.append('\n');
        System.out.print(sb);
    }

    static String arg(String[] args, String name, String def) {
        String p = "--" + name + "=";
        for (String a : args) {
            if (a.startsWith(p)) {
                return a.substring(p.length());
            }
        }
        return def;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
