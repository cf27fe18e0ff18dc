package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.record.RecordEncoder;
import io.gnomon.wal.Wal;
import io.gnomon.wal.WalOptions;
import io.gnomon.wal.WalReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replay details that the server-level replay tests do not reach. */
class HeadReplayerTest {

    @TempDir
    Path dir;

    /**
     * A log with two SERIES records for the same labels (refs 1 and 2, e.g. a series collected and
     * created again) replays into one series: samples logged under the second ref go to the same
     * replay worker as the first ref's, in log order, so none is refused as out of order. Refs 1
     * and 2 would land on different workers of two if samples were sharded by the logged ref.
     */
    @Test
    void samplesOfARemappedRefKeepTheirOrder() {
        Labels l = Labels.of("__name__", "up", "job", "a");
        Labels other = Labels.of("__name__", "up", "job", "b");
        List<long[]> want = new ArrayList<>();
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            RecordEncoder enc = new RecordEncoder();
            enc.beginSeries();
            enc.series(1, l);
            enc.series(3, other);
            wal.append(enc.buffer(), 0, enc.finish());
            enc.beginSeries();
            enc.series(2, l);
            wal.append(enc.buffer(), 0, enc.finish());
            for (int round = 0; round < 50; round++) {
                enc.beginSamples();
                long t = 1000L * round;
                // Alternate the two refs of one series within and across records.
                enc.sample(round % 2 == 0 ? 1 : 2, t, round);
                enc.sample(3, t, -round);
                enc.sample(round % 2 == 0 ? 2 : 1, t + 500, round + 0.5);
                wal.append(enc.buffer(), 0, enc.finish());
                want.add(new long[] {t, Double.doubleToLongBits(round)});
                want.add(new long[] {t + 500, Double.doubleToLongBits(round + 0.5)});
            }
        }
        Head head = new Head(HeadOptions.defaults());
        HeadReplayer.Stats stats;
        try (WalReader reader = WalReader.open(dir)) {
            stats = new HeadReplayer(head, 2).replay(reader);
        }
        assertEquals(0, stats.outOfOrder(), stats.toString());
        assertEquals(150, stats.samples(), stats.toString());
        assertEquals(2, head.numSeries());
        Map<Labels, List<long[]>> got = HeadTest.read(head.querier(Long.MIN_VALUE, Long.MAX_VALUE), Matcher.eq("job", "a"));
        List<long[]> samples = got.get(l);
        assertEquals(want.size(), samples.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i)[0], samples.get(i)[0], "timestamp " + i);
            assertEquals(want.get(i)[1], samples.get(i)[1], "value bits " + i);
        }
    }
}
