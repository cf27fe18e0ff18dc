package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (skipped when not installed, required under CI=true) and Gnomon, both
 * without {@code --web.enable-admin-api}, answer the admin endpoints with the same status and
 * body, and {@code /api/v1/status/tsdb} with the same JSON keys in the same order.
 */
class AdminApiInteropTest {

    @TempDir
    Path tmp;

    static final HttpClient client = HttpClient.newHttpClient();

    static HttpResponse<String> send(int port, String method, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    static List<String> keys(String json) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"([A-Za-z]+)\":").matcher(json);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    @Test
    void sameAnswersAsPrometheus() throws Exception {
        Path promDir = Files.createDirectories(tmp.resolve("prom"));
        try (PrometheusProcess prom = PrometheusProcess.start(promDir, freePort(), "global:\n  scrape_interval: 1h\n");
             Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0",
                 "--storage.tsdb.path=" + tmp.resolve("gnomon")}), BuildInfo.load())) {
            int gp = g.start().getPort();
            for (String path : new String[] {"/api/v1/admin/tsdb/snapshot", "/api/v1/admin/tsdb/clean_tombstones",
                "/api/v1/admin/tsdb/delete_series?match[]=up"}) {
                for (String method : new String[] {"POST", "PUT"}) {
                    HttpResponse<String> want = send(prom.port, method, path);
                    HttpResponse<String> got = send(gp, method, path);
                    assertEquals(want.statusCode(), got.statusCode(), method + " " + path + ": " + want.body());
                    assertEquals(want.body().trim(), got.body().trim(), method + " " + path);
                }
            }
            HttpResponse<String> want = send(prom.port, "GET", "/api/v1/status/tsdb");
            HttpResponse<String> got = send(gp, "GET", "/api/v1/status/tsdb");
            assertEquals(want.statusCode(), got.statusCode());
            assertEquals(keys(want.body()), keys(got.body()), want.body() + "\n" + got.body());
            // Not compared: ?limit=, which Prometheus 2.42 (the packaged peer) predates; newer
            // versions refuse limit < 1 with "limit must be a positive number", as Gnomon does.
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
