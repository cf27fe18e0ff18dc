package io.gnomon.tsdb.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

class MemPostingsTest {

    @Test
    void addLookupAndLabels() {
        MemPostings p = new MemPostings();
        p.add(1, Labels.of("__name__", "up", "job", "a"));
        p.add(2, Labels.of("__name__", "up", "job", "b"));
        p.add(3, Labels.of("__name__", "go", "job", "a", "x", "1"));
        assertArrayEquals(new long[] {1, 3}, PostingsOps.expand(p.postings("job", "a")));
        assertArrayEquals(new long[] {1, 2}, PostingsOps.expand(p.postings("__name__", "up")));
        assertArrayEquals(new long[] {1, 2, 3}, PostingsOps.expand(p.all()));
        assertArrayEquals(new long[] {1, 2, 3}, PostingsOps.expand(p.postings("job", "a", "b", "zz")));
        assertTrue(PostingsOps.isEmpty(p.postings("job", "c")));
        assertTrue(PostingsOps.isEmpty(p.postings("nope", "a")));
        assertEquals(List.of("__name__", "job", "x"), p.labelNames());
        assertEquals(List.of("a", "b"), p.labelValues("job"));
        assertEquals(List.of(), p.labelValues("nope"));
        assertArrayEquals(new long[] {2}, PostingsOps.expand(p.postingsForLabelMatching("job", v -> v.equals("b"))));
    }

    @Test
    void outOfOrderAndDuplicateAddsStaySorted() {
        MemPostings p = new MemPostings();
        Labels l = Labels.of("a", "b");
        long[] order = {5, 3, 9, 1, 7, 7, 2, 10, 4, 6, 8, 3};
        for (long r : order) {
            p.add(r, l);
        }
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, PostingsOps.expand(p.postings("a", "b")));
        assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, PostingsOps.expand(p.all()));
    }

    @Test
    void manyPagesWithLocalDisorderAndDeletes() {
        MemPostings p = new MemPostings();
        Labels l = Labels.of("a", "b");
        java.util.Random rnd = new java.util.Random(42);
        int n = 5000;
        long[] refs = new long[n];
        for (int i = 0; i < n; i++) {
            refs[i] = i + 1;
        }
        for (int i = 0; i + 1 < n; i++) { // swap neighbours: refs arrive slightly out of order
            if (rnd.nextInt(4) == 0) {
                long t = refs[i];
                refs[i] = refs[i + 1];
                refs[i + 1] = t;
            }
        }
        for (long r : refs) {
            p.add(r, l);
        }
        p.add(1020, l); // duplicate near a page boundary
        long[] got = PostingsOps.expand(p.postings("a", "b"));
        assertEquals(n, got.length);
        for (int i = 0; i < n; i++) {
            assertEquals(i + 1, got[i]);
        }
        Postings s = p.postings("a", "b");
        assertTrue(s.seek(3000));
        assertEquals(3000, s.at());
        p.delete(r -> r % 3 == 0);
        p.add(n + 2, l);
        p.add(n + 1, l);
        long[] after = PostingsOps.expand(p.postings("a", "b"));
        assertEquals(n - n / 3 + 2, after.length);
        for (int i = 1; i < after.length; i++) {
            assertTrue(after[i] > after[i - 1]);
            assertTrue(after[i] % 3 != 0 || after[i] > n);
        }
    }

    @Test
    void deleteRemovesRefsAndEmptyValues() {
        MemPostings p = new MemPostings();
        Labels a = Labels.of("job", "a", "only", "x");
        Labels b = Labels.of("job", "b");
        p.add(1, a);
        p.add(2, b);
        p.add(3, b);
        Postings before = p.postings("job", "b");
        p.delete(r -> r == 1 || r == 2);
        assertArrayEquals(new long[] {3}, PostingsOps.expand(p.postings("job", "b")));
        assertArrayEquals(new long[] {3}, PostingsOps.expand(p.all()));
        assertEquals(List.of("b"), p.labelValues("job"));
        assertEquals(List.of("job"), p.labelNames());
        // A cursor opened before the delete keeps its view.
        assertArrayEquals(new long[] {2, 3}, PostingsOps.expand(before));

        p.add(4, a);
        p.delete(r -> r == 4, List.of(a));
        assertEquals(List.of("job"), p.labelNames());
        assertArrayEquals(new long[] {3}, PostingsOps.expand(p.all()));
    }

    @Test
    void estimatedBytesPerSeries() {
        MemPostings p = new MemPostings();
        int n = 20_000;
        for (int i = 1; i <= n; i++) {
            p.add(i, Labels.of("__name__", "m" + (i % 100), "job", "j" + (i % 10), "instance", "h" + (i % 200),
                    "a", "x" + (i % 3), "b", "y" + (i % 5), "c", "z" + (i % 7), "d", "w" + (i % 2), "e", "v",
                    "f", "u" + (i % 4), "g", "t" + (i % 11)));
        }
        double perSeries = (double) p.estimatedBytes() / n;
        System.out.println("MemPostings estimated bytes/series (10 labels, shared values): " + perSeries);
        assertTrue(perSeries < 120, "bytes/series " + perSeries);
    }

    /**
     * Writers add series (refs from one counter, so they race and arrive slightly out of order)
     * while readers iterate: every list read is strictly increasing, and contains every ref whose
     * add had completed before the cursor was opened.
     */
    @Test
    void concurrentAddsAndReads() throws Exception {
        MemPostings p = new MemPostings();
        int writers = 3;
        int perWriter = 30_000;
        int total = writers * perWriter;
        AtomicLong nextRef = new AtomicLong();
        AtomicLongArray committed = new AtomicLongArray(total + 1);
        AtomicLong committedCount = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perWriter; i++) {
                        long ref = nextRef.incrementAndGet();
                        p.add(ref, Labels.of("job", "j" + (ref % 3), "k", "v"));
                        committed.set((int) ref, 1);
                        committedCount.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (int r = 0; r < 2; r++) {
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    while (!stop.get()) {
                        // Snapshot the refs committed so far, then read.
                        List<Long> mustSee = new ArrayList<>();
                        long max = nextRef.get();
                        for (int i = 1; i <= max && mustSee.size() < 64; i += 1 + (int) (max / 64)) {
                            if (committed.get(i) == 1) {
                                mustSee.add((long) i);
                            }
                        }
                        long[] all = PostingsOps.expand(p.postings("k", "v"));
                        for (int i = 1; i < all.length; i++) {
                            if (all[i] <= all[i - 1]) {
                                throw new AssertionError("not increasing at " + i + ": " + all[i - 1] + ", " + all[i]);
                            }
                        }
                        for (long ref : mustSee) {
                            if (java.util.Arrays.binarySearch(all, ref) < 0) {
                                throw new AssertionError("committed ref " + ref + " missing");
                            }
                        }
                        // Seeks on a live list land on the first ref >= target.
                        Postings s = p.postings("job", "j1");
                        long target = 1;
                        while (s.seek(target)) {
                            if (s.at() < target || s.at() % 3 != 1) {
                                throw new AssertionError("bad seek " + target + " -> " + s.at());
                            }
                            target = s.at() + 1 + (target % 7);
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (int i = 0; i < writers; i++) {
            threads.get(i).join();
        }
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(total, committedCount.get());
        long[] all = PostingsOps.expand(p.all());
        assertEquals(total, all.length);
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, all[i]);
        }
    }
}
