package io.gnomon.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.StaleNaN;
import io.gnomon.tsdb.storage.ValueType;
import io.gnomon.wal.WalOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head after a restart answers every query exactly as the head that wrote the WAL. */
class DbReplayTest {

    @TempDir
    Path dir;

    /** Everything a querier returns, as text: series labels and every sample's bits. */
    /** Every sample the querier holds for {@code ms}, as text; closes the querier. */
    static String dump(Querier q, Matcher... ms) {
        try (q) {
            return dumpOpen(q, ms);
        }
    }

    private static String dumpOpen(Querier q, Matcher... ms) {
        StringBuilder sb = new StringBuilder();
        SeriesSet ss = q.select(true, SelectHints.NONE, ms);
        while (ss.next()) {
            sb.append(ss.at().labels()).append(':');
            SampleIterator it = ss.at().iterator(null);
            while (it.next() == ValueType.FLOAT) {
                sb.append(' ').append(it.atT()).append('=').append(Long.toHexString(Double.doubleToRawLongBits(it.atV())));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void replayedHeadAnswersLikeTheOriginal() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("DbReplayTest seed=" + seed);
        Random r = new Random(seed);
        WalOptions small = WalOptions.defaults().withSegmentSize(128 * 1024); // many segments
        List<String> before = new ArrayList<>();
        Matcher[][] queries = {
            {Matcher.create(MatchType.RE, "__name__", ".+")},
            {Matcher.eq("job", "j1")},
            {Matcher.create(MatchType.NRE, "i", "1.*"), Matcher.eq("__name__", "m0")},
        };
        long rejected;
        try (Db db = Db.open(dir, HeadOptions.defaults(), small)) {
            long[] refs = new long[300];
            long ok = 0;
            rejected = 0;
            for (int batch = 0; batch < 200; batch++) {
                Appender app = db.appender();
                for (int k = 0; k < 60; k++) {
                    int s = r.nextInt(refs.length);
                    Labels l = Labels.of("__name__", "m" + (s % 7), "job", "j" + (s % 3), "i", Integer.toString(s));
                    long t = batch * 1000L + r.nextInt(1500) - 250; // some out of order
                    double v = r.nextInt(20) == 0 ? StaleNaN.VALUE : r.nextGaussian();
                    refs[s] = app.append(r.nextBoolean() ? refs[s] : 0, l, t, v);
                    if (r.nextInt(50) == 0) {
                        app.appendExemplar(refs[s], l, new Exemplar(Labels.of("trace_id", "t" + batch), v, t, true));
                    }
                    if (r.nextInt(100) == 0) {
                        app.updateMetadata(refs[s], l, new Metadata("gauge", "", "help " + s));
                    }
                }
                AppendResult res = batch % 17 == 0 ? null : app.commit();
                if (res == null) {
                    app.rollback();
                } else {
                    ok += res.samplesAppended();
                    rejected += res.samplesRejected();
                }
            }
            assertTrue(ok > 5000 && rejected > 0, "workload too tame: ok=" + ok + " rejected=" + rejected);
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            for (Matcher[] ms : queries) {
                before.add(dump(q, ms));
            }
            before.add(q.labelNames().toString() + q.labelValues("i"));
            before.add(new java.util.TreeMap<>(db.head().metadata()).toString());
            before.add(db.head().exemplars().select(Long.MIN_VALUE, Long.MAX_VALUE, List.<Matcher[]>of(queries[0])).toString());
            before.add(db.head().minTime() + ".." + db.head().maxTime() + " " + db.head().numSeries());
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), small)) {
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            List<String> after = new ArrayList<>();
            for (Matcher[] ms : queries) {
                after.add(dump(q, ms));
            }
            after.add(q.labelNames().toString() + q.labelValues("i"));
            after.add(new java.util.TreeMap<>(db.head().metadata()).toString());
            after.add(db.head().exemplars().select(Long.MIN_VALUE, Long.MAX_VALUE, List.<Matcher[]>of(queries[0])).toString());
            after.add(db.head().minTime() + ".." + db.head().maxTime() + " " + db.head().numSeries());
            for (int i = 0; i < before.size(); i++) {
                assertEquals(before.get(i), after.get(i), "query " + i + " differs after replay (seed " + seed + ")");
            }
            assertEquals(0, db.replayStats().unknownRefs());
            assertTrue(db.wal().segments().length > 2, "expected several segments");
        }
    }
}
