package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays a whole Grafana session ({@code grafana-session.json}: Save &amp; test, Explore, the
 * metric browser, variables, exemplars, an incremental refresh) against a running Gnomon and
 * checks each answer the way Grafana's Prometheus data source reads it.
 */
class GrafanaSessionReplayTest {

    @TempDir
    static Path dataDir;

    static Gnomon server;
    static String base;
    static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dataDir}), BuildInfo.load());
        base = "http://127.0.0.1:" + server.start().getPort();
        new SameSamples().appendTo(server.db());
        Appender app = server.db().appender();
        Labels counter = Labels.of("__name__", "http_requests_total", "code", "200", "instance", "10.0.0.0:9100", "job", "api");
        app.updateMetadata(0, counter, new Metadata("counter", "", "Requests served."));
        Labels bucket = Labels.of("__name__", "req_duration_seconds_bucket", "job", "api", "le", "0.25");
        for (int i = 0; i < 5; i++) {
            long t = SameSamples.END - 600_000L + i * 60_000L;
            app.appendExemplar(0, bucket, new Exemplar(Labels.of("trace_id", "4bf92f3577b34da6a3ce929d0e0e473" + i), 0.2, t, true));
        }
        for (String v : new String[] {"a", "b"}) {
            for (long t = SameSamples.END - 600_000L; t <= SameSamples.END; t += 15_000L) {
                app.append(0, Labels.of("__name__", "my.metric", "my.label", v), t, 1);
            }
        }
        app.commit();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void wholeSessionAnswersAsGrafanaExpects() throws Exception {
        Map<String, Object> session;
        try (InputStream in = GrafanaSessionReplayTest.class.getResourceAsStream("/grafana-session.json")) {
            session = (Map<String, Object>) MiniJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Map<String, Map<String, Object>> fullRangeByQuery = new HashMap<>();
        for (Object o : (List<Object>) session.get("requests")) {
            Map<String, Object> e = (Map<String, Object>) o;
            String name = (String) e.get("name");
            HttpResponse<String> r = send(e);
            Map<String, Object> expect = (Map<String, Object>) e.get("expect");
            List<Object> codes = (List<Object>) expect.get("status");
            assertTrue(codes.contains((double) r.statusCode()), name + ": status " + r.statusCode() + " body " + r.body());
            if (r.statusCode() == 405) {
                continue; // Grafana repeats it as GET; the next entry is that GET
            }
            String body = r.body();
            Map<String, Object> json = (Map<String, Object>) MiniJson.parse(body);
            if (expect.containsKey("body")) {
                assertEquals(expect.get("body"), body, name);
            }
            if (r.statusCode() == 200) {
                assertEquals("success", json.get("status"), name);
                assertNotNull(json.get("data"), name + ": Grafana fails on data: null");
            }
            for (Object s : (List<Object>) expect.getOrDefault("contains", List.of())) {
                assertTrue(body.contains((String) s), name + ": expected " + s + " in " + abbreviate(body));
            }
            for (Object s : (List<Object>) expect.getOrDefault("notContains", List.of())) {
                assertFalse(body.contains((String) s), name + ": unexpected " + s + " in " + abbreviate(body));
            }
            if (Boolean.TRUE.equals(expect.get("dataArray"))) {
                assertInstanceOf(List.class, json.get("data"), name);
            }
            if (Boolean.TRUE.equals(expect.get("dataObject"))) {
                assertInstanceOf(Map.class, json.get("data"), name);
            }
            if (expect.containsKey("semverAt")) {
                String v = (String) ((Map<String, Object>) json.get("data")).get((String) expect.get("semverAt"));
                assertTrue(v.matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?"), name + ": not semver: " + v);
            }
            for (Object s : (List<Object>) expect.getOrDefault("absent", List.of())) {
                assertFalse(((Map<String, Object>) json.get("data")).containsKey((String) s), name + ": " + s + " must be absent");
            }
            if (expect.containsKey("resultType")) {
                Map<String, Object> data = (Map<String, Object>) json.get("data");
                assertEquals(expect.get("resultType"), data.get("resultType"), name);
                List<Object> result = (List<Object>) data.get("result");
                if (expect.containsKey("series")) {
                    assertEquals(((Number) expect.get("series")).intValue(), result.size(), name);
                }
                for (Object series : result) {
                    Map<String, Object> s = (Map<String, Object>) series;
                    for (Object v : ((Map<String, Object>) s.get("metric")).values()) {
                        assertInstanceOf(String.class, v, name + ": label values are strings");
                    }
                    List<Object> points = s.containsKey("values") ? (List<Object>) s.get("values") : List.of(s.get("value"));
                    for (Object p : points) {
                        List<Object> pair = (List<Object>) p;
                        assertInstanceOf(Double.class, pair.get(0), name + ": timestamp is a JSON number");
                        String v = (String) pair.get(1);
                        Double.parseDouble(v.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
                    }
                }
                if (expect.containsKey("grid")) {
                    Map<String, Object> g = (Map<String, Object>) expect.get("grid");
                    long start = ((Number) g.get("start")).longValue();
                    long end = ((Number) g.get("end")).longValue();
                    long step = ((Number) g.get("step")).longValue();
                    for (Object series : result) {
                        List<Object> values = (List<Object>) ((Map<String, Object>) series).get("values");
                        assertEquals((end - start) / step + 1, values.size(), name + ": points per series");
                        for (int k = 0; k < values.size(); k++) {
                            assertEquals((double) (start + k * step), ((List<Object>) values.get(k)).get(0), name + ": grid");
                        }
                    }
                    fullRangeByQuery.put(query(e), data);
                }
                if (expect.containsKey("sameAsOverlap")) {
                    Map<String, Object> earlier = fullRangeByQuery.get(query(e));
                    assertNotNull(earlier, name + ": no earlier full-window answer for the same query");
                    int overlap = ((Number) expect.get("sameAsOverlap")).intValue();
                    assertEquals(overlap, overlap(earlier, data), name + ": identical labels and values where windows overlap");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static String query(Map<String, Object> e) {
        Object q = ((Map<String, Object>) e.getOrDefault("form", Map.of())).get("query");
        return q != null ? (String) q : (String) ((Map<String, Object>) e.getOrDefault("params", Map.of())).get("query");
    }

    /** Points per series that a later window shares with an earlier one (all equal, or it fails). */
    @SuppressWarnings("unchecked")
    private static int overlap(Map<String, Object> a, Map<String, Object> b) {
        Map<String, Map<Double, String>> byLabels = new HashMap<>();
        for (Object s : (List<Object>) a.get("result")) {
            Map<Double, String> pts = new HashMap<>();
            for (Object p : (List<Object>) ((Map<String, Object>) s).get("values")) {
                pts.put((Double) ((List<Object>) p).get(0), (String) ((List<Object>) p).get(1));
            }
            byLabels.put(((Map<String, Object>) s).get("metric").toString(), pts);
        }
        int shared = 0;
        int seriesSeen = 0;
        for (Object s : (List<Object>) b.get("result")) {
            Map<Double, String> pts = byLabels.get(((Map<String, Object>) s).get("metric").toString());
            assertNotNull(pts, "series missing from the earlier window: " + ((Map<String, Object>) s).get("metric"));
            seriesSeen++;
            int here = 0;
            for (Object p : (List<Object>) ((Map<String, Object>) s).get("values")) {
                String earlier = pts.get((Double) ((List<Object>) p).get(0));
                if (earlier != null) {
                    assertEquals(earlier, ((List<Object>) p).get(1));
                    here++;
                }
            }
            shared = here;
        }
        assertTrue(seriesSeen > 0);
        return shared;
    }

    @SuppressWarnings("unchecked")
    private static HttpResponse<String> send(Map<String, Object> e) throws Exception {
        StringBuilder url = new StringBuilder(base).append((String) e.get("path"));
        Map<String, Object> params = (Map<String, Object>) e.getOrDefault("params", Map.of());
        if (!params.isEmpty()) {
            url.append('?').append(encode(params));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.toString())).header("User-Agent", "Grafana/11.0.0");
        if ("POST".equals(e.get("method"))) {
            Map<String, Object> form = (Map<String, Object>) e.getOrDefault("form", Map.of());
            b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(Map<String, Object> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Object> kv : m.entrySet()) {
            List<?> values = kv.getValue() instanceof List<?> l ? l : List.of(kv.getValue());
            for (Object v : values) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(URLEncoder.encode(kv.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode((String) v, StandardCharsets.UTF_8));
            }
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 600 ? s.substring(0, 600) + "..." : s;
    }
}
