package io.gnomon.bench.sidebyside;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
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
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scraping side by side: one fixture server in this process exposes {@code --targets} targets of
 * {@code --series} series each (node-exporter-like counters that advance every scrape) on a
 * loopback port; Prometheus 2.42 and Gnomon run as child processes with the same
 * {@code prometheus.yml} (every target, {@code --interval}) and scrape them at the same time.
 * After {@code --warmup} seconds the CPU time of each process ({@code /proc/<pid>/stat}) is taken
 * over {@code --measure} seconds, and the samples each one scraped in that window are asked of each
 * one with the same PromQL ({@code sum(sum_over_time(scrape_samples_scraped[window]))}).
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.ScrapeSideBySide \
 *     [--targets=1000] [--series=1000] [--interval=15s] [--warmup=60] [--measure=120] \
 *     [--prometheus=/usr/bin/prometheus] [--gnomon-jar=http-api/target/gnomon.jar] [--gnomon-jvm-opts="-Xmx6g -XX:+UseParallelGC"]
 * </pre>
 */
public final class ScrapeSideBySide {

    private ScrapeSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        int targets = Integer.parseInt(SideBySide.arg(args, "targets", "1000"));
        int series = Integer.parseInt(SideBySide.arg(args, "series", "1000"));
        String interval = SideBySide.arg(args, "interval", "15s");
        int warmup = Integer.parseInt(SideBySide.arg(args, "warmup", "60"));
        int measure = Integer.parseInt(SideBySide.arg(args, "measure", "120"));
        String prometheus = SideBySide.arg(args, "prometheus", "/usr/bin/prometheus");
        String jar = SideBySide.arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        String jvm = SideBySide.arg(args, "gnomon-jvm-opts", "-Xmx6g -XX:+UseParallelGC");

        Fixture fx = new Fixture(targets, series);
        Path dir = Files.createTempDirectory("sbs-scrape");
        StringBuilder cfg = new StringBuilder("global:\n  scrape_interval: " + interval + "\n  scrape_timeout: 10s\n"
            + "scrape_configs:\n  - job_name: fixture\n    static_configs:\n");
        for (int i = 0; i < targets; i++) {
            cfg.append("      - targets: ['127.0.0.1:").append(fx.port()).append("']\n        labels: {__metrics_path__: /t/")
                .append(i).append(", shard: '").append(i).append("'}\n");
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, cfg);

        List<SideBySide.Target> procs = new ArrayList<>();
        try {
            int pport = SideBySide.freePort();
            Path pdir = dir.resolve("prometheus");
            Files.createDirectories(pdir);
            ProcessBuilder pb = new ProcessBuilder(prometheus, "--config.file=" + config, "--storage.tsdb.path=" + pdir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + pport, "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(pdir.resolve("prometheus.log").toFile());
            SideBySide.Target p = new SideBySide.Target("Prometheus", pb.start(), pport, pdir);
            procs.add(p);
            SideBySide.gnomonArgs = "--config.file=" + config;
            SideBySide.Target g = SideBySide.startGnomon(jar, jvm);
            procs.add(g);
            SideBySide.awaitReady(p);
            System.out.printf(Locale.ROOT, "%d targets x %d series every %s; warm-up %d s, measuring %d s%n", targets, series, interval, warmup, measure);
            Thread.sleep(warmup * 1000L);
            double[] cpu0 = new double[procs.size()];
            for (int i = 0; i < procs.size(); i++) {
                cpu0[i] = ProcStats.cpuSeconds(procs.get(i).pid());
            }
            long t0 = System.currentTimeMillis();
            Thread.sleep(measure * 1000L);
            long t1 = System.currentTimeMillis();
            HttpClient c = HttpClient.newHttpClient();
            System.out.println("| target | CPU s in window | samples scraped in window | CPU us / sample | vs Prometheus | RSS | targets up |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            double promPerSample = 0;
            for (int i = 0; i < procs.size(); i++) {
                SideBySide.Target t = procs.get(i);
                double cpu = ProcStats.cpuSeconds(t.pid()) - cpu0[i];
                long rss = ProcStats.rssBytes(t.pid());
                double samples = scalar(c, t.port, "sum(sum_over_time(scrape_samples_scraped{job=\"fixture\"}[" + ((t1 - t0) / 1000) + "s]))", t1);
                double up = scalar(c, t.port, "count(up{job=\"fixture\"} == 1)", t1);
                double perSample = samples > 0 ? cpu / samples * 1e6 : Double.NaN;
                if (i == 0) {
                    promPerSample = perSample;
                }
                System.out.printf(Locale.ROOT, "| %s | %.1f | %,.0f | %.3f | %.2fx | %,d MB | %.0f |%n", t.name, cpu, samples, perSample,
                    perSample / promPerSample, rss >> 20, up);
            }
        } finally {
            for (SideBySide.Target t : procs) {
                t.close();
            }
            fx.close();
        }
    }

    static double scalar(HttpClient c, int port, String query, long atMillis) throws Exception {
        String body = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
            + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&time=" + atMillis / 1000.0)).timeout(Duration.ofSeconds(120)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"value\":\\[[^,]+,\"([^\"]+)\"\\]").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /**
     * The fixture: {@code /t/<i>} answers target i's series in the text format, each counter one
     * higher than at the previous request of that target. Bodies are rendered per request (about
     * 100 bytes per series), as an exporter does.
     */
    static final class Fixture implements AutoCloseable {
        private final HttpServer server;
        private final int series;
        private final AtomicLongArray counts;
        private final String[] prefixes;

        Fixture(int targets, int series) throws IOException {
            this.series = series;
            this.counts = new AtomicLongArray(targets);
            this.prefixes = new String[series];
            String[] modes = {"user", "system", "idle", "iowait", "irq", "softirq", "steal", "nice"};
            for (int s = 0; s < series; s++) {
                prefixes[s] = "node_cpu_seconds_total{cpu=\"" + (s / modes.length) + "\",mode=\"" + modes[s % modes.length] + "\"} ";
            }
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.createContext("/t/", ex -> {
                int i = Integer.parseInt(ex.getRequestURI().getPath().substring(3));
                long n = counts.incrementAndGet(i);
                StringBuilder sb = new StringBuilder(series * 64 + 128);
                sb.append("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n");
                for (int s = 0; s < series; s++) {
                    sb.append(prefixes[s]).append(n * (s % 7 + 1)).append('.').append(s % 100).append('\n');
                }
                byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
                ex.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
