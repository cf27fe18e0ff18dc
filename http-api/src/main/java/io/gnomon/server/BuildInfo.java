package io.gnomon.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Version, revision, branch and build date, filled in by the build (resource filtering with the
 * git revision); {@code unknown} when built outside a git checkout.
 */
public record BuildInfo(String version, String revision, String branch, String buildDate) {

    /**
     * The Prometheus release whose API and PromQL Gnomon implements. Grafana maps the
     * {@code version} of {@code /api/v1/status/buildinfo} to a Prometheus version to decide which
     * API features to use, so the build-info endpoint reports this (Gnomon's own version is in
     * {@code gnomonVersion}).
     */
    public static final String PROMETHEUS_COMPATIBLE_VERSION = "3.14.0";

    public static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/gnomon-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // Fall through to "unknown".
        }
        return new BuildInfo(value(p, "version"), value(p, "revision"), value(p, "branch"), value(p, "buildDate"));
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key, "");
        return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
    }

    /** The {@code --version} text. */
    public String versionText() {
        return "gnomon, version " + version + " (branch: " + branch + ", revision: " + revision + ")\n"
            + "  build date:       " + buildDate + "\n"
            + "  java version:     " + System.getProperty("java.version") + "\n"
            + "  prometheus api:   " + PROMETHEUS_COMPATIBLE_VERSION + "\n";
    }
}
