package io.gnomon.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void sortedAndEmptyValuesDropped() {
        Labels l = Labels.of("job", "node", "__name__", "up", "zone", "", "instance", "a:9100");
        assertEquals(3, l.size());
        assertEquals("__name__", l.name(0));
        assertEquals("instance", l.name(1));
        assertEquals("job", l.name(2));
        assertEquals("up", l.metricName());
        assertEquals("", l.get("zone"));
        assertEquals("{__name__=\"up\", instance=\"a:9100\", job=\"node\"}", l.toString());
    }

    @Test
    void duplicateNamesRejected() {
        var e = assertThrows(InvalidLabelsException.class, () -> Labels.of("a", "1", "a", "2"));
        assertTrue(e.getMessage().contains("duplicate label name"), e.getMessage());
    }

    @Test
    void utf8NamesAllowedInvalidRejected() {
        Labels l = Labels.of("__name__", "http.server.duration", "service.name", "checkout", "ünï", "ç");
        assertEquals("checkout", l.get("service.name"));
        assertEquals("{__name__=\"http.server.duration\", \"service.name\"=\"checkout\", \"ünï\"=\"ç\"}", l.toString());
        assertThrows(InvalidLabelsException.class, () -> Labels.of("", "x"));
        assertThrows(InvalidLabelsException.class, () -> Labels.of("a\uD800", "x"));
        assertThrows(InvalidLabelsException.class, () -> Labels.of("a", "bad\uDC00"));
    }

    @Test
    void stringsAreInterned() {
        Labels a = Labels.of("job", new String("node".toCharArray()));
        Labels b = Labels.of("job", new String("node".toCharArray()));
        assertSame(a.value(0), b.value(0));
        assertEquals(a, b);
        assertEquals(a.hash(), b.hash());
    }

    @Test
    void compareIsPairwiseAndUtf8Ordered() {
        Labels a = Labels.of("a", "1");
        Labels ab = Labels.of("a", "1", "b", "1");
        Labels b = Labels.of("b", "0");
        assertTrue(a.compareTo(ab) < 0);
        assertTrue(ab.compareTo(b) < 0);
        assertEquals(0, a.compareTo(Labels.of("a", "1")));
        // U+FFFD (3 UTF-8 bytes, EF BF BD) sorts before U+1F600 (4 bytes, F0 9F 98 80) in UTF-8
        // although its UTF-16 unit is larger than the surrogate D83D.
        assertTrue(Labels.compareStrings("\uFFFD", "\uD83D\uDE00") < 0);
        assertTrue(Labels.compareStrings("\uD83D\uDE00", "\uFFFD") > 0);
    }

    @Test
    void hashesSpreadAndEqualityHolds() {
        Random r = new Random(42);
        List<Long> hashes = new ArrayList<>();
        for (int i = 0; i < 10000; i++) {
            hashes.add(Labels.of("__name__", "m" + (i % 100), "instance", "h" + i, "job", "j" + r.nextInt(3)).hash());
        }
        assertEquals(hashes.size(), hashes.stream().distinct().count());
        assertNotEquals(Labels.of("a", "bc").hash(), Labels.of("ab", "c").hash());
    }

    @Test
    void builderSetAndDel() {
        Labels l = Labels.of("a", "1", "b", "2", "c", "3");
        Labels m = l.toBuilder().set("b", "20").del("c").set("d", "4").set("a", "").build();
        assertEquals(Labels.of("b", "20", "d", "4"), m);
        assertEquals(Labels.of("a", "1"), Labels.of("__name__", "x", "a", "1").withoutMetricName());
    }

    @Test
    void sortingManyLabelSetsIsConsistent() {
        List<Labels> list = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            list.add(Labels.of("x", Integer.toString(i % 17), "y", Integer.toString(i)));
        }
        Collections.shuffle(list, new Random(1));
        Collections.sort(list);
        for (int i = 1; i < list.size(); i++) {
            assertTrue(list.get(i - 1).compareTo(list.get(i)) <= 0);
        }
    }

    @Test
    void ofSortedInternedTakesIndexOrderAndFallsBackOtherwise() {
        Labels l = Labels.ofSortedInterned(new String[] {"__name__", "up", "instance", "a:9100", "job", "node"});
        assertEquals(Labels.of("job", "node", "__name__", "up", "instance", "a:9100"), l);
        assertEquals(Labels.of("job", "node", "__name__", "up").hash(),
            Labels.ofSortedInterned(new String[] {"__name__", "up", "job", "node"}).hash());
        // out of order, empty value, repeated name: the same answer as of()
        assertEquals(Labels.of("b", "2", "a", "1"), Labels.ofSortedInterned(new String[] {"b", "2", "a", "1"}));
        assertEquals(Labels.of("a", "1"), Labels.ofSortedInterned(new String[] {"a", "1", "b", ""}));
        assertThrows(InvalidLabelsException.class, () -> Labels.ofSortedInterned(new String[] {"a", "1", "a", "2"}));
        assertThrows(InvalidLabelsException.class, () -> Labels.ofSortedInterned(new String[] {"a"}));
        assertEquals(Labels.EMPTY, Labels.ofSortedInterned(new String[0]));
    }
}
