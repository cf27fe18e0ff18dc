package io.gnomon.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Appender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Appender#appendCreatedTimestamp}: a zero at the created timestamp only when it is new. */
class HeadCreatedTimestampTest {

    private static final Labels A = Labels.of("__name__", "c", "s", "a");
    private static final Labels B = Labels.of("__name__", "c", "s", "b");
    private static final Labels C = Labels.of("__name__", "c", "s", "c");

    private static List<Long> times(Head h, Labels l) {
        List<Long> out = new ArrayList<>();
        List<long[]> s = HeadTest.read(h.querier(0, Long.MAX_VALUE), Matcher.eq("s", l.get("s"))).get(l);
        if (s != null) {
            for (long[] x : s) {
                out.add(x[0]);
            }
        }
        return out;
    }

    @Test
    void theBatchsLastSampleOfTheSeriesDecidesWhereverItIs() {
        Head h = new Head(HeadOptions.defaults());
        Appender app = h.appender();
        // A and B interleaved in runs, then C at the tail: A's last batch sample is in the middle.
        app.append(0, A, 1000, 1);
        app.append(0, A, 2000, 2);
        app.append(0, B, 1500, 1);
        app.append(0, A, 3000, 3);
        app.append(0, B, 2500, 2);
        app.append(0, C, 5000, 1);
        // A's last batch sample is 3000: a created timestamp at or before it adds nothing.
        app.appendCreatedTimestamp(0, A, 4000, 3000);
        app.appendCreatedTimestamp(0, A, 4000, 2500);
        // B's last batch sample is 2500: 2600 is newer, so a zero goes there.
        app.appendCreatedTimestamp(0, B, 2700, 2600);
        // C is the tail (5000): an older created timestamp adds nothing; the runs go on after it.
        app.appendCreatedTimestamp(0, C, 6000, 4000);
        app.append(0, B, 2700, 3);
        app.append(0, A, 4000, 4);
        // after more runs ended, the index still answers: B ends at 2700, A at 4000 (the tail)
        app.appendCreatedTimestamp(0, B, 9000, 2650);
        app.appendCreatedTimestamp(0, A, 9000, 3500);
        // a series with no sample in this batch or before: a zero at its created timestamp
        Labels d = Labels.of("__name__", "c", "s", "d");
        app.appendCreatedTimestamp(0, d, 9000, 8000);
        app.append(0, d, 9000, 5);
        app.commit();
        assertEquals(List.of(1000L, 2000L, 3000L, 4000L), times(h, A));
        assertEquals(List.of(1500L, 2500L, 2600L, 2700L), times(h, B));
        assertEquals(List.of(5000L), times(h, C));
        assertEquals(List.of(8000L, 9000L), times(h, d));
    }
}
