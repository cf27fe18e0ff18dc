package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The query endpoints over real HTTP, answers compared with Prometheus's exact JSON shapes. */
class QueryApiTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dataDir, NoScrapeConfig.flag(dataDir.resolveSibling(dataDir.getFileName() + "-cfg"))}), BuildInfo.load());
        base = "http://127.0.0.1:" + server.start().getPort();
        Appender app = server.db().appender();
        for (int i = 0; i <= 10; i++) {
            long t = 1_000_000L + i * 15_000L;
            app.append(0, Labels.of("__name__", "up", "job", "node", "instance", "a:9100"), t, 1);
            app.append(0, Labels.of("__name__", "up", "job", "node", "instance", "b:9100"), t, i < 5 ? 1 : 0);
            long ref = app.append(0, Labels.of("__name__", "reqs_total", "job", "api", "http.route", "/x"), t, i * 30);
            if (i == 3) {
                app.appendExemplar(ref, null, new io.gnomon.tsdb.storage.Exemplar(Labels.of("trace_id", "abc"), 0.42, t + 500, true));
            }
        }
        app.commit();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String form) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void instantQueryVector() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=" + enc("up == 0") + "&time=1150");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
            + "{\"metric\":{\"__name__\":\"up\",\"instance\":\"b:9100\",\"job\":\"node\"},\"value\":[1150,\"0\"]}]}}", r.body());
    }

    @Test
    void instantQueryScalarStringAndFractionalTime() throws Exception {
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1150.5,\"0.25\"]}}",
            get("/api/v1/query?query=" + enc("1/4") + "&time=1150.5").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1150,\"a\\\"b\"]}}",
            get("/api/v1/query?query=" + enc("\"a\\\"b\"") + "&time=1970-01-01T00:19:10Z").body());
    }

    @Test
    void rangeQueryByPostWithDurationStep() throws Exception {
        HttpResponse<String> r = post("/api/v1/query_range", "query=" + enc("sum by (job) (reqs_total) / 3")
            + "&start=1060&end=1090&step=15s");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
            + "{\"metric\":{\"job\":\"api\"},\"values\":[[1060,\"40\"],[1075,\"50\"],[1090,\"60\"]]}]}}", r.body());
    }

    @Test
    void numbersAsPrometheusPrintsThem() throws Exception {
        // Answers of Prometheus 2.42 to the same queries.
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1150.05,\"0.25\"]}}",
            get("/api/v1/query?query=" + enc("1/4") + "&time=1150.05").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"0.0000001\"]}}",
            get("/api/v1/query?query=" + enc("1e-7") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"3000000000000000000000\"]}}",
            get("/api/v1/query?query=" + enc("1e21*3") + "&time=1").body());
        // Sample values of vectors and matrices switch to Go's 'e' format below 1e-6 and from 1e21
        // (Prometheus's jsonutil.MarshalFloat); count_values labels stay in 'f'.
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"1e-07\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(1e-7)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"3e+21\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(3e21)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"9.999e-07\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(1e-6*0.9999)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"0.000001\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(0.000001)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"999999999999999900000\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(1e21-1e5)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"5e-324\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(5e-324)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"1.7976931348623157e+308\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(1.7976931348623157e308)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"0.30000000000000004\"]}]}}",
            get("/api/v1/query?query=" + enc("vector(0.1+0.2)") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"x\":\"0.0000001\"},\"value\":[1,\"1\"]}]}}",
            get("/api/v1/query?query=" + enc("count_values(\"x\", vector(1e-7))") + "&time=1").body());
        assertEquals("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1,\"1e-07\"],[16,\"1e-07\"]]}]}}",
            get("/api/v1/query_range?query=" + enc("1e-7") + "&start=1&end=16&step=15").body());
    }

    @Test
    void errorsHavePrometheusShapeAndCodes() throws Exception {
        HttpResponse<String> r = get("/api/v1/query?query=" + enc("rate(up)"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().startsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"), r.body());
        assertTrue(r.body().contains("expected type range vector in call to function \\\"rate\\\", got instant vector"), r.body());
        assertEquals(400, get("/api/v1/query").statusCode());
        assertEquals(400, get("/api/v1/query?query=up&time=yesterday").statusCode());
        r = get("/api/v1/query_range?query=up&start=100&end=50&step=1");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("end timestamp must not be before start time"), r.body());
        r = get("/api/v1/query_range?query=up&start=0&end=50&step=0");
        assertTrue(r.body().contains("zero or negative query resolution step widths are not accepted"), r.body());
        r = get("/api/v1/query_range?query=up&start=0&end=20000&step=1");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("exceeded maximum resolution of 11,000 points per timeseries"), r.body());
        r = get("/api/v1/query?query=" + enc("up{job=~\"(\"}"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("error parsing regexp"), r.body());
        assertEquals(405, client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=up"))
            .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void seriesLabelsAndValues() throws Exception {
        HttpResponse<String> r = get("/api/v1/series?match[]=" + enc("up{instance=\"a:9100\"}") + "&match[]=reqs_total");
        assertEquals("{\"status\":\"success\",\"data\":[{\"__name__\":\"reqs_total\",\"http.route\":\"/x\",\"job\":\"api\"},"
            + "{\"__name__\":\"up\",\"instance\":\"a:9100\",\"job\":\"node\"}]}", r.body());
        assertEquals(400, get("/api/v1/series").statusCode());
        assertEquals("{\"status\":\"success\",\"data\":[\"__name__\",\"http.route\",\"instance\",\"job\"]}",
            get("/api/v1/labels").body());
        assertEquals("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}",
            post("/api/v1/labels?match[]=up", "").body());
        assertEquals("{\"status\":\"success\",\"data\":[\"a:9100\",\"b:9100\"]}",
            get("/api/v1/label/instance/values?match[]=" + enc("{job=\"node\"}")).body());
        assertEquals("{\"status\":\"success\",\"data\":[\"/x\"]}", get("/api/v1/label/U__http_2e_route/values").body());
        assertEquals("{\"status\":\"success\",\"data\":[\"a:9100\"],\"warnings\":[\"results truncated due to limit\"]}",
            get("/api/v1/label/instance/values?limit=1").body());
        assertEquals("{\"status\":\"success\",\"data\":[]}", get("/api/v1/label/instance/values?start=5000&end=6000").body());
    }

    @Test
    void exemplarsAndGrafanasProbe() throws Exception {
        HttpResponse<String> r = post("/api/v1/query_exemplars", "query=" + enc("sum(rate(reqs_total[5m]))") + "&start=1000&end=1100");
        assertEquals("{\"status\":\"success\",\"data\":[{\"seriesLabels\":{\"__name__\":\"reqs_total\",\"http.route\":\"/x\",\"job\":\"api\"},"
            + "\"exemplars\":[{\"labels\":{\"trace_id\":\"abc\"},\"value\":\"0.42\",\"timestamp\":1045.5}]}]}", r.body());
        // Grafana's availability probe: query=test, times in milliseconds.
        r = get("/api/v1/query_exemplars?query=test&start=1718000000000&end=1718001800000");
        assertEquals(200, r.statusCode());
        assertEquals("{\"status\":\"success\",\"data\":[]}", r.body());
    }

    @Test
    void formatParseAndFlags() throws Exception {
        assertEquals("{\"status\":\"success\",\"data\":\"sum by (job) (up)\"}",
            get("/api/v1/format_query?query=" + enc("sum(up)by(job)")).body());
        assertTrue(get("/api/v1/parse_query?query=up").body().startsWith("{\"status\":\"success\",\"data\":{"));
        String flags = get("/api/v1/status/flags").body();
        assertTrue(flags.contains("\"query.lookback-delta\":\"5m\""), flags);
    }
}
