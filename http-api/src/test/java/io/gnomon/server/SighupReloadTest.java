package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -HUP} reloads the configuration of a running {@link Main}; a bad file is logged and the old one stays. */
class SighupReloadTest {

    @TempDir
    Path dir;

    /**
     * Whether this JVM was started with SIGHUP ignored (under {@code nohup}): a child inherits
     * that, and a JVM does not take over an ignored SIGHUP, so the server cannot see the signal.
     * Asking installs nothing when it is ignored, and puts the previous handler back otherwise.
     */
    static boolean hupIgnoredHere() {
        sun.misc.Signal hup = new sun.misc.Signal("HUP");
        sun.misc.SignalHandler before = sun.misc.Signal.handle(hup, sun.misc.SignalHandler.SIG_DFL);
        if (before == sun.misc.SignalHandler.SIG_IGN) {
            return true;
        }
        sun.misc.Signal.handle(hup, before);
        return false;
    }

    @Test
    void sighupReloads() throws Exception {
        boolean ignored = hupIgnoredHere();
        Path cfg = dir.resolve("prometheus.yml");
        Files.writeString(cfg, "scrape_configs:\n  - job_name: first\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        Path log = dir.resolve("stderr.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + cfg));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("Gnomon listening on http://[^:]+:(\\d+)/").matcher(line == null ? "" : line);
            assertTrue(m.find(), "unexpected first line: " + line + "\n" + Files.readString(log));
            String targets = "http://127.0.0.1:" + m.group(1) + "/api/v1/targets";
            HttpClient c = HttpClient.newHttpClient();
            assertTrue(get(c, targets).contains("\"scrapePool\":\"first\""));

            if (ignored) {
                // Inherited from this test's JVM: the server must say that kill -HUP will not work.
                ScrapingServerTest.await("the warning about the ignored SIGHUP", () -> read(log).contains("SIGHUP was ignored"));
                org.junit.jupiter.api.Assumptions.assumeFalse(true,
                    "SIGHUP is ignored in this test run (started under nohup?); the server warned, reloads by signal cannot be tested");
            }
            Files.writeString(cfg, "scrape_configs:\n  - job_name: [broken\n");
            hupUntil(p, log, "the refusal in the log", () -> read(log).contains("reloading the configuration failed"));
            assertTrue(get(c, targets).contains("\"scrapePool\":\"first\""));

            Files.writeString(cfg, "scrape_configs:\n  - job_name: second\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
            hupUntil(p, log, "the new job", () -> {
                try {
                    return get(c, targets).contains("\"scrapePool\":\"second\"");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Sends SIGHUP until {@code done} holds (again every 5 s; a reload is idempotent); on timeout
     * the failure says whether the server is alive and shows its log.
     */
    static void hupUntil(Process p, Path log, String what, java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            hup(p);
            long next = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < next) {
                if (done.getAsBoolean()) {
                    return;
                }
                Thread.sleep(50);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " (server alive: " + p.isAlive()
                    + "); its log:\n" + read(log));
            }
        }
    }

    /**
     * Started under {@code nohup} (SIGHUP inherited as ignored, which a JVM does not take over),
     * the server says that kill -HUP will not reload and names the HTTP way; it still serves.
     */
    @Test
    void warnsWhenStartedWithSighupIgnored() throws Exception {
        Path log = dir.resolve("nohup-stderr.log");
        List<String> cmd = new ArrayList<>(List.of("nohup", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("data2")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.contains("Gnomon listening on"), "unexpected first line: " + line + "\n" + read(log));
            ScrapingServerTest.await("the warning about the ignored SIGHUP", () -> read(log).contains("SIGHUP was ignored"));
            assertTrue(read(log).contains("POST /-/reload"), read(log));
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static String get(HttpClient c, String url) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static void hup(Process p) throws Exception {
        Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start();
        assertTrue(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0);
    }
}
