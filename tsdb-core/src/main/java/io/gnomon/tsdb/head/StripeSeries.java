package io.gnomon.tsdb.head;

import io.gnomon.tsdb.labels.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The head's series, by ref and by labels.
 *
 * <p>By ref: refs are handed out increasing from 1, so series live in pages of an array indexed
 * by ref; a lookup is two acquiring array loads and takes no lock (slots are published with
 * release stores through array-element {@link java.lang.invoke.VarHandle}s on the exact array types,
 * which cost a tenth of {@link java.util.concurrent.atomic.AtomicReferenceArray}'s generic
 * {@code Object[]} access: measured about 3 ns against 20 ns per lookup, a lookup per sample on
 * every ingest path). By labels: {@value #STRIPES} stripes, each a lock and a
 * primitive map from the labels' 64-bit hash to the series (or to an array of series when hashes
 * collide), so concurrent creators of different series rarely meet on a lock.
 */
final class StripeSeries {

    static final int STRIPES = 1024;
    private static final int PAGE_BITS = 12;
    private static final int PAGE_SIZE = 1 << PAGE_BITS;
    private static final int MAX_PAGES = 1 << 19;

    private final Object[] locks = new Object[STRIPES];
    @SuppressWarnings("unchecked")
    private final Long2ObjectHashMap<Object>[] byHash = new Long2ObjectHashMap[STRIPES];
    /** Pages by index; read with {@link #PAGES} (acquire, CAS), never with plain loads. */
    private final Page[] pages = new Page[MAX_PAGES];

    private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(Page[].class);
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(MemSeries[].class);

    /** A page of series by ref, with the number of live series in it (a page emptied by collection is freed). */
    private static final class Page {
        /** Read with {@link #SLOTS} (acquire), written with release stores. */
        final MemSeries[] slots = new MemSeries[PAGE_SIZE];
        final java.util.concurrent.atomic.AtomicInteger live = new java.util.concurrent.atomic.AtomicInteger();

        MemSeries get(int i) {
            return (MemSeries) SLOTS.getAcquire(slots, i);
        }

        void set(int i, MemSeries s) {
            SLOTS.setRelease(slots, i, s);
        }
    }

    private Page page(int i) {
        return (Page) PAGES.getAcquire(pages, i);
    }
    private final AtomicLong lastRef = new AtomicLong();
    private final AtomicLong count = new AtomicLong();

    StripeSeries() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
            byHash[i] = new Long2ObjectHashMap<>(16, 0.8f);
        }
    }

    /** The series with this ref, or null. Lock-free. */
    MemSeries getByRef(long ref) {
        if (ref <= 0 || (ref >>> PAGE_BITS) >= MAX_PAGES) {
            return null;
        }
        Page page = page((int) (ref >>> PAGE_BITS));
        return page == null ? null : page.get((int) (ref & (PAGE_SIZE - 1)));
    }

    /** The series with these labels, or null. */
    MemSeries getByLabels(Labels labels) {
        long h = labels.hash();
        int stripe = (int) (h & (STRIPES - 1));
        synchronized (locks[stripe]) {
            return find(byHash[stripe].get(h), labels);
        }
    }

    /** Result of {@link #getOrCreate}: the series and whether this call created it. */
    record Lookup(MemSeries series, boolean created) {
    }

    /**
     * Returns the series with these labels, creating it with the next ref when absent.
     * {@code onCreate} runs under the stripe lock with the new ref before the series becomes
     * visible by labels (the head uses it to index the series).
     */
    Lookup getOrCreate(Labels labels, java.util.function.Consumer<MemSeries> onCreate) {
        long h = labels.hash();
        int stripe = (int) (h & (STRIPES - 1));
        synchronized (locks[stripe]) {
            Long2ObjectHashMap<Object> map = byHash[stripe];
            Object slot = map.get(h);
            MemSeries s = find(slot, labels);
            if (s != null) {
                return new Lookup(s, false);
            }
            s = new MemSeries(lastRef.incrementAndGet(), labels);
            insert(map, h, slot, s, onCreate);
            return new Lookup(s, true);
        }
    }

    /**
     * Replay: returns the series with these labels, creating it with exactly {@code ref} when
     * absent. When the labels already exist under another ref (the WAL logged the same series
     * twice) the existing series is returned; the caller maps the logged ref to it.
     */
    MemSeries getOrCreateWithRef(long ref, Labels labels, java.util.function.Consumer<MemSeries> onCreate) {
        long h = labels.hash();
        int stripe = (int) (h & (STRIPES - 1));
        synchronized (locks[stripe]) {
            Long2ObjectHashMap<Object> map = byHash[stripe];
            Object slot = map.get(h);
            MemSeries s = find(slot, labels);
            if (s != null) {
                return s;
            }
            if (getByRef(ref) != null) {
                throw new IllegalStateException("series ref logged twice for different labels [ref=" + ref + "]");
            }
            s = new MemSeries(ref, labels);
            lastRef.accumulateAndGet(ref, Math::max);
            insert(map, h, slot, s, onCreate);
            return s;
        }
    }

    /**
     * Makes a new series findable: by ref, then (after {@code onCreate} indexed it) by labels
     * under hash {@code h}, next to any series whose labels collide on the hash. Under the
     * stripe lock.
     */
    private void insert(Long2ObjectHashMap<Object> map, long h, Object slot, MemSeries s,
                        java.util.function.Consumer<MemSeries> onCreate) {
        putByRef(s);
        onCreate.accept(s);
        if (slot == null) {
            map.put(h, s);
        } else if (slot instanceof MemSeries other) {
            map.put(h, new MemSeries[] {other, s});
        } else {
            MemSeries[] arr = (MemSeries[]) slot;
            MemSeries[] grown = java.util.Arrays.copyOf(arr, arr.length + 1);
            grown[arr.length] = s;
            map.put(h, grown);
        }
        count.incrementAndGet();
    }

    private void putByRef(MemSeries s) {
        int pageIdx = (int) (s.ref() >>> PAGE_BITS);
        if (pageIdx >= MAX_PAGES) {
            throw new IllegalStateException("series ref space exhausted [ref=" + s.ref() + "]");
        }
        while (true) {
            Page page = page(pageIdx);
            if (page == null) {
                PAGES.compareAndSet(pages, pageIdx, (Page) null, new Page());
                page = page(pageIdx);
                if (page == null) {
                    continue;
                }
            }
            page.live.incrementAndGet();
            page.set((int) (s.ref() & (PAGE_SIZE - 1)), s);
            if (page(pageIdx) == page) {
                return;
            }
            // The collector freed this page between our read and our increment: use a new one.
        }
    }

    /** Highest ref handed out so far (0 when none). */
    long lastRef() {
        return lastRef.get();
    }

    /** Number of allocated ref pages (each {@value #PAGE_SIZE} slots); for tests of memory release. */
    int allocatedPages() {
        int n = 0;
        long top = lastRef.get() >>> PAGE_BITS;
        for (int i = 0; i <= top && i < MAX_PAGES; i++) {
            if (page(i) != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Calls {@code action} with the live series of each allocated page, page by page (a page's
     * series in ref order; {@code buf} is reused between pages and holds {@code n} entries).
     * Series created during the walk may or may not be visited.
     */
    void forEachPage(java.util.function.ObjIntConsumer<MemSeries[]> action) {
        long top = lastRef.get() >>> PAGE_BITS;
        MemSeries[] buf = new MemSeries[PAGE_SIZE];
        for (int i = 0; i <= top && i < MAX_PAGES; i++) {
            Page page = page(i);
            if (page == null) {
                continue;
            }
            int n = 0;
            for (int k = 0; k < PAGE_SIZE; k++) {
                MemSeries s = page.get(k);
                if (s != null) {
                    buf[n++] = s;
                }
            }
            if (n > 0) {
                action.accept(buf, n);
                java.util.Arrays.fill(buf, 0, n, null);
            }
        }
    }

    /**
     * Collects {@code s} when {@link MemSeries#markDeadIfUnused} agrees: under its stripe lock the
     * series is marked dead and removed by labels and by ref, so no lookup returns it afterwards.
     * A page left empty is freed unless new refs may still land in it (the page of the newest ref).
     * Returns whether the series was removed.
     */
    boolean removeIfUnused(MemSeries s, long mint) {
        long h = s.labels.hash();
        int stripe = (int) (h & (STRIPES - 1));
        synchronized (locks[stripe]) {
            if (!s.markDeadIfUnused(mint)) {
                return false;
            }
            Long2ObjectHashMap<Object> map = byHash[stripe];
            Object slot = map.get(h);
            if (slot == s) {
                map.remove(h);
            } else if (slot instanceof MemSeries[] arr) {
                int k = 0;
                MemSeries[] rest = new MemSeries[arr.length - 1];
                for (MemSeries o : arr) {
                    if (o != s && k < rest.length) {
                        rest[k++] = o;
                    }
                }
                map.put(h, rest.length == 1 ? rest[0] : rest);
            }
            int pageIdx = (int) (s.ref() >>> PAGE_BITS);
            Page page = page(pageIdx);
            page.set((int) (s.ref() & (PAGE_SIZE - 1)), null);
            if (page.live.decrementAndGet() == 0 && pageIdx < (lastRef.get() >>> PAGE_BITS)) {
                // Refs only grow: no series will be put into a page below the newest ref's page.
                PAGES.compareAndSet(pages, pageIdx, page, (Page) null);
            }
            count.decrementAndGet();
            return true;
        }
    }

    private static MemSeries find(Object slot, Labels labels) {
        if (slot == null) {
            return null;
        }
        if (slot instanceof MemSeries s) {
            return s.labels.equals(labels) ? s : null;
        }
        for (MemSeries s : (MemSeries[]) slot) {
            if (s.labels.equals(labels)) {
                return s;
            }
        }
        return null;
    }

    /** Number of live series. */
    long size() {
        return count.get();
    }
}
