package io.gnomon.bench.sidebyside;

import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Query latency side by side (issue 7): Prometheus 2.42 and Gnomon serve the same blocks (made by
 * {@code promtool tsdb create-blocks-from openmetrics} from one node_exporter-like data set of
 * 10,100 series over 65 minutes at 15 s), and each answers, in turn, (a) a dashboard of 10
 * panels as Grafana sends them (POST query_range, last hour, 15 s step: 241 points per series)
 * and (b) the Grafana session replay of {@code http-api/src/test/resources/grafana-session.json}.
 * Prints p50/p99 per target and the ratio.
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.QueryLatencySideBySide \
 *     [--prometheus=/usr/bin/prometheus] [--promtool=/usr/bin/promtool] [--gnomon-jar=http-api/target/gnomon.jar] \
 *     [--gnomon-jvm-opts="-Xmx2g -XX:+UseParallelGC"] [--rounds=30] [--warmup=5]
 * </pre>
 */
public final class QueryLatencySideBySide {

    private QueryLatencySideBySide() {
    }

    /** Last sample: 2024-06-10T07:10:45Z, Grafana's worked example of a last-hour window. */
    static final long END_S = 1_718_003_445L;
    static final long START_S = END_S - 3600;
    static final int HOSTS = 100;

    static final String[] PANELS = {
        "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[1m0s]))",
        "100 - (avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[1m0s])) * 100)",
        "node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes * 100",
        "rate(node_network_receive_bytes_total{device!=\"lo\"}[1m0s]) * 8",
        "topk(10, sum by (instance) (rate(node_network_transmit_bytes_total[1m0s])))",
        "node_filesystem_avail_bytes{mountpoint=\"/\"} / node_filesystem_size_bytes{mountpoint=\"/\"} < 0.5",
        "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[1m0s])))",
        "sum by (code) (rate(http_requests_total[1m0s]))",
        "count(up == 1)",
        "avg_over_time(node_load1[5m])",
    };

    public static void main(String[] args) throws Exception {
        String prometheus = SideBySide.arg(args, "prometheus", "/usr/bin/prometheus");
        String promtool = SideBySide.arg(args, "promtool", "/usr/bin/promtool");
        String jar = SideBySide.arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        String jvmOpts = SideBySide.arg(args, "gnomon-jvm-opts", "-Xmx2g -XX:+UseParallelGC");
        int rounds = Integer.parseInt(SideBySide.arg(args, "rounds", "30"));
        int warmup = Integer.parseInt(SideBySide.arg(args, "warmup", "5"));

        Path work = Files.createTempDirectory("sbs-query");
        Path blocks = work.resolve("blocks");
        Files.createDirectories(blocks);
        long series = writeOpenMetrics(work.resolve("data.om"));
        run(promtool, "tsdb", "create-blocks-from", "openmetrics", work.resolve("data.om").toString(), blocks.toString());
        Files.delete(work.resolve("data.om"));
        System.out.printf(Locale.ROOT, "data: %d series x %d samples, blocks by promtool%n", series, (END_S - START_S + 300) / 15 + 1);

        List<Request> session = grafanaSession(Path.of("http-api/src/test/resources/grafana-session.json"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> rows = new ArrayList<>();
        double[][] p = new double[2][4];
        int ti = 0;
        for (String name : new String[] {"Prometheus", "Gnomon"}) {
            Path dir = work.resolve(name.toLowerCase(Locale.ROOT));
            copyTree(blocks, dir.resolve("data"));
            try (SideBySide.Target t = name.equals("Prometheus") ? startPrometheus(prometheus, dir) : startGnomon(jar, jvmOpts, dir)) {
                String base = "http://127.0.0.1:" + t.port;
                for (int i = 0; i < warmup; i++) {
                    dashboard(client, base, null);
                    replay(client, base, session, null);
                }
                List<Long> dash = new ArrayList<>();
                List<Long> panels = new ArrayList<>();
                List<Long> replay = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    long t0 = System.nanoTime();
                    dashboard(client, base, panels);
                    dash.add(System.nanoTime() - t0);
                    replay(client, base, session, replay);
                }
                p[ti] = new double[] {pct(panels, 50), pct(panels, 99), pct(dash, 50), pct(dash, 99), pct(replay, 50), pct(replay, 99)};
                rows.add(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f |", name, p[ti][0], p[ti][1], p[ti][2],
                    p[ti][3], p[ti][4], p[ti][5]));
            }
            ti++;
        }
        System.out.println("| target | panel p50 ms | panel p99 ms | dashboard (10 panels) p50 ms | dashboard p99 ms | session request p50 ms | session request p99 ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "| Gnomon / Prometheus | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx | %.2fx |%n", p[1][0] / p[0][0], p[1][1] / p[0][1],
            p[1][2] / p[0][2], p[1][3] / p[0][3], p[1][4] / p[0][4], p[1][5] / p[0][5]);
        SideBySide.deleteTree(work);
    }

    static void dashboard(HttpClient client, String base, List<Long> latencies) throws Exception {
        for (String q : PANELS) {
            String form = "query=" + enc(q) + "&start=" + START_S + "&end=" + END_S + "&step=15";
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query_range"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofString(form)).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (latencies != null) {
                latencies.add(System.nanoTime() - t0);
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException(base + " answered " + r.statusCode() + " to " + q + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
        }
    }

    record Request(String method, String path, String query, String form) {
    }

    static void replay(HttpClient client, String base, List<Request> session, List<Long> latencies) throws Exception {
        for (Request q : session) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + q.path() + (q.query().isEmpty() ? "" : "?" + q.query())))
                .timeout(Duration.ofSeconds(60)).header("Accept-Encoding", "gzip");
            if (q.method().equals("POST")) {
                b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(q.form()));
            }
            long t0 = System.nanoTime();
            client.send(b.build(), HttpResponse.BodyHandlers.discarding());
            if (latencies != null) {
                latencies.add(System.nanoTime() - t0);
            }
        }
    }

    /** The requests of the session file, read with a regex: the file's shape is fixed and flat. */
    static List<Request> grafanaSession(Path file) throws IOException {
        String json = Files.readString(file);
        List<Request> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"method\": \"(GET|POST)\", \"path\": \"([^\"]+)\"(?:, \"params\": \\{([^}]*)\\})?(?:, \"form\": \\{([^}]*)\\})?")
            .matcher(json);
        while (m.find()) {
            out.add(new Request(m.group(1), m.group(2), form(m.group(3)), form(m.group(4))));
        }
        if (out.size() < 20) {
            throw new IllegalStateException("could not read the session from " + file + " (found " + out.size() + " requests)");
        }
        return out;
    }

    private static String form(String pairs) {
        if (pairs == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        Matcher kv = Pattern.compile("\"([^\"]+)\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(pairs);
        while (kv.find()) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(enc(kv.group(1))).append('=').append(enc(kv.group(2).replace("\\\"", "\"").replace("\\\\", "\\")));
        }
        return sb.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static double pct(List<Long> nanos, int p) {
        long[] a = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a[Math.min(a.length - 1, (int) Math.ceil(p / 100.0 * a.length) - 1)] / 1e6;
    }

    /** Writes the data set; returns the number of series. */
    static long writeOpenMetrics(Path file) throws IOException {
        long series = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            String[] modes = {"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"};
            String[] devices = {"eth0", "eth1", "lo", "docker0"};
            String[] mounts = {"/", "/boot", "/var", "/home"};
            String[] les = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"};
            series += family(w, "node_cpu_seconds_total", "counter", (h, emit) -> {
                for (int c = 0; c < 8; c++) {
                    for (int m = 0; m < modes.length; m++) {
                        int rate = m == 0 ? 60 : 1 + (h + c + m) % 7;
                        emit.series("cpu=\"" + c + "\",instance=\"host-" + h + ":9100\",job=\"node\",mode=\"" + modes[m] + "\"", k -> k * rate / 4.0);
                    }
                }
            });
            series += family(w, "node_memory_MemAvailable_bytes", "gauge", (h, emit) ->
                emit.series("instance=\"host-" + h + ":9100\",job=\"node\"", k -> 4e9 + ((k * 7919L + h * 104729L) % 1000) * 1e6));
            series += family(w, "node_memory_MemTotal_bytes", "gauge", (h, emit) ->
                emit.series("instance=\"host-" + h + ":9100\",job=\"node\"", k -> 16e9));
            for (String dir : new String[] {"receive", "transmit"}) {
                series += family(w, "node_network_" + dir + "_bytes_total", "counter", (h, emit) -> {
                    for (String d : devices) {
                        emit.series("device=\"" + d + "\",instance=\"host-" + h + ":9100\",job=\"node\"", k -> k * (15_000.0 + h * 31 + d.length()));
                    }
                });
            }
            for (String what : new String[] {"avail", "size"}) {
                series += family(w, "node_filesystem_" + what + "_bytes", "gauge", (h, emit) -> {
                    for (String mp : mounts) {
                        emit.series("instance=\"host-" + h + ":9100\",job=\"node\",mountpoint=\"" + mp + "\"",
                            k -> what.equals("size") ? 1e11 : 1e11 * (0.2 + ((h * 13 + mp.length() * 7 + k / 40) % 70) / 100.0));
                    }
                });
            }
            series += family(w, "node_load1", "gauge", (h, emit) ->
                emit.series("instance=\"host-" + h + ":9100\",job=\"node\"", k -> ((k * 37 + h * 11) % 400) / 100.0));
            series += family(w, "up", "gauge", (h, emit) -> emit.series("instance=\"host-" + h + ":9100\",job=\"node\"", k -> 1));
            series += family(w, "http_requests_total", "counter", (h, emit) -> {
                for (String code : new String[] {"200", "404", "500"}) {
                    emit.series("code=\"" + code + "\",instance=\"host-" + h + ":8080\",job=\"api\"", k -> k * (code.equals("200") ? 150.0 : 3.0));
                }
            });
            series += family(w, "http_request_duration_seconds", "histogram", (h, emit) -> {
                for (int b = 0; b < les.length; b++) {
                    int bucket = b;
                    emit.series("instance=\"host-" + h + ":8080\",job=\"api\",le=\"" + les[b] + "\"", "_bucket",
                        k -> k * (10.0 + 12.0 * bucket));
                }
                emit.series("instance=\"host-" + h + ":8080\",job=\"api\"", "_count", k -> k * (10.0 + 12.0 * (les.length - 1)));
                emit.series("instance=\"host-" + h + ":8080\",job=\"api\"", "_sum", k -> k * 41.5);
            });
            w.write("# EOF\n");
        }
        return series;
    }

    interface Values {
        double at(long k);
    }

    interface Emit {
        void series(String labels, String suffix, Values v) throws IOException;

        default void series(String labels, Values v) throws IOException {
            series(labels, "", v);
        }
    }

    interface PerHost {
        void write(int host, Emit emit) throws IOException;
    }

    private static long family(BufferedWriter w, String name, String type, PerHost perHost) throws IOException {
        w.write("# TYPE " + name + " " + type + "\n");
        long[] n = {0};
        for (int h = 0; h < HOSTS; h++) {
            perHost.write(h, (labels, suffix, v) -> {
                n[0]++;
                String prefix = name + suffix + "{" + labels + "} ";
                for (long t = START_S - 300, k = 0; t <= END_S; t += 15, k++) {
                    w.write(prefix);
                    w.write(Double.toString(v.at(k)));
                    w.write(' ');
                    w.write(Long.toString(t));
                    w.write('\n');
                }
            });
        }
        return n[0];
    }

    static SideBySide.Target startPrometheus(String binary, Path dir) throws Exception {
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1h\nscrape_configs: []\n");
        int port = SideBySide.freePort();
        ProcessBuilder pb = new ProcessBuilder(binary, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
            "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:" + port, "--log.level=warn")
            .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile());
        SideBySide.Target t = new SideBySide.Target("Prometheus", pb.start(), port, dir);
        SideBySide.awaitReady(t);
        return t;
    }

    static SideBySide.Target startGnomon(String jar, String jvmOpts, Path dir) throws Exception {
        int port = SideBySide.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String o : jvmOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-jar", jar, "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dir.resolve("data"),
            "--storage.tsdb.retention.time=100y"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("gnomon.log").toFile());
        SideBySide.Target t = new SideBySide.Target("Gnomon", pb.start(), port, dir);
        SideBySide.awaitReady(t);
        return t;
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
