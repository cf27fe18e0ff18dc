package io.gnomon.promql.engine.promqltest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The script format rules of FORMAT.md that are easy to get wrong. */
class PromqlTestScriptTest {
    private static List<Double> values(String s) {
        List<Double> out = new ArrayList<>();
        PromqlTestScript.values(s, out);
        return out;
    }

    @Test
    void expansions() {
        assertEquals(Arrays.asList(1.0, 2.0, 3.0, 4.0), values("1+1x3"));
        assertEquals(Arrays.asList(-2.0, 2.0, 6.0, 10.0), values("-2+4x3"));
        assertEquals(Arrays.asList(5.0, 4.0, 3.0), values("5-1x2"));
        assertEquals(11, values("0x10").size(), "axN is N+1 copies, not hexadecimal");
        assertEquals(Arrays.asList(null, null), values("_x2"), "_xN is N empty slots");
        assertEquals(Arrays.asList(1.0, null, 3.0), values("1 _ 3"));
        assertTrue(StaleNaN.is(values("stale").get(0)));
        assertEquals(Double.NEGATIVE_INFINITY, values("-Inf").get(0));
        assertTrue(Double.isNaN(values("nan").get(0)));
    }

    @Test
    void startTimestampItems() {
        assertEquals(Arrays.asList(null, null, -30_000L, -90_000L, -150_000L, -60_000L),
                PromqlTestScript.startOffsets("_ _ -30s-1mx2 -1m"));
        assertEquals(Arrays.asList(0L, 1L, 60_000L, -59_999L, -59_999L), PromqlTestScript.startOffsets("-0ms 1ms +1m -59999msx1"));
        assertEquals(Arrays.asList(0L, -60_000L, null, null, null), PromqlTestScript.startOffsets("0-1mx1 _x3"));
        assertEquals(Arrays.asList(-120_000L, -180_000L), PromqlTestScript.startOffsets("-120s-1mx1"));
        assertEquals(Arrays.asList(1L, 60_001L), PromqlTestScript.startOffsets("1ms+1mx1"));
    }

    @Test
    void startTimestampLinesPairWithTheNextSeries() {
        PromqlTestScript s = PromqlTestScript.parse("t", "load 1m\n  m@st _ -1m 0\n  m _ 5 6\n  n 1\n");
        PromqlTestScript.Load l = (PromqlTestScript.Load) s.commands.get(0);
        List<double[]> m = l.series().get(Labels.of("__name__", "m"));
        assertEquals(2, m.size());
        assertEquals(3, m.get(0).length);
        assertEquals(0.0, m.get(0)[2], "sample at 1m with ST 1m earlier");
        assertEquals(120_000.0, m.get(1)[2]);
        assertEquals(2, l.series().get(Labels.of("__name__", "n")).get(0).length, "a series without @st line has no ST");
        assertThrows(IllegalArgumentException.class, () -> PromqlTestScript.parse("t", "load 1m\n  m@st 0\n  m 1 2\n"));
        assertThrows(IllegalArgumentException.class, () -> PromqlTestScript.parse("t", "load 1m\n  m@st 0\n  n 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PromqlTestScript.parse("t", "load 1m\n  m@st 0\n  m@st 0\n  m 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PromqlTestScript.parse("t", "load 1m\n  m@st 0\n"));
    }

    @Test
    void repeatedAdditionAccumulatesRoundingAsUpstream() {
        List<Double> v = values("0+0.1x3");
        double x = 0;
        for (int i = 0; i < 3; i++) {
            x += 0.1;
        }
        assertEquals(x, v.get(3));
    }

    @Test
    void scalarLines() {
        assertEquals(16.0, PromqlTestScript.parseScalar("0x10"));
        assertEquals(Double.POSITIVE_INFINITY, PromqlTestScript.parseScalar("+Inf"));
        assertEquals(-1.5e3, PromqlTestScript.parseScalar("-1.5e3"));
        assertNull(PromqlTestScript.parseScalar("{} 5"));
        assertNull(PromqlTestScript.parseScalar("metric"));
    }

    @Test
    void seriesSplitRespectsQuotesAndBraces() {
        String[] sv = PromqlTestScript.splitSeries("m{job=\"a b\", x=\"{c, d}\"}\t1 2");
        assertEquals("m{job=\"a b\", x=\"{c, d}\"}", sv[0]);
        assertEquals("1 2", sv[1]);
        assertEquals(Labels.of("__name__", "m", "job", "a b", "x", "{c, d}"), PromqlTestScript.labels(sv[0]));
        assertEquals(Labels.EMPTY, PromqlTestScript.labels("{}"));
    }

    @Test
    void durations() {
        assertEquals(90_000, PromqlTestScript.duration("1m30s"));
        assertEquals(20_500, PromqlTestScript.duration("20s500ms"));
        assertEquals(0, PromqlTestScript.duration("0"));
        assertThrows(IllegalArgumentException.class, () -> PromqlTestScript.duration("5"));
    }

    @Test
    void evalBlocksAndExpectations() {
        PromqlTestScript s = PromqlTestScript.parse("t", """
                load 1m
                  m{a="1"} 1 2
                  m{a="1"} 3

                eval range from 0 to 2m step 1m m
                  expect warn regex: x \\(1:1\\)
                  m{a="1"} 3 _

                eval instant at 1m sum(m)
                  3
                """);
        assertEquals(3, s.commands.size());
        PromqlTestScript.Load l = (PromqlTestScript.Load) s.commands.get(0);
        assertEquals(1, l.series().get(Labels.of("__name__", "m", "a", "1")).size(), "a later line replaces an earlier one");
        PromqlTestScript.Eval e = (PromqlTestScript.Eval) s.commands.get(1);
        assertTrue(e.range());
        assertEquals(120_000, e.end());
        assertEquals("x \\(1:1\\)", e.of("warn").get(0).regex());
        assertFalse(e.expectFail());
    }
}
