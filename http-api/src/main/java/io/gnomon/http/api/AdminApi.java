package io.gnomon.http.api;

import io.gnomon.http.Json;
import io.gnomon.http.Responses;
import io.gnomon.http.Router;
import io.gnomon.promql.engine.Selectors;
import io.gnomon.promql.parser.ParseException;
import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.labels.Matcher;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The TSDB admin endpoints and the TSDB status page, answering as Prometheus does:
 * <ul>
 *   <li>{@code POST|PUT /api/v1/admin/tsdb/delete_series} ({@code match[]} required, {@code start},
 *       {@code end} optional): 204 No Content. Blocks get tombstones, the head deletes eagerly.</li>
 *   <li>{@code POST|PUT /api/v1/admin/tsdb/clean_tombstones}: 204; blocks with tombstones are
 *       rewritten without the deleted data.</li>
 *   <li>{@code POST|PUT /api/v1/admin/tsdb/snapshot} ({@code skip_head} optional boolean):
 *       {@code {"name": "<UTC time>-<16 hex>"}}, hard links under {@code <data>/snapshots/}.</li>
 *   <li>Without {@code --web.enable-admin-api} all three answer 500 (as Prometheus 2.42 does)
 *       {@code {"status":"error","errorType":"unavailable","error":"admin APIs disabled"}}.</li>
 *   <li>{@code GET /api/v1/status/tsdb} ({@code limit}, default 10): head statistics and the
 *       top-{@code limit} cardinality lists.</li>
 * </ul>
 * Bad parameters are 400 {@code bad_data} naming the parameter; storage not yet open is 503.
 */
public final class AdminApi {

    private static final Logger LOG = Logger.getLogger(AdminApi.class.getName());

    private final Supplier<Db> db;
    private final boolean enabled;

    public AdminApi(Supplier<Db> db, boolean enabled) {
        this.db = db;
        this.enabled = enabled;
    }

    /** Adds the routes; all run on the worker pool. */
    public void register(Router r) {
        Set<HttpMethod> postPut = Set.of(HttpMethod.POST, HttpMethod.PUT);
        r.add("/api/v1/admin/tsdb/delete_series", postPut, false, req -> admin(() -> deleteSeries(ApiParams.of(req))));
        r.add("/api/v1/admin/tsdb/clean_tombstones", postPut, false, req -> admin(this::cleanTombstones));
        r.add("/api/v1/admin/tsdb/snapshot", postPut, false, req -> admin(() -> snapshot(ApiParams.of(req))));
        r.read("/api/v1/status/tsdb", false, req -> guard(() -> tsdbStatus(ApiParams.of(req))));
    }

    private interface Call {
        FullHttpResponse run() throws IOException;
    }

    private FullHttpResponse admin(Call c) {
        if (!enabled) {
            // Prometheus 2.42 answers this with status 500 (checked against the real binary).
            return Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "unavailable", "admin APIs disabled");
        }
        return guard(c);
    }

    private static FullHttpResponse guard(Call c) {
        try {
            return c.run();
        } catch (QueryApi.Unavailable e) {
            return Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable", e.getMessage());
        } catch (ApiParams.BadParam | ParseException | io.gnomon.promql.engine.QueryException e) {
            return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "admin request failed", e);
            return Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal", String.valueOf(e.getMessage()));
        }
    }

    private static FullHttpResponse noContent() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
    }

    private FullHttpResponse deleteSeries(ApiParams p) throws IOException {
        List<String> ms = p.all("match[]");
        if (ms.isEmpty()) {
            throw new ApiParams.BadParam("no match[] parameter provided");
        }
        long start = p.time("start", Long.MIN_VALUE);
        long end = p.time("end", Long.MAX_VALUE);
        if (end < start) {
            throw new ApiParams.BadParam("invalid parameter \"end\": end timestamp must not be before start time");
        }
        List<Matcher[]> sets = new ArrayList<>();
        for (String m : ms) {
            sets.add(Selectors.parseMatchers(m));
        }
        Db d = db.get();
        for (Matcher[] set : sets) {
            d.delete(start, end, set);
        }
        return noContent();
    }

    private FullHttpResponse cleanTombstones() throws IOException {
        db.get().cleanTombstones();
        return noContent();
    }

    private FullHttpResponse snapshot(ApiParams p) throws IOException {
        boolean skipHead = false;
        String s = p.get("skip_head");
        if (s != null && !s.isEmpty()) {
            skipHead = parseBool(s);
        }
        String name = db.get().snapshot(skipHead);
        return Responses.success("{\"name\":" + Json.quote(name) + "}");
    }

    /** Go's strconv.ParseBool, which Prometheus uses for {@code skip_head}. */
    static boolean parseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new ApiParams.BadParam("unable to parse boolean 'skip_head' argument: strconv.ParseBool: parsing "
                + Json.quote(s) + ": invalid syntax");
        };
    }

    private record Stat(String name, long value) {
    }

    /** Keeps the {@code limit} largest values (ties by name), returned largest first. */
    private static final class TopN {
        private final int limit;
        private final PriorityQueue<Stat> heap;

        TopN(int limit) {
            this.limit = limit;
            this.heap = new PriorityQueue<>(Comparator.comparingLong(Stat::value).thenComparing(Stat::name, Comparator.reverseOrder()));
        }

        void add(String name, long value) {
            if (heap.size() < limit) {
                heap.add(new Stat(name, value));
            } else if (value > heap.peek().value()) {
                heap.poll();
                heap.add(new Stat(name, value));
            }
        }

        void json(StringBuilder sb) {
            List<Stat> out = new ArrayList<>(heap);
            out.sort(Comparator.comparingLong(Stat::value).reversed().thenComparing(Stat::name));
            sb.append('[');
            for (int i = 0; i < out.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"name\":");
                Json.appendQuoted(sb, out.get(i).name());
                sb.append(",\"value\":").append(out.get(i).value()).append('}');
            }
            sb.append(']');
        }
    }

    private FullHttpResponse tsdbStatus(ApiParams p) {
        int limit = 10;
        String l = p.get("limit");
        if (l != null && !l.isEmpty()) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = 0;
            }
            if (limit < 1) {
                throw new ApiParams.BadParam("limit must be a positive number");
            }
        }
        Head head = db.get().head();
        TopN byMetric = new TopN(limit);
        TopN valuesByName = new TopN(limit);
        TopN memoryByName = new TopN(limit);
        TopN byPair = new TopN(limit);
        Map<String, long[]> perName = new HashMap<>(); // name -> {distinct values, bytes}
        long[] pairs = new long[1];
        head.postings().forEachPair((name, value, series) -> {
            if (name.isEmpty()) {
                return;
            }
            pairs[0]++;
            if (name.equals("__name__")) {
                byMetric.add(value, series);
            }
            byPair.add(name + "=" + value, series);
            long[] agg = perName.computeIfAbsent(name, k -> new long[2]);
            agg[0]++;
            agg[1] += (long) value.length() * series;
        });
        for (Map.Entry<String, long[]> e : perName.entrySet()) {
            valuesByName.add(e.getKey(), e.getValue()[0]);
            memoryByName.add(e.getKey(), e.getValue()[1]);
        }
        long mint = head.minTime();
        long maxt = head.maxTime();
        StringBuilder sb = new StringBuilder(1024).append("{\"headStats\":{\"numSeries\":").append(head.numSeries())
            .append(",\"numLabelPairs\":").append(pairs[0])
            .append(",\"chunkCount\":").append(head.numChunks())
            .append(",\"minTime\":").append(mint == Long.MAX_VALUE ? maxt == Long.MIN_VALUE ? 0 : maxt : mint)
            .append(",\"maxTime\":").append(maxt == Long.MIN_VALUE ? 0 : maxt)
            .append("},\"seriesCountByMetricName\":");
        byMetric.json(sb);
        sb.append(",\"labelValueCountByLabelName\":");
        valuesByName.json(sb);
        sb.append(",\"memoryInBytesByLabelName\":");
        memoryByName.json(sb);
        sb.append(",\"seriesCountByLabelValuePair\":");
        byPair.json(sb);
        return Responses.success(sb.append('}').toString());
    }
}
