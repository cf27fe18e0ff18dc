package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.wal.WalOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While the WAL replays, the server already listens: /-/ready answers 503 naming the replay and
 * queries answer 503 unavailable; afterwards both work and the replayed data is there.
 */
class ReadinessDuringReplayTest {

    @TempDir
    Path dir;

    @Test
    void readyIs503UntilReplayEnds() throws Exception {
        try (Db db = Db.open(dir, HeadOptions.defaults(), WalOptions.defaults())) {
            long[] refs = new long[2000];
            for (int k = 0; k < 1000; k++) {
                Appender app = db.appender();
                for (int i = 0; i < refs.length; i++) {
                    refs[i] = app.append(refs[i], refs[i] == 0 ? Labels.of("__name__", "m", "i", Integer.toString(i)) : null,
                        k * 15_000L, Math.sin(i + k));
                }
                app.commit();
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Gnomon server = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:" + port,
            "--storage.tsdb.path=" + dir}), BuildInfo.load());
        CompletableFuture<?> started = CompletableFuture.runAsync(() -> {
            try {
                server.start();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        HttpClient c = HttpClient.newHttpClient();
        List<String> seen = new ArrayList<>();
        boolean queryRefused = false;
        try {
            while (true) {
                HttpResponse<String> r;
                try {
                    r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                } catch (java.io.IOException notListeningYet) {
                    Thread.sleep(2);
                    continue;
                }
                seen.add(r.statusCode() + " " + r.body().trim());
                if (r.statusCode() == 200) {
                    break;
                }
                if (!queryRefused) {
                    HttpResponse<String> q = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/query?query=m")).build(), HttpResponse.BodyHandlers.ofString());
                    queryRefused = q.statusCode() == 503 && q.body().contains("\"errorType\":\"unavailable\"");
                }
                Thread.sleep(5);
            }
            started.get();
            assertTrue(seen.size() > 1 && seen.subList(0, seen.size() - 1).stream()
                .allMatch(x -> x.equals("503 Service Unavailable: replaying the write-ahead log")), seen.toString());
            assertTrue(queryRefused, "a query during replay was not refused with 503 unavailable");
            assertEquals(2000, server.head().numSeries());
            assertEquals(2_000_000, server.db().replayStats().samples());
        } finally {
            server.close();
        }
    }
}
