package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Rejection;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Start timestamps in the head: stored per sample, only for series that have them. */
class HeadStartTimestampTest {

    static final Labels C = Labels.of("__name__", "c_total", "job", "st");
    static final Labels P = Labels.of("__name__", "c_total", "job", "plain");

    /** The samples of {@code l} as "t:v:st" strings. */
    static List<String> read(Head h, Labels l) {
        List<String> out = new ArrayList<>();
        try (Querier q = h.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("job", l.get("job")));
            assertTrue(ss.next());
            SampleIterator it = ss.at().iterator(null);
            while (it.next() == ValueType.FLOAT) {
                out.add(it.atT() + ":" + (long) it.atV() + ":" + it.atST());
            }
            assertNull(it.err());
        }
        return out;
    }

    static long st(long t) {
        // A cumulative start that resets every 100 samples, none for every 7th sample.
        long i = t / 1000;
        return i % 7 == 3 ? 0 : (i / 100) * 100_000 + 1;
    }

    @Test
    void startTimestampsSurviveChunkCutsAndMixWithSamplesWithout() {
        Head h = new Head(HeadOptions.defaults());
        List<String> want = new ArrayList<>();
        // The first 50 samples have none, so the first chunk's stream starts padded.
        for (long t = 0; t < 500_000; t += 1000) {
            Appender app = h.appender();
            long s = t < 50_000 ? 0 : st(t);
            app.appendWithStartTimestamp(0, C, s, t, t / 1000);
            app.append(0, P, t, t / 1000);
            assertFalse(app.commit().hasRejections());
            want.add(t + ":" + t / 1000 + ":" + s);
        }
        assertTrue(h.series.getByLabels(C).chunkCount() > 2, "several chunks");
        assertEquals(want, read(h, C));
        for (String p : read(h, P)) {
            assertTrue(p.endsWith(":0"), p);
        }
        assertEquals(0, h.series.getByLabels(P).startTimestampBytes(h.startTimestamps), "a series without start timestamps stores none");
        assertTrue(h.series.getByLabels(C).startTimestampBytes(h.startTimestamps) > 0);
    }

    @Test
    void rejectedAndRepeatedSamplesKeepTheStoredStartTimestamp() {
        Head h = new Head(HeadOptions.defaults());
        Appender a = h.appender();
        a.appendWithStartTimestamp(0, C, 500, 1000, 1);
        a.commit();
        Appender b = h.appender();
        b.appendWithStartTimestamp(0, C, 700, 1000, 1); // exact repeat: ignored
        b.appendWithStartTimestamp(0, C, 700, 1000, 2); // duplicate with another value
        b.appendWithStartTimestamp(0, C, 700, 900, 2); // out of order
        b.appendWithStartTimestamp(0, C, 1000, 2000, 3);
        AppendResult r = b.commit();
        assertEquals(1, r.samplesAppended());
        assertEquals(1, r.rejected(Rejection.DUPLICATE));
        assertEquals(1, r.rejected(Rejection.OUT_OF_ORDER));
        assertEquals(List.of("1000:1:500", "2000:3:1000"), read(h, C));
    }

    @Test
    void deleteAndTruncateKeepTheStartTimestampsOfWhatRemains() {
        Head h = new Head(HeadOptions.defaults());
        for (long t = 0; t < 400_000; t += 1000) {
            Appender app = h.appender();
            app.appendWithStartTimestamp(0, C, st(t), t, t / 1000);
            app.commit();
        }
        MemSeries s = h.series.getByLabels(C);
        synchronized (s) {
            s.deleteRange(100_000, 150_000, h.options().chunkRange(), h.startTimestamps);
        }
        List<String> want = new ArrayList<>();
        for (long t = 0; t < 400_000; t += 1000) {
            if (t < 100_000 || t > 150_000) {
                want.add(t + ":" + t / 1000 + ":" + st(t));
            }
        }
        assertEquals(want, read(h, C));
        int before = s.chunkCount();
        s.truncateBefore(300_000, h.startTimestamps);
        assertTrue(s.chunkCount() < before);
        List<String> kept = read(h, C);
        assertEquals(want.subList(want.size() - kept.size(), want.size()), kept, "the kept chunks keep their start timestamps");
        // Appends after truncation still pair up.
        Appender app = h.appender();
        app.appendWithStartTimestamp(0, C, 123, 400_000, 400);
        app.commit();
        List<String> after = read(h, C);
        assertEquals("400000:400:123", after.get(after.size() - 1));
    }

    /**
     * A series without start timestamps must not grow: MemSeries has no field for them (a
     * reference would take it from 56 to 64 bytes with compressed oops, measured from field
     * offsets); its start timestamps live in the head's StColumns map, only while it has any.
     */
    @Test
    void memSeriesHasNoStartTimestampFieldAndColumnsAreDroppedWithTheirChunks() {
        for (Field x : MemSeries.class.getDeclaredFields()) {
            if (!Modifier.isStatic(x.getModifiers())) {
                Class<?> t = x.getType();
                assertFalse(t == StColumn.class || t == StColumns.class || t == io.gnomon.tsdb.chunkenc.StStream.class
                        || t == Object.class, "MemSeries field " + x.getName() + " of type " + t.getSimpleName());
            }
        }
        Head h = new Head(HeadOptions.defaults());
        Appender app = h.appender();
        app.appendWithStartTimestamp(0, C, 5, 10, 1);
        app.append(0, P, 10, 1);
        app.commit();
        assertEquals(1, h.startTimestamps.size(), "only the series with a start timestamp has a column");
        h.truncate(1_000_000);
        assertEquals(0, h.startTimestamps.size(), "the column goes with the series' last chunk");
    }

    /** A series' samples can be read twice from one query (Series.iterator again): the STs too. */
    @Test
    void iteratingASeriesAgainRepeatsItsStartTimestamps() {
        Head h = new Head(HeadOptions.defaults());
        for (long t = 1000; t <= 300_000; t += 1000) {
            Appender app = h.appender();
            app.appendWithStartTimestamp(0, C, t - 1000, t, 1);
            app.commit();
        }
        try (Querier q = h.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("job", "st"));
            assertTrue(ss.next());
            for (int round = 0; round < 2; round++) {
                SampleIterator it = ss.at().iterator(null);
                int n = 0;
                while (it.next() == ValueType.FLOAT) {
                    assertEquals(it.atT() - 1000, it.atST(), "round " + round);
                    n++;
                }
                assertEquals(300, n);
            }
        }
    }
}
