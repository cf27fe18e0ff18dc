package io.gnomon.tsdb.exemplar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExemplarStorageTest {

    static final Labels S1 = Labels.of("__name__", "x", "i", "1");
    static final Labels S2 = Labels.of("__name__", "x", "i", "2");

    static Exemplar ex(String trace, double v, long t) {
        return new Exemplar(Labels.of("trace_id", trace), v, t, true);
    }

    static final List<Matcher[]> ALL = List.<Matcher[]>of(new Matcher[] {Matcher.eq("__name__", "x")});

    @Test
    void ringOverwritesOldestAcrossSeries() {
        ExemplarStorage s = new ExemplarStorage(3);
        assertNull(s.add(S1, ex("a", 1, 10)));
        assertNull(s.add(S2, ex("b", 2, 11)));
        assertNull(s.add(S1, ex("c", 3, 12)));
        assertNull(s.add(S2, ex("d", 4, 13))); // overwrites S1's "a"
        assertEquals(3, s.size());
        var res = s.select(0, 100, ALL);
        assertEquals(2, res.size());
        assertEquals(S1, res.get(0).seriesLabels());
        assertEquals(1, res.get(0).exemplars().size());
        assertEquals(12, res.get(0).exemplars().get(0).timestamp());
        assertEquals(2, res.get(1).exemplars().size());
        assertNull(s.add(S1, ex("e", 5, 14))); // overwrites S2's "b"
        assertNull(s.add(S1, ex("f", 6, 15))); // overwrites S1's "c"
        res = s.select(0, 100, ALL);
        assertEquals(List.of(14L, 15L), res.get(0).exemplars().stream().map(Exemplar::timestamp).toList());
        assertEquals(List.of(13L), res.get(1).exemplars().stream().map(Exemplar::timestamp).toList());
        assertEquals(1, s.select(14, 14, ALL).size());
    }

    @Test
    void validation() {
        ExemplarStorage s = new ExemplarStorage(10);
        assertNull(s.add(S1, ex("a", 1, 10)));
        assertEquals(Rejection.EXEMPLAR_DUPLICATE, s.add(S1, ex("a", 1, 10)));
        assertEquals(Rejection.EXEMPLAR_OUT_OF_ORDER, s.add(S1, ex("a", 1, 9)));
        assertEquals(Rejection.EXEMPLAR_LABELS_TOO_LONG, s.add(S1, ex("x".repeat(121), 1, 11)));
        assertNull(s.add(S1, ex("x".repeat(120), 1, 11)));
        assertEquals(Rejection.EXEMPLARS_DISABLED, new ExemplarStorage(0).add(S1, ex("a", 1, 1)));
    }
}
