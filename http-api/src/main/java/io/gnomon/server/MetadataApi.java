package io.gnomon.server;

import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.http.api.ApiParams;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.storage.Metadata;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET|POST /api/v1/metadata[?metric=<name>&limit=<n>]}: metric metadata in Prometheus's
 * shape, {@code {"status":"success","data":{"<metric>":[{"type":..,"help":..,"unit":..}]}}}. The
 * head keeps one entry per metric name (the newest reported), so {@code limit_per_metric} is
 * validated but has nothing to cut.
 */
final class MetadataApi {

    private MetadataApi() {
    }

    static FullHttpResponse handle(Head head, FullHttpRequest req) {
        if (head == null) {
            return Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", "storage is starting");
        }
        ApiParams params;
        long limit;
        try {
            params = ApiParams.of(req);
            limit = number(params, "limit");
            number(params, "limit_per_metric"); // one entry per metric is kept; any limit >= 1 keeps it
        } catch (ApiParams.BadParam e) {
            return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", e.getMessage());
        }
        String metric = params.get("metric");
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

    /** A whole-number parameter as Prometheus reads it; -1 when absent. */
    private static long number(ApiParams p, String name) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ApiParams.BadParam(name + " must be a number");
        }
    }
}
