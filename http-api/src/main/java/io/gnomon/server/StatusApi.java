package io.gnomon.server;

import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.http.Router;
import io.gnomon.tsdb.ReplayProgress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The status and bookkeeping endpoints that describe the server rather than the data:
 * {@code status/runtimeinfo}, {@code status/walreplay}, {@code status/config}, and the
 * endpoints of subsystems Gnomon does not run (rules, alerts, notifications), which answer with
 * Prometheus's empty shapes so that clients such as Grafana find what they look for.
 */
final class StatusApi {

    /** The configuration as the server runs it: the YAML served by {@code status/config}. */
    record ConfigState(String yaml, boolean lastReloadSuccessful, Instant lastReload) {
    }

    private final Instant startTime = Instant.now();
    private final Flags flags;
    private final ReplayProgress replay;
    private final Supplier<ConfigState> config;

    StatusApi(Flags flags, ReplayProgress replay, Supplier<ConfigState> config) {
        this.flags = flags;
        this.replay = replay;
        this.config = config;
    }

    void register(Router r) {
        r.read("/api/v1/status/runtimeinfo", true, req -> Responses.success(runtimeInfo()));
        r.read("/api/v1/status/walreplay", true, req -> Responses.success(
            "{\"min\":" + replay.min() + ",\"max\":" + replay.max() + ",\"current\":" + replay.current() + "}"));
        r.read("/api/v1/status/config", true, req -> {
            StringBuilder sb = new StringBuilder("{\"yaml\":");
            Json.appendQuoted(sb, config.get().yaml());
            return Responses.success(sb.append('}').toString());
        });
        r.read("/api/v1/rules", true, req -> Responses.success("{\"groups\":[]}"));
        r.read("/api/v1/alerts", true, req -> Responses.success("{\"alerts\":[]}"));
        r.read("/api/v1/notifications", true, req -> Responses.success("[]"));
    }

    String runtimeInfo() {
        ConfigState c = config.get();
        StringBuilder sb = new StringBuilder(384).append('{');
        string(sb, "startTime", startTime.toString()).append(',');
        string(sb, "CWD", Path.of("").toAbsolutePath().toString()).append(',');
        sb.append("\"reloadConfigSuccess\":").append(c.lastReloadSuccessful()).append(',');
        string(sb, "lastConfigTime", c.lastReload().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()).append(',');
        sb.append("\"corruptionCount\":0,");
        sb.append("\"goroutineCount\":").append(Thread.activeCount()).append(',');
        sb.append("\"GOMAXPROCS\":").append(Runtime.getRuntime().availableProcessors()).append(',');
        string(sb, "GOGC", "").append(',');
        string(sb, "GODEBUG", "").append(',');
        string(sb, "storageRetention", retention(flags));
        return sb.append('}').toString();
    }

    /** Prometheus's wording: {@code 15d}, {@code 512MiB}, or {@code 15d or 512MiB}. */
    static String retention(Flags flags) {
        String time = flags.asMap().get("storage.tsdb.retention.time");
        String size = flags.asMap().get("storage.tsdb.retention.size");
        boolean hasTime = flags.duration("storage.tsdb.retention.time").toMillis() > 0;
        boolean hasSize = flags.bytes("storage.tsdb.retention.size") > 0;
        if (hasTime && hasSize) {
            return time + " or " + size;
        }
        if (hasSize) {
            return size;
        }
        return hasTime ? time : "15d";
    }

    private static StringBuilder string(StringBuilder sb, String k, String v) {
        Json.appendQuoted(sb, k);
        sb.append(':');
        Json.appendQuoted(sb, v);
        return sb;
    }
}
