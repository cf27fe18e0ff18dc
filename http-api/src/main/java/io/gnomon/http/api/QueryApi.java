package io.gnomon.http.api;

import io.gnomon.http.ClientConnection;
import io.gnomon.http.Json;
import io.gnomon.http.JsonOut;
import io.gnomon.http.Responses;
import io.gnomon.http.Router;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.Result;
import io.gnomon.promql.engine.Selectors;
import io.gnomon.promql.engine.StorageRegexSupport;
import io.gnomon.promql.parser.AstJson;
import io.gnomon.promql.parser.ParseException;
import io.gnomon.promql.parser.PromQLFormatter;
import io.gnomon.promql.parser.PromQLParser;
import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The read endpoints of the Prometheus HTTP API v1 that sit on the engine and the querier:
 * {@code query}, {@code query_range}, {@code series}, {@code labels},
 * {@code label/<name>/values}, {@code format_query}, {@code parse_query} and
 * {@code status/flags}. GET and POST everywhere (form bodies merged with the URL); unknown
 * parameters ignored; errors in Prometheus's shape and status codes (400 bad_data, 422
 * execution, 503 timeout, 499 canceled, 500 internal).
 */
public final class QueryApi {

    /** Prometheus's cap on points per series of a range query. */
    static final long MAX_POINTS = 11_000;

    private final Supplier<Db> db;
    private final Engine engine;
    private final QueryOptions defaults;
    private final Map<String, String> flags;

    public QueryApi(Supplier<Db> db, Engine engine, QueryOptions defaults, Map<String, String> flags) {
        this.db = db;
        this.engine = engine;
        this.defaults = defaults;
        this.flags = flags;
    }

    /** Adds the routes; all run on the worker pool. */
    public void register(Router r) {
        r.read("/api/v1/query", false, req -> guard(() -> query(ApiParams.of(req))));
        r.read("/api/v1/query_range", false, req -> guard(() -> queryRange(ApiParams.of(req))));
        r.read("/api/v1/series", false, req -> guard(() -> series(ApiParams.of(req))));
        r.read("/api/v1/labels", false, req -> guard(() -> labels(ApiParams.of(req))));
        r.read("/api/v1/label/", false, req -> guard(() -> labelValues(req, ApiParams.of(req))));
        r.read("/api/v1/query_exemplars", false, req -> guard(() -> exemplars(ApiParams.of(req))));
        r.read("/api/v1/format_query", false, req -> guard(() -> formatQuery(ApiParams.of(req))));
        r.read("/api/v1/parse_query", false, req -> guard(() -> parseQuery(ApiParams.of(req))));
        r.read("/api/v1/status/flags", true, req -> Responses.success(flagsJson()));
    }

    /** Storage is not open yet (WAL replay): answered 503 unavailable. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    private interface Call {
        FullHttpResponse run();
    }

    private static FullHttpResponse guard(Call c) {
        try {
            return c.run();
        } catch (Unavailable e) {
            return Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
        } catch (ApiParams.BadParam e) {
            return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", e.getMessage());
        } catch (ParseException e) {
            return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", e.getMessage());
        } catch (QueryException e) {
            HttpResponseStatus st = switch (e.errorType()) {
                case BAD_DATA -> HttpResponseStatus.BAD_REQUEST;
                case EXECUTION -> HttpResponseStatus.UNPROCESSABLE_ENTITY;
                case TIMEOUT -> HttpResponseStatus.SERVICE_UNAVAILABLE;
                case CANCELED -> HttpResponseStatus.valueOf(499, "Client Closed Request");
                default -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
            };
            return Responses.error(st, e.errorType().text(), e.getMessage());
        }
    }

    private QueryOptions options(ApiParams p) {
        QueryOptions o = defaults;
        long timeout = p.duration("timeout");
        if (timeout > 0 && timeout < o.timeout().toMillis()) {
            o = o.withTimeout(Duration.ofMillis(timeout));
        }
        long lookback = p.duration("lookback_delta");
        if (lookback > 0) {
            o = o.withLookbackDelta(Duration.ofMillis(lookback));
        }
        return o;
    }

    private static String required(ApiParams p, String name) {
        String v = p.get(name);
        if (v == null) {
            throw new ApiParams.BadParam("invalid parameter \"" + name + "\": parameter is required");
        }
        return v;
    }

    private FullHttpResponse query(ApiParams p) {
        String q = required(p, "query");
        long t = p.time("time", System.currentTimeMillis());
        QueryOptions o = options(p);
        int limit = limit(p);
        return result(engine.instantQuery(db.get(), q, t, o, ClientConnection.gone()), limit, wantsStats(p));
    }

    private FullHttpResponse queryRange(ApiParams p) {
        String q = required(p, "query");
        long start = ApiParams.parseTime(required(p, "start"), "start");
        long end = ApiParams.parseTime(required(p, "end"), "end");
        if (end < start) {
            throw new ApiParams.BadParam("invalid parameter \"end\": end timestamp must not be before start time");
        }
        required(p, "step");
        long step = p.duration("step");
        if (step <= 0) {
            throw new ApiParams.BadParam("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((end - start) / step > MAX_POINTS) {
            throw new ApiParams.BadParam("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
        int limit = limit(p);
        return result(engine.rangeQuery(db.get(), q, start, end, step, options(p), ClientConnection.gone()), limit, wantsStats(p));
    }

    /** Any non-empty {@code stats} asks for statistics, as in Prometheus 2.42. */
    private static boolean wantsStats(ApiParams p) {
        String s = p.get("stats");
        return s != null && !s.isEmpty();
    }

    private static FullHttpResponse result(Result r, int limit, boolean stats) {
        JsonOut out = JsonOut.allocate(ApiJson.estimateSize(r.value()));
        out.raw("{\"status\":\"success\",\"data\":");
        ApiJson.data(out, r.value(), limit, stats ? r.stats() : null);
        ApiJson.annotations(out, r.warnings(), r.infos(), ApiJson.truncates(r.value(), limit) ? TRUNCATED : null);
        out.raw('}');
        return Responses.json(HttpResponseStatus.OK, out.buf());
    }

    private static final String TRUNCATED = "results truncated due to limit";

    private List<Matcher[]> matcherSets(ApiParams p, boolean required) {
        List<String> ms = p.all("match[]");
        if (ms.isEmpty() && required) {
            throw new ApiParams.BadParam("no match[] parameter provided");
        }
        List<Matcher[]> out = new ArrayList<>(ms.size());
        for (String m : ms) {
            out.add(Selectors.parseMatchers(m));
        }
        return out;
    }

    private static int limit(ApiParams p) {
        String l = p.get("limit");
        if (l == null || l.isEmpty()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(l);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ApiParams.BadParam("invalid parameter \"limit\": cannot parse \"" + l + "\" to a non-negative integer");
        }
    }

    private FullHttpResponse series(ApiParams p) {
        List<Matcher[]> sets = matcherSets(p, true);
        long start = p.time("start", Long.MIN_VALUE);
        long end = p.time("end", Long.MAX_VALUE);
        int limit = limit(p);
        TreeSet<Labels> out = new TreeSet<>();
        try (Querier q = db.get().querier(start, end)) {
            for (Matcher[] ms : sets) {
                SeriesSet ss = q.select(false, SelectHints.range(start, end), ms);
                while (ss.next()) {
                    out.add(ss.at().labels());
                }
            }
        }
        JsonOut json = JsonOut.allocate(256 + out.size() * 64);
        json.raw("{\"status\":\"success\",\"data\":[");
        int n = 0;
        for (Labels l : out) {
            if (limit > 0 && n == limit) {
                break;
            }
            if (n++ > 0) {
                json.raw(',');
            }
            ApiJson.labels(json, l);
        }
        json.raw(']');
        truncationWarning(json, limit, out.size());
        return Responses.json(HttpResponseStatus.OK, json.raw('}').buf());
    }

    private FullHttpResponse labels(ApiParams p) {
        List<Matcher[]> sets = matcherSets(p, false);
        long start = p.time("start", Long.MIN_VALUE);
        long end = p.time("end", Long.MAX_VALUE);
        TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
        try (Querier q = db.get().querier(start, end)) {
            if (sets.isEmpty()) {
                names.addAll(q.labelNames());
            }
            for (Matcher[] ms : sets) {
                names.addAll(q.labelNames(ms));
            }
        }
        return stringList(new ArrayList<>(names), limit(p));
    }

    private FullHttpResponse labelValues(FullHttpRequest req, ApiParams p) {
        String path = new io.netty.handler.codec.http.QueryStringDecoder(req.uri()).rawPath();
        String prefix = "/api/v1/label/";
        if (!path.endsWith("/values") || path.length() <= prefix.length() + "/values".length()) {
            return Responses.error(HttpResponseStatus.NOT_FOUND, "not_found", "no endpoint at " + path);
        }
        String raw = path.substring(prefix.length(), path.length() - "/values".length());
        String name = LabelNameEscaping.unescape(java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8));
        if (name.isEmpty() || !Labels.isValidUtf8(name)) {
            throw new ApiParams.BadParam("invalid label name: \"" + name + "\"");
        }
        List<Matcher[]> sets = matcherSets(p, false);
        long start = p.time("start", Long.MIN_VALUE);
        long end = p.time("end", Long.MAX_VALUE);
        TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
        try (Querier q = db.get().querier(start, end)) {
            if (sets.isEmpty()) {
                values.addAll(q.labelValues(name));
            }
            for (Matcher[] ms : sets) {
                values.addAll(q.labelValues(name, ms));
            }
        }
        return stringList(new ArrayList<>(values), limit(p));
    }

    private static FullHttpResponse stringList(List<String> all, int limit) {
        List<String> shown = limit > 0 && all.size() > limit ? all.subList(0, limit) : all;
        JsonOut json = JsonOut.allocate(256 + shown.size() * 24);
        json.raw("{\"status\":\"success\",\"data\":");
        ApiJson.strings(json, shown);
        truncationWarning(json, limit, all.size());
        return Responses.json(HttpResponseStatus.OK, json.raw('}').buf());
    }

    private static void truncationWarning(JsonOut json, int limit, int total) {
        if (limit > 0 && total > limit) {
            json.raw(",\"warnings\":[").string(TRUNCATED).raw(']');
        }
    }

    /**
     * Exemplars of every series the query's selectors match, in {@code [start, end]}. Start and
     * end default to the whole range; Grafana's availability probe sends milliseconds, which
     * parse as (far-future) seconds and simply find nothing, as with Prometheus.
     */
    private FullHttpResponse exemplars(ApiParams p) {
        Expr e = PromQLParser.parse(required(p, "query"), StorageRegexSupport.INSTANCE);
        long start = p.time("start", Long.MIN_VALUE);
        long end = p.time("end", Long.MAX_VALUE);
        if (end < start) {
            throw new ApiParams.BadParam("invalid parameter \"end\": end timestamp must not be before start time");
        }
        List<Matcher[]> sets = Selectors.extract(e);
        Db d = db.get();
        JsonOut json = JsonOut.allocate(1024);
        json.raw("{\"status\":\"success\",\"data\":[");
        if (!sets.isEmpty()) {
            var found = d.head().exemplars().select(start, end, sets);
            for (int i = 0; i < found.size(); i++) {
                var se = found.get(i);
                if (i > 0) {
                    json.raw(',');
                }
                json.raw("{\"seriesLabels\":");
                ApiJson.labels(json, se.seriesLabels());
                json.raw(",\"exemplars\":[");
                for (int k = 0; k < se.exemplars().size(); k++) {
                    var ex = se.exemplars().get(k);
                    if (k > 0) {
                        json.raw(',');
                    }
                    json.raw("{\"labels\":");
                    ApiJson.labels(json, ex.labels());
                    json.raw(",\"value\":\"");
                    ApiJson.value(json, ex.value());
                    json.raw("\",\"timestamp\":");
                    ApiJson.timestamp(json, ex.timestamp());
                    json.raw('}');
                }
                json.raw("]}");
            }
        }
        return Responses.json(HttpResponseStatus.OK, json.raw("]}").buf());
    }

    private FullHttpResponse formatQuery(ApiParams p) {
        Expr e = PromQLParser.parse(required(p, "query"), StorageRegexSupport.INSTANCE);
        return Responses.success(Json.quote(PromQLFormatter.pretty(e)));
    }

    private FullHttpResponse parseQuery(ApiParams p) {
        Expr e = PromQLParser.parse(required(p, "query"), StorageRegexSupport.INSTANCE);
        return Responses.success(AstJson.dump(e));
    }

    private String flagsJson() {
        StringBuilder sb = new StringBuilder(512).append('{');
        boolean first = true;
        for (Map.Entry<String, String> f : flags.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            Json.appendQuoted(sb, f.getKey());
            sb.append(':');
            Json.appendQuoted(sb, f.getValue());
        }
        return sb.append('}').toString();
    }
}
