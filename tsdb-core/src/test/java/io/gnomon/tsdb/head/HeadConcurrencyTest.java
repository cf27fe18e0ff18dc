package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Writers and readers at once: every committed sample is found afterwards, and every read sees,
 * per series, a gap-free prefix of what was written (no torn or lost samples mid-flight).
 */
class HeadConcurrencyTest {

    static final int WRITERS = 3;
    static final int SERIES_PER_WRITER = 200;
    static final int SAMPLES = 600;

    @Test
    void writersAndReadersAtOnce() throws Exception {
        Head h = new Head(HeadOptions.defaults());
        AtomicBoolean writing = new AtomicBoolean(true);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicLong reads = new AtomicLong();
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            threads.add(new Thread(() -> {
                try {
                    long[] refs = new long[SERIES_PER_WRITER];
                    for (int i = 0; i < SAMPLES; i++) {
                        Appender app = h.appender();
                        for (int s = 0; s < SERIES_PER_WRITER; s++) {
                            Labels l = Labels.of("__name__", "c", "w", Integer.toString(writer), "s", Integer.toString(s));
                            refs[s] = app.append(refs[s], l, i * 1000L, i);
                        }
                        AppendResult r = app.commit();
                        if (r.hasRejections() || r.samplesAppended() != SERIES_PER_WRITER) {
                            failures.add(new AssertionError("unexpected result " + r));
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                } finally {
                    writersDone.countDown();
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                try {
                    while (writing.get()) {
                        checkPrefixes(h, false);
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        threads.forEach(Thread::start);
        writersDone.await();
        writing.set(false);
        for (Thread t : threads) {
            t.join();
        }
        assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        assertTrue(reads.get() > 0);
        assertEquals(WRITERS * SERIES_PER_WRITER, h.numSeries());
        checkPrefixes(h, true);
    }

    private static void checkPrefixes(Head h, boolean complete) {
        SeriesSet ss = h.querier(Long.MIN_VALUE, Long.MAX_VALUE).select(false, SelectHints.NONE, Matcher.eq("__name__", "c"));
        while (ss.next()) {
            SampleIterator it = ss.at().iterator(null);
            long expect = 0;
            while (it.next() == ValueType.FLOAT) {
                if (it.atT() != expect * 1000 || it.atV() != expect) {
                    throw new AssertionError("series " + ss.at().labels() + ": expected sample " + expect
                        + " got t=" + it.atT() + " v=" + it.atV());
                }
                expect++;
            }
            if (it.err() != null) {
                throw new AssertionError(it.err());
            }
            if (complete && expect != SAMPLES) {
                throw new AssertionError("series " + ss.at().labels() + " has " + expect + " samples");
            }
        }
    }
}
