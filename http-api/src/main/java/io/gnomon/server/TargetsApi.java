package io.gnomon.server;

import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.http.api.ApiParams;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.Selectors;
import io.gnomon.scrape.DroppedTarget;
import io.gnomon.scrape.ScrapeManager;
import io.gnomon.scrape.Target;
import io.gnomon.scrape.config.Durations;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Metadata;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/targets} and {@code /api/v1/targets/metadata} in Prometheus's shapes:
 * <pre>
 * {"activeTargets":[{"discoveredLabels":{..},"labels":{..},"scrapePool":"job","scrapeUrl":"http://..",
 *   "globalUrl":"http://..","lastError":"","lastScrape":"2026-01-02T03:04:05.678Z","lastScrapeDuration":0.0123,
 *   "health":"up","scrapeInterval":"15s","scrapeTimeout":"10s"}],
 *  "droppedTargets":[{"discoveredLabels":{..},"scrapePool":"job"}],"droppedTargetCounts":{"job":1}}
 * </pre>
 * {@code state=active|dropped|any} and {@code scrapePool=<job>} filter as in Prometheus. The
 * metadata endpoint lists {@code {"target":{labels},"metric":..,"type":..,"help":..,"unit":..}}
 * filtered by {@code match_target} (a label selector), {@code metric} and {@code limit}.
 */
final class TargetsApi {

    private TargetsApi() {
    }

    static FullHttpResponse targets(ScrapeManager m, FullHttpRequest req) {
        ApiParams p = ApiParams.of(req);
        String state = p.get("state") == null ? "" : p.get("state").toLowerCase(Locale.ROOT);
        String pool = p.get("scrapePool");
        boolean showActive = state.isEmpty() || state.equals("any") || state.equals("active");
        boolean showDropped = state.isEmpty() || state.equals("any") || state.equals("dropped");
        StringBuilder sb = new StringBuilder(4096).append("{\"activeTargets\":[");
        if (showActive && m != null) {
            String sep = "";
            for (Target t : m.activeTargets()) {
                if (pool != null && !pool.isEmpty() && !pool.equals(t.scrapePool())) {
                    continue;
                }
                sb.append(sep);
                sep = ",";
                sb.append("{\"discoveredLabels\":");
                labels(sb, t.discoveredLabels());
                sb.append(",\"labels\":");
                labels(sb, t.labels());
                field(sb, "scrapePool", t.scrapePool());
                field(sb, "scrapeUrl", t.url().toString());
                field(sb, "globalUrl", t.url().toString());
                field(sb, "lastError", t.lastError());
                field(sb, "lastScrape", t.lastScrapeMillis() == 0 ? "0001-01-01T00:00:00Z"
                    : DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(t.lastScrapeMillis())));
                sb.append(",\"lastScrapeDuration\":").append(t.lastScrapeDurationSeconds());
                field(sb, "health", t.health().text());
                field(sb, "scrapeInterval", Durations.format(t.interval()));
                field(sb, "scrapeTimeout", Durations.format(t.timeout()));
                sb.append('}');
            }
        }
        sb.append("],\"droppedTargets\":[");
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (m != null) {
            counts.putAll(m.droppedTargetCounts()); // all dropped targets, also those keep_dropped_targets does not list
            String sep = "";
            for (DroppedTarget d : m.droppedTargets()) {
                if (pool != null && !pool.isEmpty() && !pool.equals(d.scrapePool())) {
                    continue;
                }
                if (!showDropped) {
                    continue;
                }
                sb.append(sep).append("{\"discoveredLabels\":");
                sep = ",";
                labels(sb, d.discoveredLabels());
                field(sb, "scrapePool", d.scrapePool());
                sb.append('}');
            }
        }
        sb.append("],\"droppedTargetCounts\":{");
        String sep = "";
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (pool != null && !pool.isEmpty() && !pool.equals(e.getKey())) {
                continue;
            }
            sb.append(sep);
            sep = ",";
            Json.appendQuoted(sb, e.getKey());
            sb.append(':').append(e.getValue());
        }
        sb.append("}}");
        return Responses.success(sb.toString());
    }

    static FullHttpResponse metadata(ScrapeManager m, FullHttpRequest req) {
        ApiParams p = ApiParams.of(req);
        Matcher[] matchers = new Matcher[0];
        String mt = p.get("match_target");
        if (mt != null && !mt.isEmpty()) {
            try {
                matchers = Selectors.parseMatchers(mt);
            } catch (QueryException e) {
                return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", e.getMessage());
            }
        }
        String metric = p.get("metric");
        long limit = -1;
        if (p.get("limit") != null && !p.get("limit").isEmpty()) {
            try {
                limit = Long.parseLong(p.get("limit"));
            } catch (NumberFormatException e) {
                return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", "limit must be a number");
            }
        }
        StringBuilder sb = new StringBuilder(4096).append('[');
        long n = 0;
        if (m != null) {
            outer:
            for (Target t : m.activeTargets()) {
                for (Matcher x : matchers) {
                    if (!x.matches(t.labels().get(x.name()))) {
                        continue outer;
                    }
                }
                for (Map.Entry<String, Metadata> e : new TreeMap<>(t.metadata()).entrySet()) {
                    if (metric != null && !metric.isEmpty() && !metric.equals(e.getKey())) {
                        continue;
                    }
                    if (limit >= 0 && n >= limit) {
                        break outer;
                    }
                    if (n++ > 0) {
                        sb.append(',');
                    }
                    sb.append("{\"target\":");
                    labels(sb, t.labels());
                    field(sb, "metric", e.getKey());
                    field(sb, "type", e.getValue().type());
                    field(sb, "help", e.getValue().help());
                    field(sb, "unit", e.getValue().unit());
                    sb.append('}');
                }
            }
        }
        if (n == 0 && mt != null && !mt.isEmpty()) {
            return Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "specified metadata not found");
        }
        return Responses.success(sb.append(']').toString());
    }

    private static void labels(StringBuilder sb, Labels l) {
        sb.append('{');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.appendQuoted(sb, l.name(i));
            sb.append(':');
            Json.appendQuoted(sb, l.value(i));
        }
        sb.append('}');
    }

    private static void field(StringBuilder sb, String k, String v) {
        sb.append(',');
        Json.appendQuoted(sb, k);
        sb.append(':');
        Json.appendQuoted(sb, v);
    }
}
