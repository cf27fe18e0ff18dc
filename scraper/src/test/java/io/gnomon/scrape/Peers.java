package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Real peer binaries (Debian's {@code prometheus}, {@code promtool}, {@code prometheus-node-exporter}):
 * found on {@code PATH} or in {@code /usr/bin}; a missing one skips the test, except under
 * {@code CI=true}, where it is a failure (CI installs them, see {@code .ci/run}).
 */
public final class Peers {

    private Peers() {
    }

    public static String binary(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String d : (path + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name).toString();
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            fail(name + " is not on PATH; CI must install it (see .ci/run)");
        }
        Assumptions.assumeTrue(false, name + " not on PATH: test skipped");
        return null;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
