package io.gnomon.tsdb.index;

import io.gnomon.tsdb.labels.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * The head's inverted index: label name -> label value -> sorted list of series refs, plus the
 * list of every ref ({@link #all()}).
 *
 * <h2>Threads</h2>
 * Writers ({@link #add}, {@link #delete}) are serialised by one lock: series creation is rare next
 * to sample appends, so this lock is not on the sample path. Readers take no lock. A cursor
 * returned by {@link #postings} reads the live list:
 * <ul>
 *   <li>it always yields strictly increasing refs;</li>
 *   <li>it yields every ref that was added (add returned) before the cursor was created and not
 *       deleted since, even while other refs are being inserted;</li>
 *   <li>it may or may not yield refs added after it was created.</li>
 * </ul>
 * Refs normally arrive increasing (the head assigns them from a counter) and are appended. When two
 * ingest threads race, a ref may arrive after a larger one; it is then inserted in place, shifting
 * the tail one slot right. The shift writes from the right with release stores after first
 * publishing the grown size, so every old ref sits at its old index or one to the right at every
 * instant; cursors read with acquire loads and skip any value not greater than the last one they
 * returned. Values at an index only ever decrease, which is what makes a racy binary search in
 * {@code seek} safe (it can only land early, never past a ref, and the acquire scan fixes it up).
 * Deletion never edits a list in place: it builds a new list and swaps it into the map, so cursors
 * over the old list keep a frozen, consistent view.
 *
 * <h2>Memory</h2>
 * Refs are stored as {@code int}s in pages of 1024 (see {@link RefList}): 4 bytes per ref (the
 * head hands out refs below 2^31, see {@code StripeSeries}; {@link #add} refuses larger ones), plus
 * the unused tail of each list's last page (the first page grows by 50% until full, so small lists
 * waste at most a third), plus about 100 bytes per distinct label pair (list object, page
 * directory, array headers, hash-map node and table slot). A series with 10 labels whose values
 * are shared by many series costs {@code 11 refs (10 pairs + all) * 4 B = 44 B} plus slack; label
 * pairs unique to one series (ids, uuids) add the ~100 B fixed cost on top. BENCHMARKS.md gives
 * the measured number; {@link #estimatedBytes()} computes the same from the live structure.
 */
public final class MemPostings {
    private static final VarHandle REFS = MethodHandles.arrayElementVarHandle(int[].class);

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, RefList>> byName = new ConcurrentHashMap<>();
    private volatile RefList all = new RefList();
    private final Object writeLock = new Object();

    /**
     * Indexes series {@code ref} under each of its label pairs and under {@link #all()}. Adding the
     * same ref twice is a no-op. Thread-safe.
     *
     * @throws IllegalArgumentException when {@code ref} is negative
     */
    public void add(long ref, Labels lset) {
        if (ref < 0 || ref > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("series ref out of range [ref=" + ref + ", max=" + Integer.MAX_VALUE + "]");
        }
        synchronized (writeLock) {
            for (int i = 0; i < lset.size(); i++) {
                byName.computeIfAbsent(lset.name(i), k -> new ConcurrentHashMap<>(4))
                        .computeIfAbsent(lset.value(i), k -> new RefList())
                        .add(ref);
            }
            all.add(ref);
        }
    }

    /**
     * Removes the refs that {@code deleted} accepts from every list; lists that become empty are
     * dropped, and so are names left without values. Cost: a scan of every list. Thread-safe.
     */
    public void delete(LongPredicate deleted) {
        synchronized (writeLock) {
            for (Map.Entry<String, ConcurrentHashMap<String, RefList>> e : byName.entrySet()) {
                ConcurrentHashMap<String, RefList> values = e.getValue();
                for (Map.Entry<String, RefList> v : values.entrySet()) {
                    filter(values, v.getKey(), v.getValue(), deleted);
                }
                if (values.isEmpty()) {
                    byName.remove(e.getKey());
                }
            }
            all = all.without(deleted, true);
        }
    }

    /**
     * Like {@link #delete(LongPredicate)} but scans only the lists of the label pairs in
     * {@code affected} (the labels of the deleted series) plus the all-postings list.
     */
    public void delete(LongPredicate deleted, Collection<Labels> affected) {
        synchronized (writeLock) {
            for (Labels lset : affected) {
                for (int i = 0; i < lset.size(); i++) {
                    ConcurrentHashMap<String, RefList> values = byName.get(lset.name(i));
                    if (values == null) {
                        continue;
                    }
                    RefList list = values.get(lset.value(i));
                    if (list != null) {
                        filter(values, lset.value(i), list, deleted);
                    }
                    if (values.isEmpty()) {
                        byName.remove(lset.name(i));
                    }
                }
            }
            all = all.without(deleted, true);
        }
    }

    /**
     * Like {@link #delete(LongPredicate, Collection)} with the affected label pairs given once
     * each (name -> values): the head's collector passes the distinct pairs of all series it
     * dropped, so every list is rebuilt at most once however many of its refs go.
     */
    public void deletePairs(LongPredicate deleted, Map<String, ? extends Collection<String>> affected) {
        synchronized (writeLock) {
            for (Map.Entry<String, ? extends Collection<String>> e : affected.entrySet()) {
                ConcurrentHashMap<String, RefList> values = byName.get(e.getKey());
                if (values == null) {
                    continue;
                }
                for (String value : e.getValue()) {
                    RefList list = values.get(value);
                    if (list != null) {
                        filter(values, value, list, deleted);
                    }
                }
                if (values.isEmpty()) {
                    byName.remove(e.getKey());
                }
            }
            all = all.without(deleted, true);
        }
    }

    private static void filter(ConcurrentHashMap<String, RefList> values, String value, RefList list, LongPredicate deleted) {
        RefList kept = list.without(deleted, false);
        if (kept == null) {
            values.remove(value);
        } else if (kept != list) {
            values.put(value, kept);
        }
    }

    /** Receives one label pair and the number of series that have it. */
    @FunctionalInterface
    public interface PairVisitor {
        void visit(String name, String value, int series);
    }

    /**
     * Calls {@code v} for every label pair with its number of series (cardinality statistics).
     * Sees a consistent list per pair; pairs added or removed meanwhile may or may not be visited.
     */
    public void forEachPair(PairVisitor v) {
        for (Map.Entry<String, ConcurrentHashMap<String, RefList>> e : byName.entrySet()) {
            for (Map.Entry<String, RefList> val : e.getValue().entrySet()) {
                v.visit(e.getKey(), val.getKey(), val.getValue().size);
            }
        }
    }

    /** Refs of series with {@code name="value"}; {@link PostingsOps#EMPTY} when there are none. */
    public Postings postings(String name, String value) {
        ConcurrentHashMap<String, RefList> values = byName.get(name);
        if (values == null) {
            return PostingsOps.EMPTY;
        }
        RefList list = values.get(value);
        return list == null ? PostingsOps.EMPTY : list.cursor();
    }

    /** Union of {@code name="v"} over {@code values}. */
    public Postings postings(String name, String... values) {
        if (values.length == 1) {
            return postings(name, values[0]);
        }
        ConcurrentHashMap<String, RefList> byValue = byName.get(name);
        if (byValue == null) {
            return PostingsOps.EMPTY;
        }
        List<Postings> its = new ArrayList<>(values.length);
        for (String v : values) {
            RefList list = byValue.get(v);
            if (list != null) {
                its.add(list.cursor());
            }
        }
        return PostingsOps.merge(its);
    }

    /** Union of the lists of every value of {@code name} that {@code match} accepts. */
    public Postings postingsForLabelMatching(String name, Predicate<String> match) {
        ConcurrentHashMap<String, RefList> byValue = byName.get(name);
        if (byValue == null) {
            return PostingsOps.EMPTY;
        }
        List<Postings> its = new ArrayList<>();
        for (Map.Entry<String, RefList> e : byValue.entrySet()) {
            if (match.test(e.getKey())) {
                its.add(e.getValue().cursor());
            }
        }
        return PostingsOps.merge(its);
    }

    /** Every indexed ref (Prometheus's all-postings key). */
    public Postings all() {
        return all.cursor();
    }

    /** Number of refs in {@link #all()}. */
    public int size() {
        return all.size;
    }

    /** Sorted (by UTF-8 bytes) distinct values of {@code name}; empty when the name is unknown. */
    public List<String> labelValues(String name) {
        ConcurrentHashMap<String, RefList> byValue = byName.get(name);
        if (byValue == null) {
            return List.of();
        }
        String[] out = byValue.keySet().toArray(new String[0]);
        Arrays.sort(out, Labels::compareStrings);
        return Arrays.asList(out);
    }

    /** Sorted distinct label names. */
    public List<String> labelNames() {
        String[] out = byName.keySet().toArray(new String[0]);
        Arrays.sort(out, Labels::compareStrings);
        return Arrays.asList(out);
    }

    /**
     * Estimated heap bytes held by this index, excluding the label strings (interned and shared
     * with the series). Per list: 16 B object + 16 B array header + 4 B per slot of capacity; per
     * label pair 40 B of hash-map node and table; per name 100 B of map. Compressed oops assumed.
     */
    public long estimatedBytes() {
        long bytes = 64 + listBytes(all);
        for (ConcurrentHashMap<String, RefList> values : byName.values()) {
            bytes += 100;
            for (RefList list : values.values()) {
                bytes += 40 + listBytes(list);
            }
        }
        return bytes;
    }

    private static long listBytes(RefList list) {
        int[][] pages = list.pages;
        long bytes = 16 + 16 + 4L * pages.length;
        for (int[] page : pages) {
            if (page != null) {
                bytes += 16 + 4L * page.length;
            }
        }
        return bytes;
    }

    /**
     * One sorted growable list of refs, stored in pages of {@link #PAGE} refs: ref {@code i} is at
     * {@code pages[i >>> PAGE_SHIFT][i & PAGE_MASK]}. Only the first page grows (by 50%, up to
     * {@code PAGE}), so a small list wastes little; a large one never copies more than a page and
     * never becomes one huge array (G1 would make it a humongous object and waste the tail of its
     * last region: the flat-array version measured 122 B/series against 101 B estimated).
     * Written under the owner's lock; read without locks.
     */
    static final class RefList {
        static final int PAGE_SHIFT = 10;
        static final int PAGE = 1 << PAGE_SHIFT;
        static final int PAGE_MASK = PAGE - 1;
        private static final int[][] NO_PAGES = new int[0][];

        volatile int[][] pages;
        volatile int size;

        RefList() {
            this.pages = NO_PAGES;
        }

        private RefList(int[][] pages, int size) {
            this.pages = pages;
            this.size = size;
        }

        static long get(int[][] pages, int i) {
            return pages[i >>> PAGE_SHIFT][i & PAGE_MASK];
        }

        private static long getAcquire(int[][] pages, int i) {
            return (int) REFS.getAcquire(pages[i >>> PAGE_SHIFT], i & PAGE_MASK);
        }

        private static void setRelease(int[][] pages, int i, long v) {
            REFS.setRelease(pages[i >>> PAGE_SHIFT], i & PAGE_MASK, (int) v);
        }

        /** Adds {@code ref}; the caller holds the write lock. */
        void add(long ref) {
            int n = size;
            int[][] p = pages;
            long last = n > 0 ? get(p, n - 1) : -1;
            if (last == ref) {
                return;
            }
            if (last < ref) {
                p = ensureSlot(n);
                p[n >>> PAGE_SHIFT][n & PAGE_MASK] = (int) ref;
                size = n + 1; // volatile write publishes the ref (and any new page)
                return;
            }
            // Out of order: find the slot from the tail, where it almost always is.
            int i = n - 1;
            while (i > 0 && get(p, i - 1) > ref) {
                i--;
            }
            if (i > 0 && get(p, i - 1) == ref) {
                return;
            }
            p = ensureSlot(n);
            // Move the last ref into the new slot and publish the size before shifting the rest,
            // so that a reader bounded by size never loses it; shift from the right with release
            // stores so that a reader who sees a slot overwritten also sees its old value one
            // slot to the right.
            setRelease(p, n, get(p, n - 1));
            size = n + 1;
            for (int k = n - 1; k > i; k--) {
                setRelease(p, k, get(p, k - 1));
            }
            setRelease(p, i, ref);
        }

        /** Makes slot {@code i} (== size) writable and returns the current page directory. */
        private int[][] ensureSlot(int i) {
            int[][] p = pages;
            int page = i >>> PAGE_SHIFT;
            if (page == 0) {
                int[] first = p.length == 0 ? null : p[0];
                if (first == null || i >= first.length) {
                    int cap = first == null ? 1 : Math.min(PAGE, first.length + Math.max(1, first.length >>> 1));
                    int[] grown = first == null ? new int[cap] : Arrays.copyOf(first, cap);
                    // A new directory: readers holding the old one keep reading the old first page,
                    // whose contents are frozen from now on.
                    int[][] dir = p.length == 0 ? new int[1][] : p.clone();
                    dir[0] = grown;
                    p = dir;
                    pages = p;
                }
                return p;
            }
            if (page >= p.length) {
                p = Arrays.copyOf(p, Math.max(page + 1, p.length * 2));
                p[page] = new int[PAGE];
                pages = p;
            } else if (p[page] == null) {
                p[page] = new int[PAGE]; // published by the size write that follows
            }
            return p;
        }

        /** A copy without the deleted refs; {@code this} when none is deleted; null when empty (unless keepEmpty). */
        RefList without(LongPredicate deleted, boolean keepEmpty) {
            int n = size;
            int[][] p = pages;
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (!deleted.test(get(p, i))) {
                    kept++;
                }
            }
            if (kept == n) {
                return this;
            }
            if (kept == 0 && !keepEmpty) {
                return null;
            }
            int npages = (kept + PAGE - 1) >>> PAGE_SHIFT;
            int[][] out = new int[Math.max(1, npages)][];
            for (int k = 0; k < npages; k++) {
                out[k] = new int[npages == 1 ? kept : PAGE];
            }
            if (npages == 0) {
                out = NO_PAGES;
            }
            int j = 0;
            for (int i = 0; i < n; i++) {
                long r = get(p, i);
                if (!deleted.test(r)) {
                    out[j >>> PAGE_SHIFT][j & PAGE_MASK] = (int) r;
                    j++;
                }
            }
            return new RefList(out, kept);
        }

        Postings cursor() {
            return new LiveCursor(this);
        }
    }

    /** A cursor over a live {@link RefList}; see the class javadoc for what it guarantees. */
    static final class LiveCursor implements Postings {
        private final RefList list;
        private int[][] pages;
        private int n;
        private int pos = -1;
        private long cur = -1;
        private boolean done;

        LiveCursor(RefList list) {
            this.list = list;
            refresh();
        }

        private void refresh() {
            n = list.size; // size first: the directory read next is at least as new, so it covers n
            pages = list.pages;
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            while (true) {
                int p = pos + 1;
                if (p >= n) {
                    refresh();
                    if (p >= n) {
                        done = true;
                        return false;
                    }
                }
                long v = RefList.getAcquire(pages, p);
                pos = p;
                if (v > cur) {
                    cur = v;
                    return true;
                }
            }
        }

        @Override
        public boolean seek(long v) {
            if (done) {
                return false;
            }
            if (pos >= 0 && cur >= v) {
                return true;
            }
            int lo = pos + 1;
            if (lo < n) {
                // Racy reads can only return a value at or above the current one (a slot's value
                // only ever decreases), so the search can land early but never past a ref >= v;
                // next() scans forward from there.
                pos = gallop(pages, lo, n, v) - 1;
            }
            while (next()) {
                if (cur >= v) {
                    return true;
                }
            }
            return false;
        }

        /** First index in {@code [lo, hi)} with a ref {@code >= v}, or {@code hi}. */
        private static int gallop(int[][] pages, int lo, int hi, long v) {
            int step = 1;
            int prev = lo;
            int i = lo;
            while (i < hi && RefList.get(pages, i) < v) {
                prev = i + 1;
                i = lo + step;
                step <<= 1;
            }
            int l = prev;
            int h = Math.min(i, hi);
            while (l < h) {
                int mid = (l + h) >>> 1;
                if (RefList.get(pages, mid) < v) {
                    l = mid + 1;
                } else {
                    h = mid;
                }
            }
            return l;
        }

        @Override
        public long at() {
            return cur;
        }
    }
}
