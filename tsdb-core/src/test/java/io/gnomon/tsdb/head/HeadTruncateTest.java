package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Rejection;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link Head#truncate}: chunks before mint go, empty series are collected, live ones keep their refs. */
class HeadTruncateTest {

    static final long RANGE = HeadOptions.DEFAULT_CHUNK_RANGE;

    static Labels series(String job, int i) {
        return Labels.of("__name__", "m_" + job, "job", job, "i", Integer.toString(i));
    }

    /** Appends one sample per {@code step} ms in [from, to) to each series. */
    static void fill(Head h, List<Labels> ls, long from, long to, long step) {
        for (long t = from; t < to; t += step) {
            Appender app = h.appender();
            for (Labels l : ls) {
                app.append(0, l, t, t / 1000.0);
            }
            AppendResult r = app.commit();
            assertFalse(r.hasRejections(), r.describe());
        }
    }

    static List<Labels> many(String job, int n) {
        List<Labels> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(series(job, i));
        }
        return out;
    }

    @Test
    void dropsOldChunksAndKeepsEverythingAtOrAfterMint() {
        Head h = new Head(HeadOptions.defaults());
        List<Labels> live = many("live", 10);
        fill(h, live, 0, 3 * RANGE, 15_000);
        long mint = RANGE;
        Head.TruncateStats st = h.truncate(mint);
        assertTrue(st.chunksRemoved() > 0, st.toString());
        assertEquals(0, st.seriesRemoved());
        Map<Labels, List<long[]>> got = HeadTest.read(h.querier(Long.MIN_VALUE, Long.MAX_VALUE), Matcher.eq("job", "live"));
        assertEquals(10, got.size());
        for (List<long[]> samples : got.values()) {
            // Chunks never span a range boundary, so the head starts exactly at mint.
            assertEquals(mint, samples.get(0)[0]);
            assertEquals(3 * RANGE - 15_000, samples.get(samples.size() - 1)[0]);
            assertEquals((3 * RANGE - mint) / 15_000, samples.size());
        }
        assertEquals(mint, h.minTime());
    }

    @Test
    void collectsEmptySeriesAndKeepsRefsOfLiveOnes() {
        Head h = new Head(HeadOptions.defaults());
        List<Labels> old = many("old", 100);
        List<Labels> live = many("live", 100);
        fill(h, old, 0, RANGE, 60_000);
        fill(h, live, 0, 2 * RANGE, 60_000);
        Appender md = h.appender();
        md.updateMetadata(0, old.get(0), new Metadata("gauge", "", "old help"));
        md.commit();
        assertTrue(h.metadata().containsKey("m_old"));
        long liveRef = h.series.getByLabels(live.get(5)).ref();
        long oldRef = h.series.getByLabels(old.get(5)).ref();

        Head.TruncateStats st = h.truncate(RANGE);
        assertEquals(100, st.seriesRemoved());
        assertEquals(100, h.numSeries());
        assertNull(h.series.getByRef(oldRef));
        assertNull(h.series.getByLabels(old.get(5)));
        assertEquals(liveRef, h.series.getByLabels(live.get(5)).ref());
        assertFalse(h.postings.labelValues("job").contains("old"));
        assertFalse(h.postings.labelValues("__name__").contains("m_old"));
        assertFalse(h.metadata().containsKey("m_old"), "metadata of a vanished metric dropped");
        assertTrue(h.querier(Long.MIN_VALUE, Long.MAX_VALUE).labelValues("job").contains("live"));

        // The cached ref of a live series still appends to that series.
        Appender app = h.appender();
        assertEquals(liveRef, app.append(liveRef, live.get(5), 2 * RANGE, 1));
        app.commit();
        // A collected series comes back under a new ref.
        app = h.appender();
        long again = app.append(oldRef, old.get(5), 2 * RANGE, 1);
        assertNotEquals(oldRef, again);
        app.commit();
        assertEquals(1, HeadTest.read(h.querier(Long.MIN_VALUE, Long.MAX_VALUE), Matcher.eq("job", "old")).size());
    }

    @Test
    void samplesBeforeMintAreRefusedAfterTruncation() {
        Head h = new Head(HeadOptions.defaults());
        List<Labels> ls = many("a", 1);
        fill(h, ls, 0, RANGE, 60_000);
        h.truncate(RANGE);
        Appender app = h.appender();
        app.append(0, series("b", 0), RANGE - 1, 1);
        AppendResult r = app.commit();
        assertEquals(1, r.rejected(Rejection.TOO_OLD));
    }

    @Test
    void anAppenderHoldingACollectedSeriesCommitsIntoItsSuccessor() {
        Head h = new Head(HeadOptions.defaults());
        Labels l = series("x", 1);
        fill(h, List.of(l), 0, RANGE, 60_000);
        Appender app = h.appender();
        long ref = app.append(0, l, 2 * RANGE, 42); // resolved before the collection
        h.truncate(RANGE);
        assertNull(h.series.getByRef(ref), "collected: the batch is not committed yet");
        AppendResult r = app.commit();
        assertFalse(r.hasRejections(), r.describe());
        Map<Labels, List<long[]>> got = HeadTest.read(h.querier(Long.MIN_VALUE, Long.MAX_VALUE), Matcher.eq("job", "x"));
        assertEquals(1, got.get(l).size());
        assertEquals(2 * RANGE, got.get(l).get(0)[0]);
        assertEquals(1, h.numSeries());
    }

    @Test
    void memoryOfCollectedSeriesIsReleased() throws Exception {
        Head h = new Head(HeadOptions.defaults());
        int n = 20_000;
        List<Labels> old = many("old", n);
        fill(h, old, 0, 30 * 60_000, 60_000);
        fill(h, many("live", 10), RANGE, RANGE + 60_000, 60_000);
        List<WeakReference<Object>> refs = new ArrayList<>();
        for (int i = 0; i < n; i += 1000) {
            refs.add(new WeakReference<>(h.series.getByLabels(old.get(i))));
        }
        int pagesBefore = h.allocatedSeriesPages();
        long postingsBefore = h.postings.estimatedBytes();
        old = null;
        h.truncate(RANGE);
        assertEquals(10, h.numSeries());
        assertTrue(h.allocatedSeriesPages() < pagesBefore, "emptied ref pages are freed: " + pagesBefore + " -> " + h.allocatedSeriesPages());
        assertTrue(h.postings.estimatedBytes() < postingsBefore / 10, "postings shrink: " + postingsBefore + " -> " + h.postings.estimatedBytes());
        for (int attempt = 0; attempt < 50 && refs.stream().anyMatch(r -> r.get() != null); attempt++) {
            System.gc();
            Thread.sleep(20);
        }
        for (WeakReference<Object> r : refs) {
            assertNull(r.get(), "a collected series is unreachable");
        }
    }

    /**
     * Appenders keep committing (fresh series and cached refs) while the head is truncated again
     * and again: every committed sample at or after the last mint stays readable exactly once.
     */
    @Test
    void concurrentAppendsDuringTruncationLoseNothing() throws Exception {
        Head h = new Head(HeadOptions.defaults());
        int threads = 2;
        int perThread = 200;
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLongArray now = new java.util.concurrent.atomic.AtomicLongArray(threads);
        long[][] lastCommitted = new long[threads][perThread];
        Thread[] ts = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int th = 0; th < threads; th++) {
            int thread = th;
            ts[th] = new Thread(() -> {
                try {
                    long[] refs = new long[perThread];
                    long t = RANGE;
                    while (!stop.get()) {
                        t += 1000;
                        Appender app = h.appender();
                        for (int s = 0; s < perThread; s++) {
                            // Series of odd index churn: a new name every 64 steps.
                            Labels l = s % 2 == 0 ? series("t" + thread, s) : series("t" + thread + "_" + (t / 64_000), s);
                            refs[s] = app.append(s % 2 == 0 ? refs[s] : 0, l, t, t);
                        }
                        AppendResult r = app.commit();
                        if (r.hasRejections()) {
                            throw new AssertionError(r.describe());
                        }
                        for (int s = 0; s < perThread; s += 2) {
                            lastCommitted[thread][s] = t;
                        }
                        now.set(thread, t);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            ts[th].start();
        }
        long mint = Long.MIN_VALUE;
        for (int round = 0; round < 50; round++) {
            // Behind the slowest thread, so no thread's next sample is refused.
            long slowest = Long.MAX_VALUE;
            for (int th = 0; th < threads; th++) {
                slowest = Math.min(slowest, now.get(th));
            }
            if (slowest == 0) {
                Thread.sleep(2);
                continue;
            }
            mint = Math.max(mint, slowest - 20_000);
            h.truncate(mint);
            Thread.sleep(2);
        }
        stop.set(true);
        for (Thread t : ts) {
            t.join();
        }
        assertNull(failure[0]);
        for (int th = 0; th < threads; th++) {
            for (int s = 0; s < perThread; s += 2) {
                List<long[]> got = HeadTest.read(h.querier(Long.MIN_VALUE, Long.MAX_VALUE),
                    Matcher.eq("job", "t" + th), Matcher.eq("i", Integer.toString(s))).get(series("t" + th, s));
                long expect = -1;
                for (long[] sample : got) {
                    if (sample[0] < mint) {
                        continue;
                    }
                    if (expect < 0) {
                        expect = sample[0];
                    }
                    assertEquals(expect, sample[0], "gap or duplicate");
                    expect += 1000;
                }
                assertEquals(lastCommitted[th][s] + 1000, expect, "last committed sample present");
            }
        }
    }
}
