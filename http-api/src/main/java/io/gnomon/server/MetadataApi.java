package io.gnomon.server;

import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.storage.Metadata;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET|POST /api/v1/metadata[?metric=<name>&limit=<n>]}: metric metadata in Prometheus's
 * shape, {@code {"status":"success","data":{"<metric>":[{"type":..,"help":..,"unit":..}]}}}. The
 * head keeps one entry per metric name (the newest reported), so {@code limit_per_metric} has
 * nothing to cut.
 */
final class MetadataApi {

    private MetadataApi() {
    }

    static FullHttpResponse handle(Head head, FullHttpRequest req) {
        if (head == null) {
            return Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "storage is starting");
        }
        Map<String, List<String>> params = new QueryStringDecoder(req.uri()).parameters();
        if (req.method().name().equals("POST")) {
            String form = req.content().toString(StandardCharsets.UTF_8);
            params = new java.util.HashMap<>(params);
            params.putAll(new QueryStringDecoder(form, false).parameters());
        }
        String metric = first(params, "metric");
        long limit = -1;
        String l = first(params, "limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Long.parseLong(l);
            } catch (NumberFormatException e) {
                return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", "limit must be a number");
            }
        }
        StringBuilder sb = new StringBuilder(256).append('{');
        long n = 0;
        for (Map.Entry<String, Metadata> e : new TreeMap<>(head.metadata()).entrySet()) {
            if ((metric != null && !metric.isEmpty() && !metric.equals(e.getKey())) || (limit >= 0 && n >= limit)) {
                continue;
            }
            if (n++ > 0) {
                sb.append(',');
            }
            Json.appendQuoted(sb, e.getKey());
            sb.append(":[{\"type\":");
            Json.appendQuoted(sb, e.getValue().type());
            sb.append(",\"help\":");
            Json.appendQuoted(sb, e.getValue().help());
            sb.append(",\"unit\":");
            Json.appendQuoted(sb, e.getValue().unit());
            sb.append("}]");
        }
        return Responses.success(sb.append('}').toString());
    }

    private static String first(Map<String, List<String>> p, String k) {
        List<String> v = p.get(k);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
