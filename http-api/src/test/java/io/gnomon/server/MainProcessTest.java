package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** Runs {@link Main} in a child JVM, as a user runs ./gnomon. */
class MainProcessTest {

    @TempDir
    Path dir;

    private Process launch(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).start();
    }

    private static String all(java.io.InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void unknownFlagExitsWithStatusTwoAndOneLine() throws Exception {
        Process p = launch("--no-such.flag=1");
        String err = all(p.getErrorStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertEquals("gnomon: error: unknown long flag '--no-such.flag', try --help\n", err);
    }

    @Test
    void badValueExitsWithStatusTwo() throws Exception {
        Process p = launch("--storage.tsdb.retention.time=forever");
        String err = all(p.getErrorStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue());
        assertTrue(err.startsWith("gnomon: error: invalid value \"forever\" for flag '--storage.tsdb.retention.time'"), err);
        Process q = launch("--web.listen-address=nonsense");
        String err2 = all(q.getErrorStream());
        assertTrue(q.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, q.exitValue());
        assertTrue(err2.contains("--web.listen-address"), err2);
    }

    @Test
    void versionAndHelp() throws Exception {
        Process p = launch("--version");
        String out = all(p.getInputStream());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(out.startsWith("gnomon, version "), out);
        assertTrue(out.contains("revision: ") && out.contains("build date:"), out);
        Process h = launch("--help");
        String help = all(h.getInputStream());
        assertTrue(h.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, h.exitValue());
        assertTrue(help.contains("--web.listen-address=<string>") && help.contains("(default: :9090)"), help);
    }

    @Test
    void servesThenShutsDownCleanlyOnSigterm() throws Exception {
        Path log = dir.resolve("stderr.log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + dir.resolve("data")));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        Matcher m = Pattern.compile("Gnomon listening on http://[^:]+:(\\d+)/").matcher(line == null ? "" : line);
        assertTrue(m.find(), "unexpected first line: " + line);
        int port = Integer.parseInt(m.group(1));
        HttpResponse<String> r = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(Files.exists(dir.resolve("data").resolve("lock")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "did not stop within 30s of SIGTERM");
        String err = Files.readString(log);
        assertEquals(0, p.exitValue(), err);
        assertTrue(err.contains("received SIGTERM, shutting down"), err);
    }
}
