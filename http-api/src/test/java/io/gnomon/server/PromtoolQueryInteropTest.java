package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code promtool query instant|range|series|labels} against Gnomon print exactly what they print
 * against Prometheus 2.42 holding the same samples ({@link SameSamples}), in both of promtool's
 * output formats. Skipped without promtool/prometheus, failed under CI=true.
 */
class PromtoolQueryInteropTest {

    @TempDir
    static Path work;

    static PrometheusProcess prometheus;
    static Gnomon gnomon;
    static String gnomonUrl;
    static String prometheusUrl;

    // Evaluation times stay off the 15 s sample grid: Prometheus 3 (and Gnomon) open range windows
    // on the left, 2.42 closed them, so a sample exactly on a window's start would count in one only.
    static final String T = String.valueOf(SameSamples.END / 1000 + 11);
    static final String START = String.valueOf(SameSamples.END / 1000 - 3600 + 52);
    static final String END = String.valueOf(SameSamples.END / 1000);

    @BeforeAll
    static void start() throws Exception {
        SameSamples samples = new SameSamples();
        Path promDir = work.resolve("prom");
        java.nio.file.Files.createDirectories(promDir.resolve("data"));
        samples.promtoolBlocks(work, promDir.resolve("data"));
        prometheus = PrometheusProcess.start(promDir, freePort(), "global:\n  scrape_interval: 15s\n",
            "--storage.tsdb.retention.time=100y");
        prometheusUrl = "http://127.0.0.1:" + prometheus.port;
        gnomon = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + work.resolve("gnomon")}), BuildInfo.load());
        gnomonUrl = "http://127.0.0.1:" + gnomon.start().getPort();
        samples.appendTo(gnomon.db());
    }

    @AfterAll
    static void stop() throws Exception {
        if (gnomon != null) {
            gnomon.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static final String[] QUERIES = {
        "up",
        "http_requests_total{code=\"500\"}",
        "rate(http_requests_total[5m])",
        "sum by (job) (rate(http_requests_total[5m]))",
        "increase(http_requests_total{instance=\"10.0.0.1:9100\"}[10m])",
        "histogram_quantile(0.9, sum by (le) (rate(req_duration_seconds_bucket[5m])))",
        "topk(2, node_load1)",
        "avg_over_time(node_load1[1m0s]) > 1.5",
        "node_load1 offset 10m",
        "count by (job) (up == 0)",
        "1 + 1",
        "time()",
        "absent(nonexistent)",
        "rate(req_duration_seconds_sum[5m]) / rate(req_duration_seconds_count[5m])",
    };

    @Test
    void instantQueriesPrintTheSame() throws Exception {
        for (String format : new String[] {"promql", "json"}) {
            for (String q : QUERIES) {
                same("query", "instant", "-o", format, "--time=" + T, "%URL%", q);
            }
        }
    }

    @Test
    void rangeQueriesPrintTheSame() throws Exception {
        for (String format : new String[] {"promql", "json"}) {
            for (String q : QUERIES) {
                same("query", "range", "-o", format, "--start=" + START, "--end=" + END, "--step=1m", "%URL%", q);
            }
        }
    }

    @Test
    void seriesAndLabelsPrintTheSame() throws Exception {
        same("query", "series", "--match=http_requests_total{code=\"200\"}", "--match=up{job=\"web\"}",
            "--start=" + START, "--end=" + END, "%URL%");
        same("query", "labels", "%URL%", "job");
        same("query", "labels", "%URL%", "__name__");
        same("query", "labels", "--match=up", "--start=" + START, "--end=" + END, "%URL%", "instance");
    }

    /**
     * {@code stats}: the same count of loaded samples as Prometheus; {@code limit}: the same
     * truncation and warning; strings escaped as Prometheus escapes them.
     */
    @Test
    void statsAndLimitAnswerAsPrometheus() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String[] requests = {
            "/api/v1/query?stats=all&time=" + T + "&query=" + enc("up"),
            "/api/v1/query?stats=all&time=" + T + "&query=" + enc("rate(http_requests_total[5m])"),
            "/api/v1/query_range?stats=all&start=" + START + "&end=" + END + "&step=60&query=" + enc("rate(http_requests_total[5m])"),
            "/api/v1/query_range?stats=true&start=" + START + "&end=" + END + "&step=60&query=" + enc("sum by (job) (node_load1)"),
            "/api/v1/query_range?stats=all&start=" + START + "&end=" + END + "&step=60&query=" + enc("max_over_time(node_load1[10m:1m])"),
        };
        for (String r : requests) {
            String p = body(http, prometheusUrl + r);
            String g = body(http, gnomonUrl + r);
            assertEquals(statsSamples(p), statsSamples(g), r + "\nPrometheus: " + p.substring(Math.max(0, p.length() - 300))
                + "\nGnomon: " + g.substring(Math.max(0, g.length() - 300)));
            assertTrue(g.contains("\"timings\":{\"evalTotalTime\":"), g);
        }
        // Prometheus 2.42 predates the query limit (it arrived in 3.x) and ignores it: a limit past
        // the result size must answer as 2.42 does, a smaller one cuts the result as Prometheus 3 does.
        for (String r : new String[] {
            "/api/v1/query?limit=50&time=" + T + "&query=" + enc("up"),
            "/api/v1/query?time=" + T + "&query=" + enc("label_replace(vector(1), \"a\", \"<&>\u2028\", \"\", \"\")"),
        }) {
            assertEquals(body(http, prometheusUrl + r), body(http, gnomonUrl + r), r);
        }
        String full = body(http, prometheusUrl + "/api/v1/query?time=" + T + "&query=" + enc("up"));
        String cut = body(http, gnomonUrl + "/api/v1/query?limit=2&time=" + T + "&query=" + enc("up"));
        int third = full.indexOf("{\"metric\"", full.indexOf("{\"metric\"", full.indexOf("{\"metric\"") + 1) + 1);
        assertEquals(full.substring(0, third - 1) + "]},\"warnings\":[\"results truncated due to limit\"]}", cut);
        String range = body(http, gnomonUrl + "/api/v1/query_range?limit=3&start=" + START + "&end=" + END + "&step=60&query=" + enc("node_load1"));
        assertEquals(3, range.split("\\{\"metric\"", -1).length - 1, range);
        assertTrue(range.endsWith(",\"warnings\":[\"results truncated due to limit\"]}"), range);
        assertEquals(400, http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gnomonUrl + "/api/v1/query?limit=-1&query=up")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String body(java.net.http.HttpClient http, String url) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** totalQueryableSamples; peakSamples depends on how an engine holds data in memory, so it is not compared. */
    private static String statsSamples(String body) {
        int i = body.indexOf("\"totalQueryableSamples\":");
        return i < 0 ? "<no stats>" : body.substring(i, body.indexOf(',', i));
    }

    private static void same(String... args) throws Exception {
        String fromPrometheus = promtool(prometheusUrl, args);
        String fromGnomon = promtool(gnomonUrl, args);
        assertTrue(!fromPrometheus.isBlank(), "promtool printed nothing for " + String.join(" ", args));
        if (!fromPrometheus.equals(fromGnomon)) {
            String[] a = fromPrometheus.split("\n");
            String[] b = fromGnomon.split("\n");
            int i = 0;
            while (i < Math.min(a.length, b.length) && a[i].equals(b[i])) {
                i++;
            }
            assertEquals(fromPrometheus, fromGnomon, "promtool " + String.join(" ", args) + ": first difference at line " + (i + 1)
                + ": Prometheus '" + (i < a.length ? a[i] : "<end>") + "' vs Gnomon '" + (i < b.length ? b[i] : "<end>") + "'");
        }
    }

    private static String promtool(String url, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(PrometheusProcess.binary("promtool"));
        for (String a : args) {
            cmd.add(a.equals("%URL%") ? url : a);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "promtool hung");
        return "exit " + p.exitValue() + "\n" + out;
    }
}
