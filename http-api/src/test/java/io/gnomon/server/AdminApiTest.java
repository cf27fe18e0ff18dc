package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Admin endpoints and /api/v1/status/tsdb over real HTTP, in Prometheus's shapes and status codes. */
class AdminApiTest {

    @TempDir
    Path dataDir;

    static final HttpClient client = HttpClient.newHttpClient();

    static Gnomon start(Path dir, boolean admin) throws Exception {
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
            "--storage.tsdb.path=" + dir, "--web.enable-admin-api=" + admin}), BuildInfo.load());
        g.start();
        Appender app = g.db().appender();
        for (int i = 0; i < 10; i++) {
            long t = 1_000_000L + i * 15_000L;
            app.append(0, Labels.of("__name__", "up", "job", "node", "instance", "a"), t, 1);
            app.append(0, Labels.of("__name__", "up", "job", "node", "instance", "b"), t, 1);
            app.append(0, Labels.of("__name__", "reqs", "job", "api"), t, i);
        }
        app.commit();
        return g;
    }

    static HttpResponse<String> send(Gnomon g, String method, String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.address().getPort() + pathAndQuery))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void disabledAdminApiAnswersAsPrometheus() throws Exception {
        try (Gnomon g = start(dataDir, false)) {
            for (String p : new String[] {"delete_series?match[]=up", "clean_tombstones", "snapshot"}) {
                HttpResponse<String> r = send(g, "POST", "/api/v1/admin/tsdb/" + p);
                assertEquals(500, r.statusCode(), p);
                assertEquals("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"admin APIs disabled\"}", r.body());
            }
            assertEquals(405, send(g, "GET", "/api/v1/admin/tsdb/snapshot").statusCode());
        }
    }

    @Test
    void deleteSeriesCleanTombstonesSnapshot() throws Exception {
        try (Gnomon g = start(dataDir, true)) {
            HttpResponse<String> r = send(g, "POST", "/api/v1/admin/tsdb/delete_series");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("no match[] parameter provided"), r.body());
            r = send(g, "POST", "/api/v1/admin/tsdb/delete_series?match[]=" + "up%7B");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("bad_data"), r.body());
            r = send(g, "POST", "/api/v1/admin/tsdb/delete_series?match[]=up&start=nope");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("start"), r.body());

            r = send(g, "PUT", "/api/v1/admin/tsdb/delete_series?match[]=" + "up%7Binstance%3D%22a%22%7D" + "&start=1000&end=1060");
            assertEquals(204, r.statusCode(), r.body());
            HttpResponse<String> q = send(g, "GET", "/api/v1/query?query=count_over_time(up%5B10m%5D)&time=1135");
            assertTrue(q.body().contains("\"instance\":\"a\",\"job\":\"node\"},\"value\":[1135,\"5\"]"), q.body());
            assertTrue(q.body().contains("\"instance\":\"b\",\"job\":\"node\"},\"value\":[1135,\"10\"]"), q.body());

            assertEquals(204, send(g, "POST", "/api/v1/admin/tsdb/clean_tombstones").statusCode());

            r = send(g, "POST", "/api/v1/admin/tsdb/snapshot?skip_head=maybe");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("skip_head"), r.body());
            r = send(g, "POST", "/api/v1/admin/tsdb/snapshot");
            assertEquals(200, r.statusCode(), r.body());
            String name = r.body().replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
            assertTrue(r.body().matches("\\{\"status\":\"success\",\"data\":\\{\"name\":\"\\d{8}T\\d{6}Z-[0-9a-f]{16}\"}}"), r.body());
            try (var s = Files.list(dataDir.resolve("snapshots").resolve(name))) {
                assertEquals(1, s.count(), "the head, written as a block");
            }
        }
    }

    @Test
    void tsdbStatus() throws Exception {
        try (Gnomon g = start(dataDir, false)) {
            HttpResponse<String> r = send(g, "GET", "/api/v1/status/tsdb?limit=2");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{\"status\":\"success\",\"data\":{\"headStats\":{\"numSeries\":3,\"numLabelPairs\":6,\"chunkCount\":3,"
                + "\"minTime\":1000000,\"maxTime\":1135000},"
                + "\"seriesCountByMetricName\":[{\"name\":\"up\",\"value\":2},{\"name\":\"reqs\",\"value\":1}],"
                + "\"labelValueCountByLabelName\":[{\"name\":\"__name__\",\"value\":2},{\"name\":\"instance\",\"value\":2}],"
                + "\"memoryInBytesByLabelName\":[{\"name\":\"job\",\"value\":11},{\"name\":\"__name__\",\"value\":8}],"
                + "\"seriesCountByLabelValuePair\":[{\"name\":\"__name__=up\",\"value\":2},{\"name\":\"job=node\",\"value\":2}]}}",
                r.body());
            r = send(g, "GET", "/api/v1/status/tsdb?limit=0");
            assertEquals(400, r.statusCode());
            assertEquals("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"limit must be a positive number\"}", r.body());
        }
    }
}
