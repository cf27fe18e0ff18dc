package io.gnomon.tsdb.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the peer binaries interop tests run against (promtool, prometheus) and runs them. A test
 * whose peer is missing is skipped, except under {@code CI=true}, where it fails: CI must install
 * the peers (Debian package {@code prometheus}).
 */
public final class PeerBinaries {

    private PeerBinaries() {
    }

    /** promtool: {@code $PROMTOOL}, else on the PATH; skips (fails under CI=true) when absent. */
    public static Path promtool() {
        return find("PROMTOOL", "promtool");
    }

    /** prometheus: {@code $PROMETHEUS}, else on the PATH or in /usr/bin; skips (fails under CI=true) when absent. */
    public static Path prometheus() {
        return find("PROMETHEUS", "prometheus");
    }

    private static Path find(String env, String name) {
        String e = System.getenv(env);
        if (e != null && Files.isExecutable(Path.of(e))) {
            return Path.of(e);
        }
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin";
        for (String d : path.split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name);
            }
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(name + " is required under CI=true: install Prometheus's " + name + " or set $" + env);
        }
        Assumptions.abort(name + " not installed; set $" + env + " or put it on the PATH");
        return null;
    }

    /** Runs a command to completion (2 min at most), asserts exit 0 and returns its output (stdout and stderr). */
    public static String run(Path workDir, String... cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile(workDir, "peer", ".log");
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 120 s");
        }
        String out = Files.readString(log);
        Files.delete(log);
        assertEquals(0, proc.exitValue(), () -> String.join(" ", cmd) + " failed: " + out);
        return out;
    }
}
