package io.gnomon.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Shared fixtures of the block tests. */
final class BlockTestUtil {

    static final long HOUR = 3600_000L;
    /** A multiple of 2 h. */
    static final long T0 = 1_699_999_200_000L;

    /**
     * The NaN that Go's {@code math.NaN()} and {@code strconv.ParseFloat("NaN")} return
     * (0x7FF8000000000001), so samples that go through OpenMetrics text keep their bits.
     */
    static final double GO_NAN = Double.longBitsToDouble(0x7FF8000000000001L);

    private BlockTestUtil() {
    }

    /** Set with {@code -Dgnomon.test.seed=N} to replay a failure. */
    static long seed(String test) {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println(test + " seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        return seed;
    }

    /** Sample lists as [t, bits(v)] pairs by series, in label order. */
    static Map<Labels, List<long[]>> read(Querier q, Matcher... ms) {
        Map<Labels, List<long[]>> out = new LinkedHashMap<>();
        SeriesSet ss = q.select(true, SelectHints.NONE, ms);
        Labels prev = null;
        while (ss.next()) {
            Series s = ss.at();
            if (prev != null && prev.compareTo(s.labels()) >= 0) {
                throw new AssertionError("series out of order: " + prev + " then " + s.labels());
            }
            prev = s.labels();
            List<long[]> samples = new ArrayList<>();
            SampleIterator it = s.iterator(null);
            while (it.next() == ValueType.FLOAT) {
                samples.add(new long[] {it.atT(), Double.doubleToRawLongBits(it.atV())});
            }
            assertNull(it.err(), () -> "iterator error: " + it.err());
            for (int batch : new int[] {1, 5, 64}) {
                assertEquals(render(Map.of(s.labels(), samples)), render(Map.of(s.labels(), readBatches(s, batch))),
                        "nextFloats in batches of " + batch + " returns what next() does");
            }
            if (!samples.isEmpty()) {
                out.put(s.labels(), samples);
            }
        }
        assertNull(ss.err(), () -> "series set error: " + ss.err());
        return out;
    }

    /** The samples of {@code s} through {@link SampleIterator#nextFloats}, every third call a next(). */
    static List<long[]> readBatches(Series s, int batch) {
        List<long[]> out = new ArrayList<>();
        SampleIterator it = s.iterator(null);
        long[] ts = new long[batch + 1];
        double[] vs = new double[batch + 1];
        for (int call = 0;; call++) {
            if (call % 3 == 2) {
                if (it.next() != ValueType.FLOAT) {
                    break;
                }
                out.add(new long[] {it.atT(), Double.doubleToRawLongBits(it.atV())});
                continue;
            }
            int n = it.nextFloats(ts, vs, 1, batch);
            if (n == 0) {
                break;
            }
            for (int i = 1; i <= n; i++) {
                out.add(new long[] {ts[i], Double.doubleToRawLongBits(vs[i])});
            }
            assertEquals(ts[n], it.atT(), "on the last sample read");
        }
        assertNull(it.err(), () -> "iterator error: " + it.err());
        return out;
    }

    /** Renders a read result for assertEquals with a readable diff. */
    static String render(Map<Labels, List<long[]>> m) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<Labels, List<long[]>> e : m.entrySet()) {
            sb.append(e.getKey()).append(" (").append(e.getValue().size()).append(")\n");
            for (long[] s : e.getValue()) {
                sb.append("  ").append(s[0]).append(' ').append(Double.longBitsToDouble(s[1])).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * A head with {@code series} series of scrape-like samples every {@code step} ms over
     * {@code [from, to)}: counters, gauges, constants, some NaN/stale values and jitter.
     */
    static Head randomHead(Random rnd, int series, long from, long to, long step) {
        Head h = new Head(HeadOptions.defaults());
        Appender app = h.appender();
        for (int s = 0; s < series; s++) {
            Labels l = Labels.of("__name__", "metric_" + (s % 7), "instance", "host-" + s, "job", s % 3 == 0 ? "node" : "app",
                    "zone", "z" + (s % 4));
            double v = 0;
            long ref = 0;
            for (long t = from + rnd.nextInt((int) Math.min(step, 1000)); t < to; t += step + (s % 5 == 4 ? rnd.nextInt(500) : 0)) {
                switch (s % 4) {
                    case 0 -> v += rnd.nextInt(100);
                    case 1 -> v = rnd.nextGaussian() * 1000;
                    case 2 -> v = 42;
                    default -> v = rnd.nextInt(20) == 0 ? GO_NAN : rnd.nextInt(10);
                }
                ref = app.append(ref, l, t, v);
            }
        }
        app.commit();
        return h;
    }
}
