package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus started by a test on a free loopback port with a given configuration. The
 * binary comes from {@code PATH} (or {@code /usr/bin/prometheus}); when it is missing the test
 * is skipped, except under {@code CI=true}, where a missing binary is a failure.
 */
final class PrometheusProcess implements AutoCloseable {

    final Process process;
    final int port;
    final Path dir;
    private final HttpClient client = HttpClient.newHttpClient();

    private PrometheusProcess(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The binary, or skips the test (fails it under CI=true). */
    static String binary() {
        return binary("prometheus");
    }

    /** A peer binary ({@code prometheus}, {@code promtool}) from PATH, or skips (fails under CI=true). */
    static String binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : (path + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(name + " is not on PATH; CI must install it (Debian package 'prometheus')");
        }
        Assumptions.assumeTrue(false, name + " not on PATH: interop test skipped");
        return null;
    }

    static PrometheusProcess start(Path dir, int port, String config, String... extraArgs) throws Exception {
        String bin = binary();
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, config);
        List<String> cmd = new ArrayList<>(List.of(bin, "--config.file=" + cfg, "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:" + port, "--log.level=warn"));
        cmd.addAll(List.of(extraArgs));
        Process p = new ProcessBuilder(cmd)
            .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusProcess pp = new PrometheusProcess(p, port, dir);
        pp.awaitReady();
        return pp;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet listening
            }
            Thread.sleep(100);
        }
        fail("prometheus not ready within 30 s: " + Files.readString(dir.resolve("prometheus.log")));
    }

    HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sum of a counter over the lines of Prometheus's own /metrics that contain {@code labelFilter}. */
    double metric(String name, String labelFilter) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : get("/metrics").body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains(labelFilter)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    String log() throws IOException {
        return Files.readString(dir.resolve("prometheus.log"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
