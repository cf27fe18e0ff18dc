package io.gnomon.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PostingsOpsTest {

    static Postings list(long... refs) {
        return new ListPostings(refs);
    }

    @Test
    void listPostingsNextAndSeek() {
        Postings p = list(1, 3, 5, 7, 9);
        assertTrue(p.seek(4));
        assertEquals(5, p.at());
        assertTrue(p.seek(2)); // never moves backwards
        assertEquals(5, p.at());
        assertTrue(p.next());
        assertEquals(7, p.at());
        assertTrue(p.seek(9));
        assertEquals(9, p.at());
        assertFalse(p.seek(10));
        assertFalse(p.next());
        assertFalse(new ListPostings(new long[] {1, 2, 3}, 1, 1).next());
        Postings slice = new ListPostings(new long[] {1, 2, 3, 4}, 1, 3);
        assertArrayEquals(new long[] {2, 3}, PostingsOps.expand(slice));
    }

    @Test
    void intersect() {
        assertArrayEquals(new long[] {3, 9}, PostingsOps.expand(PostingsOps.intersect(list(1, 3, 5, 9), list(3, 4, 9, 10), list(0, 3, 9))));
        assertArrayEquals(new long[] {}, PostingsOps.expand(PostingsOps.intersect(list(1, 2), list(3, 4))));
        assertSame(PostingsOps.EMPTY, PostingsOps.intersect());
        assertSame(PostingsOps.EMPTY, PostingsOps.intersect(list(1), PostingsOps.EMPTY));
        Postings p = PostingsOps.intersect(list(1, 2, 3, 4, 5, 6), list(2, 4, 6));
        assertTrue(p.seek(3));
        assertEquals(4, p.at());
        assertTrue(p.seek(4));
        assertEquals(4, p.at());
        assertTrue(p.next());
        assertEquals(6, p.at());
        assertFalse(p.next());
    }

    @Test
    void merge() {
        assertArrayEquals(new long[] {1, 2, 3, 4, 5}, PostingsOps.expand(PostingsOps.merge(list(1, 3), list(2, 3, 5), list(4))));
        assertArrayEquals(new long[] {1, 2, 3}, PostingsOps.expand(PostingsOps.merge(list(1, 3), list(2, 3))));
        assertSame(PostingsOps.EMPTY, PostingsOps.merge());
        assertSame(PostingsOps.EMPTY, PostingsOps.merge(PostingsOps.EMPTY, PostingsOps.EMPTY));
        Postings p = PostingsOps.merge(list(1, 10, 20), list(5, 15), list(7, 30));
        assertTrue(p.seek(8));
        assertEquals(10, p.at());
        assertTrue(p.next());
        assertEquals(15, p.at());
        assertTrue(p.seek(16));
        assertEquals(20, p.at());
        assertTrue(p.next());
        assertEquals(30, p.at());
        assertFalse(p.next());
        assertFalse(p.seek(1));
    }

    @Test
    void without() {
        assertArrayEquals(new long[] {1, 5}, PostingsOps.expand(PostingsOps.without(list(1, 3, 5, 7), list(0, 3, 7, 8))));
        assertArrayEquals(new long[] {}, PostingsOps.expand(PostingsOps.without(list(1, 3), list(1, 3))));
        assertSame(PostingsOps.EMPTY, PostingsOps.without(PostingsOps.EMPTY, list(1)));
        Postings p = PostingsOps.without(list(1, 2, 3, 4, 5), list(4));
        assertTrue(p.seek(4));
        assertEquals(5, p.at());
    }

    /** Random lists, random mix of next and seek, checked against TreeSet arithmetic. */
    @Test
    void randomAgainstSets() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("PostingsOpsTest.randomAgainstSets seed=" + seed + " (-Dgnomon.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        for (int round = 0; round < 300; round++) {
            int k = 1 + rnd.nextInt(6);
            List<long[]> lists = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                lists.add(randomList(rnd));
            }
            TreeSet<Long> union = new TreeSet<>();
            TreeSet<Long> inter = null;
            for (long[] l : lists) {
                TreeSet<Long> s = new TreeSet<>();
                LongStream.of(l).forEach(s::add);
                union.addAll(s);
                if (inter == null) {
                    inter = s;
                } else {
                    inter.retainAll(s);
                }
            }
            TreeSet<Long> diff = new TreeSet<>();
            LongStream.of(lists.get(0)).forEach(diff::add);
            if (k > 1) {
                LongStream.of(lists.get(1)).forEach(diff::remove);
            }
            check(union, () -> PostingsOps.merge(cursors(lists)), rnd, seed);
            check(inter, () -> PostingsOps.intersect(cursors(lists)), rnd, seed);
            if (k > 1) {
                check(diff, () -> PostingsOps.without(new ListPostings(lists.get(0)), new ListPostings(lists.get(1))), rnd, seed);
            }
        }
    }

    private static List<Postings> cursors(List<long[]> lists) {
        List<Postings> out = new ArrayList<>();
        for (long[] l : lists) {
            out.add(new ListPostings(l));
        }
        return out;
    }

    private static long[] randomList(Random rnd) {
        int n = rnd.nextInt(40);
        TreeSet<Long> s = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            s.add((long) rnd.nextInt(100));
        }
        return s.stream().mapToLong(Long::longValue).toArray();
    }

    private static void check(TreeSet<Long> expected, java.util.function.Supplier<Postings> make, Random rnd, long seed) {
        long[] exp = expected.stream().mapToLong(Long::longValue).toArray();
        assertArrayEquals(exp, PostingsOps.expand(make.get()), "seed=" + seed);
        // Interleave seeks and nexts.
        Postings p = make.get();
        long pos = -1;
        while (true) {
            boolean ok;
            Long want;
            if (rnd.nextBoolean()) {
                long target = pos + rnd.nextInt(10);
                ok = p.seek(target);
                want = pos >= 0 && pos >= target ? Long.valueOf(pos) : expected.ceiling(target);
            } else {
                ok = p.next();
                want = expected.higher(pos);
            }
            if (want == null) {
                assertFalse(ok, "seed=" + seed);
                return;
            }
            assertTrue(ok, "seed=" + seed);
            assertEquals(want.longValue(), p.at(), "seed=" + seed);
            pos = p.at();
        }
    }
}
