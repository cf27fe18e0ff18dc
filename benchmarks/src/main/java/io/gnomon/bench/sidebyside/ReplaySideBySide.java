package io.gnomon.bench.sidebyside;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Restart time side by side (issue 3): Prometheus 2.42 and Gnomon each receive the same
 * remote-write load (1M node_exporter-like series x 120 samples by default), are killed with
 * SIGKILL, and are started again on the same data directory; the clock runs from the new
 * process's start to its first 200 on {@code /-/ready} (WAL replay included). Prints time to
 * ready, replay rate, WAL bytes and RSS after replay.
 *
 * <pre>
 * java -Xmx6g -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.ReplaySideBySide \
 *     [--series=1000000] [--samples=120] [--concurrency=4] [--targets=prometheus,gnomon] \
 *     [--prometheus=/usr/bin/prometheus] [--gnomon-jar=http-api/target/gnomon.jar] [--gnomon-jvm-opts="-Xmx6g -XX:+UseParallelGC"]
 * </pre>
 */
public final class ReplaySideBySide {

    private ReplaySideBySide() {
    }

    public static void main(String[] args) throws Exception {
        String prometheus = SideBySide.arg(args, "prometheus", "/usr/bin/prometheus");
        String jar = SideBySide.arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        String jvmOpts = SideBySide.arg(args, "gnomon-jvm-opts", "-Xmx6g -XX:+UseParallelGC");
        int series = Integer.parseInt(SideBySide.arg(args, "series", "1000000"));
        int samples = Integer.parseInt(SideBySide.arg(args, "samples", "120"));
        int concurrency = Integer.parseInt(SideBySide.arg(args, "concurrency", "4"));
        String targets = SideBySide.arg(args, "targets", "prometheus,gnomon");

        System.out.printf(Locale.ROOT, "building payloads: %d series x %d samples...%n", series, samples);
        RemoteWriteLoad load = new RemoteWriteLoad(series + " x " + samples, series, samples, 1000, 1, 0, false, concurrency, 0).build();
        System.out.printf(Locale.ROOT, "  %d requests, %.1f MB compressed%n", load.requests(), load.compressedBytes() / 1e6);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
        List<String> rows = new ArrayList<>();
        double[] seconds = new double[2];
        int i = 0;
        for (String name : new String[] {"Prometheus", "Gnomon"}) {
            if (!targets.contains(name.toLowerCase(Locale.ROOT))) {
                i++;
                continue;
            }
            Path dir = Files.createTempDirectory("sbs-replay-" + name.toLowerCase(Locale.ROOT));
            SideBySide.Target first = start(name, prometheus, jar, jvmOpts, dir);
            SideBySide.awaitReady(first);
            RemoteWriteLoad.Result sent = load.send(client, first.writeUrl(), false);
            if (sent.errors() > 0) {
                throw new IllegalStateException(name + " refused " + sent.errors() + " requests: " + sent.firstError());
            }
            first.process.destroyForcibly().waitFor();
            long wal = SideBySide.dirSize(dir.resolve("data").resolve("wal"));
            long t0 = System.nanoTime();
            try (SideBySide.Target again = start(name, prometheus, jar, jvmOpts, dir)) {
                awaitReady(client, again, Duration.ofMinutes(30));
                double s = (System.nanoTime() - t0) / 1e9;
                seconds[i] = s;
                long rss = ProcStats.rssBytes(again.pid());
                rows.add(String.format(Locale.ROOT, "| %s | %d | %.1f | %.2f | %.1f | %.0f |", name, load.totalSamples(), wal / 1e6,
                    s, load.totalSamples() / s / 1e6, rss / 1e6));
            }
            SideBySide.deleteTree(dir);
            i++;
        }
        System.out.println("| target | samples | WAL MB | start to ready s | replayed M samples/s | RSS after replay MB |");
        System.out.println("|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        if (seconds[0] > 0 && seconds[1] > 0) {
            System.out.printf(Locale.ROOT, "Gnomon / Prometheus time to ready: %.2fx%n", seconds[1] / seconds[0]);
        }
    }

    private static SideBySide.Target start(String name, String prometheus, String jar, String jvmOpts, Path dir) throws IOException {
        int port = SideBySide.freePort();
        List<String> cmd = new ArrayList<>();
        if (name.equals("Prometheus")) {
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
            cmd.addAll(List.of(prometheus, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--web.enable-remote-write-receiver", "--log.level=warn"));
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            for (String o : jvmOpts.trim().split("\\s+")) {
                if (!o.isEmpty()) {
                    cmd.add(o);
                }
            }
            cmd.addAll(List.of("-jar", jar, "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data")));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name.toLowerCase(Locale.ROOT) + ".log").toFile()));
        return new SideBySide.Target(name, pb.start(), port, dir);
    }

    private static void awaitReady(HttpClient client, SideBySide.Target t, Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (!t.process.isAlive()) {
                throw new IllegalStateException(t.name + " exited during replay; see " + t.dir);
            }
            try {
                HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port + "/-/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException(t.name + " not ready within " + max);
    }
}
