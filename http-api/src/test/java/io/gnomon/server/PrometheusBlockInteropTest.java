package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.Result;
import io.gnomon.tsdb.block.Block;
import io.gnomon.tsdb.block.BlockMeta;
import io.gnomon.tsdb.block.BlockWriter;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus 2.42 started on a data directory that holds only blocks written by Gnomon answers
 * range queries as Gnomon's engine does over the same blocks: the same JSON {@code data} (series,
 * labels, timestamps, values), except that aggregated values may differ in their last bits (see
 * {@link #assertSameResult}); its raw samples ({@code x[119m]}) are exactly the ones Gnomon wrote.
 *
 * <p>Runs when prometheus is installed; fails when it is missing under {@code CI=true}.
 */
class PrometheusBlockInteropTest {

    private static final long HOUR = 3600_000L;
    /** 2023-11-14T22:00Z, a multiple of 2 h. */
    private static final long T0 = 1_699_999_200_000L;

    @TempDir
    Path tmp;

    @Test
    void prometheusOnGnomonBlocksAnswersLikeGnomon() throws Exception {
        PrometheusProcess.binary();
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("PrometheusBlockInteropTest seed=" + seed);
        Random rnd = new Random(seed);
        Head head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        for (int s = 0; s < 30; s++) {
            Labels l = Labels.of("__name__", s % 2 == 0 ? "requests_total" : "temperature", "instance", "host-" + s,
                    "job", s % 3 == 0 ? "api" : "db");
            double v = 0;
            long ref = 0;
            for (long t = T0 + rnd.nextInt(15_000); t < T0 + 4 * HOUR; t += 15_000 + rnd.nextInt(3) * 250) {
                if (s % 2 == 0) {
                    v += rnd.nextInt(50);
                    if (rnd.nextInt(200) == 0) {
                        v = 0; // a counter reset
                    }
                } else {
                    v = Math.round(rnd.nextGaussian() * 1000) / 100.0;
                }
                ref = app.append(ref, l, t, v);
            }
        }
        app.commit();
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        List<Block> blocks = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long mint = T0 + i * 2 * HOUR;
            BlockMeta m = BlockWriter.write(data, mint, mint + 2 * HOUR, List.of(new RangeHead(head, mint, mint + 2 * HOUR)),
                    BlockMeta.Compaction.head());
            blocks.add(Block.open(data.resolve(m.ulid().toString())));
        }
        String[] queries = {
            "requests_total",
            "rate(requests_total[5m])",
            "sum by (job) (rate(requests_total[10m]))",
            "max_over_time(temperature[15m])",
            "avg(temperature) by (job)",
            "histogram_quantile(0.9, sum by (le) (rate(requests_total[5m])))",
            "count(temperature > 5)",
        };
        Engine engine = new Engine();
        // Each query, lookback and range windows included, stays inside one block: merging blocks
        // is the database's job (issue 4, lifecycle), while Prometheus sees both.
        long[][] ranges = {{T0 + 10 * 60_000, T0 + 2 * HOUR - 60_000, 60_000}, {T0 + 2 * HOUR + 15 * 60_000 + 7_000, T0 + 4 * HOUR - 1, 45_000}};
        try (PrometheusProcess prom = PrometheusProcess.start(tmp, freePort(), "global:\n  scrape_interval: 1h\n")) {
            for (int r = 0; r < ranges.length; r++) {
                Block b = blocks.get(r);
                long[] rg = ranges[r];
                for (String q : queries) {
                    Result res = engine.rangeQuery(b, q, rg[0], rg[1], rg[2], QueryOptions.defaults());
                    StringBuilder ours = render(res);
                    String body = prom.get("/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8)
                            + "&start=" + sec(rg[0]) + "&end=" + sec(rg[1]) + "&step=" + sec(rg[2])).body();
                    assertTrue(body.startsWith("{\"status\":\"success\",\"data\":"), body);
                    String theirs = body.substring("{\"status\":\"success\",\"data\":".length(), body.lastIndexOf('}'));
                    assertSameResult(theirs, ours.toString(), q + " over block " + r);
                    assertTrue(ours.length() > 60 || q.startsWith("histogram_quantile"), "non-trivial result for " + q + ": " + ours);
                }
                // Raw samples: the whole block through Prometheus's range selector.
                String q = "{__name__=~\".+\"}[119m]";
                long at = b.meta().maxTime() - 1;
                Result res = engine.instantQuery(b, q, at, QueryOptions.defaults());
                StringBuilder ours = render(res);
                String body = prom.get("/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time=" + sec(at)).body();
                String theirs = body.substring("{\"status\":\"success\",\"data\":".length(), body.lastIndexOf('}'));
                assertSameResult(theirs, ours.toString(), "raw samples of block " + r);
            }
        } finally {
            for (Block b : blocks) {
                b.close();
            }
        }
    }

    /**
     * The {@code data} object Prometheus's API writes for a matrix, rendered here from the engine's
     * result (labels in order, values as Go's {@code FormatFloat(v, 'f', -1, 64)}), so the test
     * depends on the engine's result and not on the HTTP layer's writer.
     */
    private static StringBuilder render(Result res) {
        io.gnomon.promql.engine.value.Matrix m = (io.gnomon.promql.engine.value.Matrix) res.value();
        StringBuilder sb = new StringBuilder("{\"resultType\":\"matrix\",\"result\":[");
        for (int i = 0; i < m.size(); i++) {
            io.gnomon.promql.engine.value.Matrix.Series s = m.series(i);
            sb.append(i == 0 ? "" : ",").append("{\"metric\":{");
            Labels l = s.labels();
            for (int k = 0; k < l.size(); k++) {
                sb.append(k == 0 ? "" : ",").append('"').append(l.name(k)).append("\":\"").append(l.value(k)).append('"');
            }
            sb.append("},\"values\":[");
            for (int k = 0; k < s.count(); k++) {
                long t = s.t()[k];
                sb.append(k == 0 ? "" : ",").append('[').append(t / 1000);
                if (t % 1000 != 0) {
                    sb.append('.').append(String.format("%03d", t % 1000));
                }
                sb.append(",\"");
                io.gnomon.tsdb.text.GoFloat.append(sb, s.v()[k]);
                sb.append("\"]");
            }
            sb.append("]}");
        }
        return sb.append("]}");
    }

    private static final java.util.regex.Pattern POINT_VALUE = java.util.regex.Pattern.compile(",\"([^\"]+)\"\\]");

    /**
     * The same JSON, except that values may differ in their last bits: Gnomon's engine sums with
     * Kahan compensation as Prometheus 3 does, Prometheus 2.42 sums naively, so aggregations can
     * differ by an ulp or two. Series, labels, timestamps and every other value must be identical.
     */
    private static void assertSameResult(String theirs, String ours, String what) {
        theirs = normalizeTimestamps(theirs);
        ours = normalizeTimestamps(ours);
        if (theirs.equals(ours)) {
            return;
        }
        assertEquals(POINT_VALUE.matcher(theirs).replaceAll(",v]"), POINT_VALUE.matcher(ours).replaceAll(",v]"), what);
        java.util.regex.Matcher a = POINT_VALUE.matcher(theirs);
        java.util.regex.Matcher b = POINT_VALUE.matcher(ours);
        int differ = 0;
        while (a.find() && b.find()) {
            double x = Double.parseDouble(a.group(1));
            double y = Double.parseDouble(b.group(1));
            if (x != y) {
                differ++;
                assertTrue(Math.abs(x - y) <= 1e-12 * Math.max(Math.abs(x), Math.abs(y)), what + ": " + x + " vs " + y);
            }
        }
        System.out.println(what + ": " + differ + " values differ in the last bits (summation order)");
    }

    private static final java.util.regex.Pattern POINT_TIME = java.util.regex.Pattern.compile("\\[(-?[0-9]+)\\.([0-9]+),");

    /**
     * Prometheus 2.42 writes a fractional timestamp with three digits ({@code 1699999213.340}),
     * Gnomon (as Prometheus 3) without trailing zeros ({@code 1699999213.34}): the same number.
     */
    private static String normalizeTimestamps(String json) {
        return POINT_TIME.matcher(json).replaceAll(m -> {
            String frac = m.group(2).replaceAll("0+$", "");
            return "[" + m.group(1) + (frac.isEmpty() ? "" : "." + frac) + ",";
        });
    }

    private static String sec(long ms) {
        return BigDecimal.valueOf(ms).movePointLeft(3).toPlainString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
