package io.gnomon.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import io.gnomon.wal.WalOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start timestamps through the WAL (restart, checkpoint) and at head compaction (dropped). */
class DbStartTimestampTest {

    static final Matcher ALL = Matcher.re("__name__", ".+");

    @TempDir
    Path dir;

    /** Series 0..9: even ones have a cumulative start timestamp, odd ones none. */
    static long st(int s, long t) {
        return s % 2 == 0 ? (t / 100_000) * 100_000 + 7 : 0;
    }

    static void fill(Db db, long from, long to, long step) {
        for (long t = from; t < to; t += step) {
            Appender app = db.appender();
            for (int s = 0; s < 10; s++) {
                Labels l = Labels.of("__name__", "c_total", "s", Integer.toString(s));
                if (t % (3 * step) == 0) {
                    app.append(0, l, t, t + s); // some batches without any start timestamp (XOR_SAMPLES)
                } else {
                    app.appendWithStartTimestamp(0, l, st(s, t), t, t + s);
                }
            }
            AppendResult r = app.commit();
            assertFalse(r.hasRejections(), r.describe());
        }
    }

    /** "labels: t=v/st ..." per series. */
    static String dump(Db db, long mint) {
        StringBuilder sb = new StringBuilder();
        try (Querier q = db.querier(mint, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, ALL);
            while (ss.next()) {
                sb.append(ss.at().labels()).append(':');
                SampleIterator it = ss.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    sb.append(' ').append(it.atT()).append('=').append((long) it.atV()).append('/').append(it.atST());
                }
                assertNull(it.err());
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    static long expectedSt(int s, long t, long step) {
        return t % (3 * step) == 0 ? 0 : st(s, t);
    }

    @Test
    void startTimestampsSurviveRestartAndCheckpoints() {
        WalOptions wal = WalOptions.defaults().withSegmentSize(64 * 1024);
        String before;
        long mint;
        try (Db db = Db.open(dir, HeadOptions.defaults(), wal)) {
            fill(db, 1000, 3_000_000, 1000);
            mint = 1_500_000;
            assertNotNull(db.truncateHead(mint), "enough segments to checkpoint");
            fill(db, 3_000_000, 3_100_000, 1000);
            before = dump(db, mint);
            assertTrue(before.contains(" 1501000=1501004/1500007 "), "even series carry their start timestamp");
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), wal)) {
            assertEquals(0, db.replayStats().corruptRecords());
            assertEquals(before, dump(db, mint), "checkpoint + segments replay the start timestamps");
            // Check a few samples against the formula, not only against the first run.
            try (Querier q = db.querier(3_000_000, 3_010_000)) {
                SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.eq("s", "4"));
                assertTrue(ss.next());
                SampleIterator it = ss.at().iterator(null);
                int n = 0;
                while (it.next() == ValueType.FLOAT) {
                    assertEquals(expectedSt(4, it.atT(), 1000), it.atST(), "at " + it.atT());
                    n++;
                }
                assertEquals(11, n);
            }
        }
    }

    /**
     * Persisted blocks use Prometheus's XOR chunk, which has no start timestamps: compaction
     * keeps every sample and drops the start timestamps; what stays in the head keeps them.
     */
    @Test
    void headCompactionDropsStartTimestampsAndKeepsSamples() {
        DbOptions opts = DbBlocksTest.options();
        try (Db db = Db.open(dir, opts)) {
            fill(db, 0, 36_000, 500);
            db.compact();
            assertFalse(db.blocks().isEmpty());
            long headMin = db.head().minTime();
            try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.eq("s", "2"));
                assertTrue(ss.next());
                SampleIterator it = ss.at().iterator(null);
                int n = 0;
                while (it.next() == ValueType.FLOAT) {
                    long t = it.atT();
                    assertEquals(t + 2, (long) it.atV());
                    assertEquals(t < headMin ? 0 : expectedSt(2, t, 500), it.atST(), "at " + t);
                    n++;
                }
                assertNull(it.err());
                assertEquals(72, n, "no sample lost");
            }
        }
        try (Db db = Db.open(dir, opts)) {
            long headMin = db.head().minTime();
            assertTrue(dump(db, Long.MIN_VALUE).contains(" " + headMin + "=" + (headMin + 2) + "/" + expectedSt(2, headMin, 500) + " "));
        }
    }
}
