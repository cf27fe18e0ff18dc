package io.gnomon.bench.sidebyside;

import java.io.BufferedWriter;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL engine's benchmark queries (issue 6) side by side: Prometheus 2.42 and Gnomon serve
 * the same blocks, made by {@code promtool tsdb create-blocks-from openmetrics} from the issue's
 * data shape — 10,000 counter series {@code x{job, instance, s}} (10 jobs, 1,000 instances) and
 * 100 classic histograms of 5 buckets {@code b_bucket{le, pod}}, one sample every 15 s over
 * 1h05m — and answer each query {@code --rounds} times after {@code --warmup} rounds, one target
 * after the other. Both report {@code stats=all}, so each query gives two measures: the HTTP
 * round trip the client sees and the server's own {@code evalTotalTime} (engine only, no JSON),
 * with {@code totalQueryableSamples} for the samples-per-second figure.
 *
 * <pre>
 * mvn -B -q package -DskipTests
 * java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.EngineLatencySideBySide \
 *     [--prometheus=/usr/bin/prometheus] [--promtool=/usr/bin/promtool] [--gnomon-jar=http-api/target/gnomon.jar] \
 *     [--gnomon-jvm-opts="-Xmx2g -XX:+UseParallelGC"] [--rounds=60] [--warmup=10]
 * </pre>
 */
public final class EngineLatencySideBySide {

    private EngineLatencySideBySide() {
    }

    static final long END_S = QueryLatencySideBySide.END_S;
    static final long START_S = END_S - 3600;

    /** Query, and whether it is a range query (1 h at 15 s ending at END_S) or an instant one at END_S. */
    record Q(String promql, boolean range) {
    }

    static final Q[] QUERIES = {
        new Q("sum by (job) (rate(x[5m]))", true),
        new Q("histogram_quantile(0.99, sum by (le) (rate(b_bucket[5m])))", true),
        new Q("topk(10, rate(x[5m]))", true),
        new Q("count by (instance) (x)", false),
    };

    public static void main(String[] args) throws Exception {
        String prometheus = SideBySide.arg(args, "prometheus", "/usr/bin/prometheus");
        String promtool = SideBySide.arg(args, "promtool", "/usr/bin/promtool");
        String jar = SideBySide.arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        String jvmOpts = SideBySide.arg(args, "gnomon-jvm-opts", "-Xmx2g -XX:+UseParallelGC");
        int rounds = Integer.parseInt(SideBySide.arg(args, "rounds", "60"));
        int warmup = Integer.parseInt(SideBySide.arg(args, "warmup", "10"));

        Path work = Files.createTempDirectory("sbs-engine");
        Path blocks = work.resolve("blocks");
        Files.createDirectories(blocks);
        writeOpenMetrics(work.resolve("data.om"));
        QueryLatencySideBySide.run(promtool, "tsdb", "create-blocks-from", "openmetrics", work.resolve("data.om").toString(),
            blocks.toString());
        Files.delete(work.resolve("data.om"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        // [target][query] -> {http p50, http p99, eval p50, eval p99, samples/s at eval p50}
        double[][][] res = new double[2][QUERIES.length][];
        String[] names = {"Prometheus", "Gnomon"};
        for (int ti = 0; ti < 2; ti++) {
            Path dir = work.resolve(names[ti].toLowerCase(Locale.ROOT));
            QueryLatencySideBySide.copyTree(blocks, dir.resolve("data"));
            try (SideBySide.Target t = ti == 0 ? QueryLatencySideBySide.startPrometheus(prometheus, dir)
                    : QueryLatencySideBySide.startGnomon(jar, jvmOpts, dir)) {
                String base = "http://127.0.0.1:" + t.port;
                for (int qi = 0; qi < QUERIES.length; qi++) {
                    for (int i = 0; i < warmup; i++) {
                        query(client, base, QUERIES[qi]);
                    }
                    List<Long> http = new ArrayList<>();
                    List<Long> eval = new ArrayList<>();
                    long samples = 0;
                    for (int i = 0; i < rounds; i++) {
                        long t0 = System.nanoTime();
                        long[] stats = query(client, base, QUERIES[qi]);
                        http.add(System.nanoTime() - t0);
                        eval.add(stats[0]);
                        samples = stats[1];
                    }
                    double evalP50 = QueryLatencySideBySide.pct(eval, 50);
                    res[ti][qi] = new double[] {QueryLatencySideBySide.pct(http, 50), QueryLatencySideBySide.pct(http, 99), evalP50,
                        QueryLatencySideBySide.pct(eval, 99), samples / (evalP50 / 1e3) / 1e6};
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d rounds after %d warm-up rounds per query and target%n", rounds, warmup);
        System.out.println("| query | target | HTTP p50 ms | HTTP p99 ms | eval p50 ms | eval p99 ms | queryable samples / eval s |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (int qi = 0; qi < QUERIES.length; qi++) {
            for (int ti = 0; ti < 2; ti++) {
                double[] r = res[ti][qi];
                System.out.printf(Locale.ROOT, "| `%s`%s | %s | %.1f | %.1f | %.1f | %.1f | %.0f M |%n", QUERIES[qi].promql(),
                    QUERIES[qi].range() ? " (range)" : " (instant)", names[ti], r[0], r[1], r[2], r[3], r[4]);
            }
            double[] p = res[0][qi];
            double[] g = res[1][qi];
            System.out.printf(Locale.ROOT, "| | Gnomon / Prometheus | %.2fx | %.2fx | %.2fx | %.2fx | |%n", g[0] / p[0], g[1] / p[1], g[2] / p[2],
                g[3] / p[3]);
        }
        SideBySide.deleteTree(work);
    }

    private static final Pattern EVAL = Pattern.compile("\"evalTotalTime\":([0-9.eE+-]+)");
    private static final Pattern SAMPLES = Pattern.compile("\"totalQueryableSamples\":([0-9]+)");

    /** Runs one query with stats=all; returns {evalTotalTime in ns, totalQueryableSamples}. */
    static long[] query(HttpClient client, String base, Q q) throws Exception {
        String form = "query=" + QueryLatencySideBySide.enc(q.promql()) + "&stats=all"
            + (q.range() ? "&start=" + START_S + "&end=" + END_S + "&step=15" : "&time=" + END_S);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + (q.range() ? "/api/v1/query_range" : "/api/v1/query")))
            .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
            .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(base + " answered " + r.statusCode() + " to " + q + ": " + r.body());
        }
        Matcher e = EVAL.matcher(r.body());
        Matcher s = SAMPLES.matcher(r.body());
        if (!e.find() || !s.find()) {
            throw new IllegalStateException(base + ": no stats in the answer to " + q.promql());
        }
        return new long[] {(long) (Double.parseDouble(e.group(1)) * 1e9), Long.parseLong(s.group(1))};
    }

    /** The data shape as OpenMetrics, 15 s samples from 5 minutes before the hour to its end. */
    static void writeOpenMetrics(Path file) throws Exception {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            // "unknown" type: the series keep the bare names (a counter family would need _total)
            w.write("# TYPE x unknown\n");
            for (int s = 0; s < 10_000; s++) {
                String prefix = "x{instance=\"i" + (s % 1000) + "\",job=\"job" + (s % 10) + "\",s=\"" + s + "\"} ";
                int rate = 1 + s % 7;
                for (long t = START_S - 300, k = 0; t <= END_S; t += 15, k++) {
                    w.write(prefix + (k * rate) + " " + t + "\n");
                }
            }
            w.write("# TYPE b_bucket unknown\n");
            String[] les = {"0.1", "0.5", "1", "5", "+Inf"};
            for (int p = 0; p < 100; p++) {
                for (int b = 0; b < les.length; b++) {
                    String prefix = "b_bucket{le=\"" + les[b] + "\",pod=\"p" + p + "\"} ";
                    for (long t = START_S - 300, k = 0; t <= END_S; t += 15, k++) {
                        w.write(prefix + (k * (1 + b)) + " " + t + "\n");
                    }
                }
            }
            w.write("# EOF\n");
        }
    }
}
