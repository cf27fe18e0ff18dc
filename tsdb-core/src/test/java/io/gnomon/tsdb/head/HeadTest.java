package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Rejection;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class HeadTest {

    static final Labels A = Labels.of("__name__", "m", "job", "a");
    static final Labels B = Labels.of("__name__", "m", "job", "b");

    static Head head() {
        return new Head(HeadOptions.defaults());
    }

    /** All samples of the series matching, as labels -> [t0, v0bits, t1, v1bits, ...]. */
    static Map<Labels, List<long[]>> read(Querier q, Matcher... ms) {
        Map<Labels, List<long[]>> out = new TreeMap<>();
        SeriesSet ss = q.select(true, SelectHints.NONE, ms);
        while (ss.next()) {
            Series s = ss.at();
            List<long[]> samples = new ArrayList<>();
            SampleIterator it = s.iterator(null);
            while (it.next() == ValueType.FLOAT) {
                samples.add(new long[] {it.atT(), Double.doubleToRawLongBits(it.atV())});
            }
            assertNull(it.err());
            out.put(s.labels(), samples);
        }
        return out;
    }

    @Test
    void appendCommitQuery() {
        Head h = head();
        Appender app = h.appender();
        long ra = app.append(0, A, 1000, 1.5);
        long rb = app.append(0, B, 1000, 2.5);
        assertTrue(ra > 0 && rb > 0 && ra != rb);
        assertEquals(ra, app.append(ra, A, 2000, 3.0));
        // Nothing is visible before commit.
        // Series already exist (created at append) but have no samples yet, so none is returned.
        assertTrue(read(h.querier(0, 10_000), Matcher.eq("__name__", "m")).isEmpty());
        AppendResult res = app.commit();
        assertEquals(3, res.samplesAppended());
        assertFalse(res.hasRejections());
        Map<Labels, List<long[]>> got = read(h.querier(0, 10_000), Matcher.eq("__name__", "m"));
        assertEquals(2, got.size());
        assertEquals(2, got.get(A).size());
        assertEquals(2000, got.get(A).get(1)[0]);
        assertEquals(Double.doubleToRawLongBits(3.0), got.get(A).get(1)[1]);
        assertEquals(1000, h.minTime());
        assertEquals(2000, h.maxTime());
        assertEquals(2, h.numSeries());
    }

    @Test
    void outOfOrderDuplicateAndRepeat() {
        Head h = head();
        Appender app = h.appender();
        app.append(0, A, 1000, 1);
        app.commit();
        app = h.appender();
        app.append(0, A, 999, 1);      // out of order
        app.append(0, A, 1000, 2);     // duplicate timestamp, different value
        app.append(0, A, 1000, 1);     // exact repeat: ignored, no error
        app.append(0, A, 1001, 5);
        AppendResult r = app.commit();
        assertEquals(1, r.samplesAppended());
        assertEquals(1, r.rejected(Rejection.OUT_OF_ORDER));
        assertEquals(1, r.rejected(Rejection.DUPLICATE));
        assertEquals(Rejection.OUT_OF_ORDER, r.firstRejection());
        assertEquals(A, r.firstRejectedLabels());
        assertTrue(r.describe().startsWith("out of order sample for series {__name__=\"m\", job=\"a\"} (timestamp 999); rejected: "), r.describe());
        assertEquals(1, h.rejectedTotal(Rejection.OUT_OF_ORDER));
    }

    @Test
    void outOfOrderWithinOneBatchIsCaughtAtCommit() {
        Head h = head();
        Appender app = h.appender();
        app.append(0, A, 2000, 1);
        app.append(0, A, 1000, 1);
        AppendResult r = app.commit();
        assertEquals(1, r.samplesAppended());
        assertEquals(1, r.rejected(Rejection.OUT_OF_ORDER));
    }

    @Test
    void staleMarkerIsStoredBitExact() {
        Head h = head();
        Appender app = h.appender();
        app.append(0, A, 1000, 7);
        app.append(0, A, 2000, StaleNaN.VALUE);
        app.append(0, A, 3000, Double.NaN);
        app.commit();
        List<long[]> s = read(h.querier(0, 5000), Matcher.eq("job", "a")).get(A);
        assertEquals(3, s.size());
        assertEquals(StaleNaN.BITS, s.get(1)[1]);
        assertEquals(Double.doubleToRawLongBits(Double.NaN), s.get(2)[1]);
    }

    @Test
    void rangeClippingAndSeek() {
        Head h = head();
        Appender app = h.appender();
        for (int i = 0; i < 1000; i++) {
            app.append(0, A, i * 1000L, i);
        }
        app.commit();
        List<long[]> s = read(h.querier(100_500, 200_000), Matcher.eq("job", "a")).get(A);
        assertEquals(100, s.size());
        assertEquals(101_000, s.get(0)[0]);
        assertEquals(200_000, s.get(99)[0]);
        SeriesSet ss = h.querier(0, Long.MAX_VALUE).select(false, SelectHints.NONE, Matcher.eq("job", "a"));
        assertTrue(ss.next());
        SampleIterator it = ss.at().iterator(null);
        assertEquals(ValueType.FLOAT, it.seek(500_500));
        assertEquals(501_000, it.atT());
        assertEquals(ValueType.FLOAT, it.seek(10)); // never backwards
        assertEquals(501_000, it.atT());
        assertEquals(ValueType.FLOAT, it.next());
        assertEquals(502_000, it.atT());
        assertEquals(ValueType.NONE, it.seek(2_000_000));
        assertEquals(ValueType.NONE, it.next());
        // A range with no samples of the series yields no series.
        assertTrue(read(h.querier(2_000_000, 3_000_000), Matcher.eq("job", "a")).isEmpty());
    }

    @Test
    void chunksAreCutAt120SamplesForRegularData() {
        Head h = head();
        long ref = 0;
        for (int i = 0; i < 1200; i++) {
            Appender app = h.appender();
            ref = app.append(ref, A, 1_000_000L + i * 15_000L, i);
            app.commit();
        }
        MemSeries s = h.series.getByRef(ref);
        // 1200 samples at 15s: Prometheus cuts at ~120 samples and at 2h boundaries.
        int chunks = s.chunkCount();
        assertTrue(chunks >= 10 && chunks <= 12, "chunks=" + chunks);
        assertEquals(1200, read(h.querier(0, Long.MAX_VALUE), Matcher.eq("job", "a")).get(A).size());
    }

    @Test
    void chunkEndTimePrediction() {
        // A quarter-full chunk (30 samples at 15s from 0) in a 2h range: 120 samples fit in 30m,
        // so the range is split into four chunks and this one ends at 30m.
        long end = MemSeries.computeChunkEndTime(0, 29 * 15_000L, 7_200_000L, 4);
        assertEquals(1_800_000L, end);
        assertEquals(7_200_000L, MemSeries.rangeEnd(0, 7_200_000L));
        assertEquals(0L, MemSeries.rangeEnd(-1, 7_200_000L));
    }

    @Test
    void cachedRefsAndInvalidRef() {
        Head h = head();
        Appender app = h.appender();
        long ref = app.append(0, A, 1, 1);
        app.commit();
        app = h.appender();
        assertEquals(ref, app.append(ref, null, 2, 2));
        long other = app.append(987654, B, 2, 2); // unknown ref falls back to labels
        assertTrue(other > 0 && other != ref);
        assertEquals(0, app.append(0, Labels.EMPTY, 3, 3));
        AppendResult r = app.commit();
        assertEquals(2, r.samplesAppended());
        assertEquals(1, r.rejected(Rejection.EMPTY_LABELS));
    }

    @Test
    void rollbackDiscards() {
        Head h = head();
        Appender app = h.appender();
        app.append(0, A, 1, 1);
        app.rollback();
        assertThrows(IllegalStateException.class, () -> app.append(0, A, 2, 2));
        assertTrue(read(h.querier(0, 10), Matcher.eq("job", "a")).isEmpty());
    }

    @Test
    void labelNamesAndValuesWithMatchers() {
        Head h = head();
        Appender app = h.appender();
        app.append(0, A, 1000, 1);
        app.append(0, B, 1000, 1);
        app.append(0, Labels.of("__name__", "other", "job", "c", "zone", "z1"), 5000, 1);
        app.commit();
        Querier q = h.querier(0, 10_000);
        assertEquals(List.of("__name__", "job", "zone"), q.labelNames());
        assertEquals(List.of("a", "b", "c"), q.labelValues("job"));
        assertEquals(List.of("a", "b"), q.labelValues("job", Matcher.eq("__name__", "m")));
        assertEquals(List.of("__name__", "job"), q.labelNames(Matcher.eq("__name__", "m")));
        assertEquals(List.of("c"), q.labelValues("job", Matcher.create(MatchType.RE, "zone", "z.*")));
        // Time range applies: only "other" has samples after 2s.
        assertEquals(List.of("c"), h.querier(2000, 10_000).labelValues("job"));
    }

    @Test
    void selectWithNegativeAndRegexMatchers() {
        Head h = head();
        Appender app = h.appender();
        for (int i = 0; i < 50; i++) {
            app.append(0, Labels.of("__name__", "m", "i", Integer.toString(i), "even", i % 2 == 0 ? "y" : ""), 1000, i);
        }
        app.commit();
        Querier q = h.querier(0, 2000);
        assertEquals(25, read(q, Matcher.eq("__name__", "m"), Matcher.eq("even", "y")).size());
        assertEquals(25, read(q, Matcher.eq("__name__", "m"), Matcher.eq("even", "")).size());
        assertEquals(25, read(q, Matcher.eq("__name__", "m"), Matcher.create(MatchType.NEQ, "even", "y")).size());
        assertEquals(12, read(q, Matcher.eq("__name__", "m"), Matcher.create(MatchType.RE, "i", "1.*|2")).size()); // 1, 10..19, 2
        assertEquals(38, read(q, Matcher.eq("__name__", "m"), Matcher.create(MatchType.NRE, "i", "1.*|2")).size());
    }

    @Test
    void exemplarsAndMetadata() {
        Head h = new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 3));
        Appender app = h.appender();
        long ref = app.append(0, A, 1000, 1);
        app.appendExemplar(ref, A, new Exemplar(Labels.of("trace_id", "t1"), 0.5, 1000, true));
        app.appendExemplar(ref, A, new Exemplar(Labels.of("trace_id", "t1"), 0.5, 1000, true)); // duplicate
        app.appendExemplar(ref, A, new Exemplar(Labels.of("trace_id", "t0"), 0.5, 900, true));  // out of order vs committed? not yet
        app.updateMetadata(ref, A, new Metadata("counter", "", "help text"));
        AppendResult r = app.commit();
        assertEquals(1, r.exemplarsAppended());
        assertEquals(2, r.exemplarsRejected());
        assertEquals("counter", h.metadata().get("m").type());
        var sel = h.exemplars().select(0, 2000, List.<Matcher[]>of(new Matcher[] {Matcher.eq("job", "a")}));
        assertEquals(1, sel.size());
        assertEquals(A, sel.get(0).seriesLabels());
        assertArrayEquals(new Object[] {Labels.of("trace_id", "t1")}, sel.get(0).exemplars().stream().map(Exemplar::labels).toArray());
    }

    /**
     * An ended batch hands its arrays to the head for the next appender, without references to
     * series (the pool must not keep collected series alive), and the next batch sees none of the
     * previous batch's entries.
     */
    @Test
    void batchArraysAreReusedWithoutTheirSeries() {
        Head h = new Head(HeadOptions.defaults());
        Appender a = h.appender();
        for (int i = 0; i < 300; i++) {
            a.append(0, Labels.of("__name__", "m", "i", Integer.toString(i)), 1000, i);
        }
        assertEquals(300, a.commit().samplesAppended());
        HeadAppender.BatchArrays pooled = h.batchArrays.take();
        assertTrue(pooled != null && pooled.series().length >= 300, "the grown arrays are pooled");
        for (MemSeries s : pooled.series()) {
            assertNull(s, "no series kept by the pool");
        }
        h.batchArrays.give(pooled);
        Appender b = h.appender(); // takes the pooled arrays
        b.append(0, Labels.of("__name__", "m", "i", "7"), 2000, 70);
        AppendResult r = b.commit();
        assertEquals(1, r.samplesAppended());
        assertFalse(r.hasRejections(), r.describe());
        Appender c = h.appender();
        c.append(0, Labels.of("__name__", "m", "i", "8"), 2000, 80);
        c.rollback(); // a rolled-back batch gives its arrays back too
        assertTrue(h.batchArrays.take() != null);
        assertEquals(301, h.samplesAppended.sum());
    }
}
