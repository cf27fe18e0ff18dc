package io.gnomon.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PostingsForMatchersTest {

    private static final Labels[] SERIES = {
        Labels.of("n", "1"),                    // 1
        Labels.of("n", "1", "i", "a"),          // 2
        Labels.of("n", "1", "i", "b"),          // 3
        Labels.of("n", "2"),                    // 4
        Labels.of("n", "2.5"),                  // 5
        Labels.of("i", "foo"),                  // 6
        Labels.of("n", "1", "i", "foo\nbar"),   // 7
    };

    private static long[] select(Matcher... ms) {
        return PostingsOps.expand(PostingsForMatchers.postings(MemIndexReader.of(SERIES), ms));
    }

    private static Matcher m(String name, MatchType t, String v) {
        return Matcher.create(t, name, v);
    }

    @Test
    void prometheusCases() {
        MatchType eq = MatchType.EQ;
        MatchType ne = MatchType.NEQ;
        MatchType re = MatchType.RE;
        MatchType nre = MatchType.NRE;
        assertArrayEquals(new long[] {1, 2, 3, 7}, select(m("n", eq, "1")));
        assertArrayEquals(new long[] {2}, select(m("n", eq, "1"), m("i", eq, "a")));
        assertArrayEquals(new long[] {}, select(m("n", eq, "1"), m("i", eq, "missing")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7}, select(m("missing", eq, "")));
        assertArrayEquals(new long[] {1}, select(m("n", eq, "1"), m("i", eq, "")));
        assertArrayEquals(new long[] {2, 3, 7}, select(m("n", eq, "1"), m("i", ne, "")));
        assertArrayEquals(new long[] {1, 3, 7}, select(m("n", eq, "1"), m("i", ne, "a")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 7}, select(m("i", ne, "foo")));
        assertArrayEquals(new long[] {1, 2, 3, 7}, select(m("n", re, "^1$")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 7}, select(m("n", re, "1|2.*")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 7}, select(m("n", re, ".+")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7}, select(m("n", re, ".*")));
        assertArrayEquals(new long[] {6}, select(m("n", nre, ".+")));
        assertArrayEquals(new long[] {}, select(m("n", nre, ".*")));
        assertArrayEquals(new long[] {1, 4, 5}, select(m("n", re, ".*"), m("i", eq, "")));
        assertArrayEquals(new long[] {1}, select(m("n", eq, "1"), m("i", re, "")));
        assertArrayEquals(new long[] {1, 2}, select(m("n", eq, "1"), m("i", re, "a|")));
        assertArrayEquals(new long[] {1, 2, 3}, select(m("n", eq, "1"), m("i", nre, "foo.*")));
        assertArrayEquals(new long[] {2, 3}, select(m("n", eq, "1"), m("i", re, "a|b")));
        assertArrayEquals(new long[] {7}, select(m("i", re, "foo.bar")));
        assertArrayEquals(new long[] {2, 3, 6, 7}, select(m("i", re, ".+"), m("i", nre, "zzz")));
        assertArrayEquals(new long[] {3, 6, 7}, select(m("i", re, ".+"), m("i", ne, "a")));
        assertArrayEquals(new long[] {2, 3, 7}, select(m("n", eq, "1"), m("i", nre, "")));
        assertArrayEquals(new long[] {}, select());
    }

    @Test
    void labelValuesAndNamesFor() {
        IndexReader ix = MemIndexReader.of(SERIES);
        assertEquals(List.of("a", "b", "foo", "foo\nbar"), PostingsForMatchers.labelValuesFor(ix, "i"));
        assertEquals(List.of("a", "b", "foo\nbar"), PostingsForMatchers.labelValuesFor(ix, "i", Matcher.eq("n", "1")));
        assertEquals(List.of("b"), PostingsForMatchers.labelValuesFor(ix, "i", Matcher.eq("n", "1"), Matcher.re("i", "b|foo")));
        assertEquals(List.of("foo"), PostingsForMatchers.labelValuesFor(ix, "i", Matcher.eq("n", "")));
        assertEquals(List.of("1", "2", "2.5"), PostingsForMatchers.labelValuesFor(ix, "n", Matcher.re("n", ".+")));
        assertEquals(List.of("i", "n"), PostingsForMatchers.labelNamesFor(ix));
        assertEquals(List.of("n"), PostingsForMatchers.labelNamesFor(ix, Matcher.eq("n", "2")));
        assertEquals(List.of("i"), PostingsForMatchers.labelNamesFor(ix, Matcher.eq("n", "")));
    }

    /**
     * Random series and random matchers of every type (including ones that match the empty string
     * and regexes taking every fast path), checked against a scan of all series with
     * {@link Matcher#matches} and missing labels read as "".
     */
    @Test
    void propertyAgainstBruteForce() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("PostingsForMatchersTest.propertyAgainstBruteForce seed=" + seed + " (-Dgnomon.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        String[] names = {"__name__", "job", "instance", "a", "b", "c"};
        String[][] values = {
            {"up", "cpu", "cpu_total", "mem", "disk_io"},
            {"node", "api", "db"},
            {"h-1", "h-2", "h-10", "h-11", "h-20", "x"},
            {"1", "2", "3"},
            {"x", "y", "xy", "Yx"},
            {"foo", "bar", "foobar", "foo\nbar"},
        };
        int n = 3000;
        Labels[] series = new Labels[n];
        for (int i = 0; i < n; i++) {
            Labels.Builder b = Labels.builder();
            for (int k = 0; k < names.length; k++) {
                if (rnd.nextInt(4) > 0 || k == 0) {
                    b.add(names[k], values[k][rnd.nextInt(values[k].length)]);
                }
            }
            series[i] = b.build();
        }
        IndexReader ix = MemIndexReader.of(series);
        String[] regexes = {".*", ".+", "", "x", "x|y", "x|", "h-1.*", ".*1", ".*o.*", "(?i)X", "(?i)xy|foo", "[xy]+",
            "h-[12]+", "c.*_total", ".*\n.*", "(?-s).*", "[^x]*", "foo.+", "h-1|h-2|h-10", "up|", "a|b|", ".?"};
        for (int round = 0; round < 800; round++) {
            int k = 1 + rnd.nextInt(3);
            List<Matcher> ms = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                int ni = rnd.nextInt(names.length + 1);
                String name = ni == names.length ? "missing" : names[ni];
                MatchType type = MatchType.values()[rnd.nextInt(4)];
                String value;
                if (type == MatchType.RE || type == MatchType.NRE) {
                    value = regexes[rnd.nextInt(regexes.length)];
                } else if (ni < names.length && rnd.nextInt(5) > 0) {
                    value = values[ni][rnd.nextInt(values[ni].length)];
                } else {
                    value = rnd.nextBoolean() ? "" : "nope";
                }
                ms.add(Matcher.create(type, name, value));
            }
            TreeSet<Long> expected = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                boolean all = true;
                for (Matcher m : ms) {
                    all &= m.matches(series[i].get(m.name()));
                }
                if (all) {
                    expected.add(i + 1L);
                }
            }
            long[] exp = expected.stream().mapToLong(Long::longValue).toArray();
            long[] got = PostingsOps.expand(PostingsForMatchers.postings(ix, ms));
            assertArrayEquals(exp, got, () -> "seed=" + seed + " matchers=" + ms);

            if (!ms.isEmpty()) {
                String name = names[rnd.nextInt(names.length)];
                TreeSet<String> vals = new TreeSet<>(Labels::compareStrings);
                for (long r : exp) {
                    String v = series[(int) r - 1].get(name);
                    if (!v.isEmpty()) {
                        vals.add(v);
                    }
                }
                assertEquals(new ArrayList<>(vals), PostingsForMatchers.labelValuesFor(ix, name, ms.toArray(new Matcher[0])),
                        () -> "seed=" + seed + " labelValues(" + name + ") matchers=" + ms);
                TreeSet<String> labelNames = new TreeSet<>(Labels::compareStrings);
                for (long r : exp) {
                    series[(int) r - 1].forEach((ln, lv) -> labelNames.add(ln));
                }
                assertEquals(new ArrayList<>(labelNames), PostingsForMatchers.labelNamesFor(ix, ms.toArray(new Matcher[0])),
                        () -> "seed=" + seed + " labelNames matchers=" + ms);
            }
        }
        assertEquals(n, PostingsOps.count(ix.allPostings()));
        assertEquals(Arrays.asList(names).stream().sorted(Labels::compareStrings).toList(), ix.labelNames());
    }
}
