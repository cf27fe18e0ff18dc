package io.gnomon.tsdb.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Set operations over {@link Postings}: {@link #intersect}, {@link #merge} (union) and
 * {@link #without} (difference). All results are lazy cursors: nothing is materialised, and
 * {@code seek} is forwarded to the inputs so that an intersection of a short list with long ones
 * touches only the neighbourhood of the short list's refs. Inputs are consumed; none may be shared
 * between two results.
 */
public final class PostingsOps {

    /** The empty postings. Stateless, so one instance serves everyone; test with {@link #isEmpty}. */
    public static final Postings EMPTY = new Postings() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long v) {
            return false;
        }

        @Override
        public long at() {
            throw new IllegalStateException("empty postings have no current ref");
        }

        @Override
        public String toString() {
            return "EMPTY";
        }
    };

    private PostingsOps() {
    }

    /** True when {@code p} is {@link #EMPTY}: known empty without iterating. */
    public static boolean isEmpty(Postings p) {
        return p == EMPTY;
    }

    /** Refs present in every input; {@link #EMPTY} for no inputs (as Prometheus's {@code Intersect()}). */
    public static Postings intersect(Postings... its) {
        return intersect(Arrays.asList(its));
    }

    public static Postings intersect(List<Postings> its) {
        if (its.isEmpty()) {
            return EMPTY;
        }
        for (Postings p : its) {
            if (isEmpty(p)) {
                return EMPTY;
            }
        }
        if (its.size() == 1) {
            return its.get(0);
        }
        return new Intersection(its.toArray(new Postings[0]));
    }

    /** Refs present in any input, each once; {@link #EMPTY} for no inputs. */
    public static Postings merge(Postings... its) {
        return merge(Arrays.asList(its));
    }

    public static Postings merge(List<Postings> its) {
        List<Postings> live = new ArrayList<>(its.size());
        for (Postings p : its) {
            if (!isEmpty(p)) {
                live.add(p);
            }
        }
        return switch (live.size()) {
            case 0 -> EMPTY;
            case 1 -> live.get(0);
            case 2 -> new Union2(live.get(0), live.get(1));
            default -> new HeapUnion(live.toArray(new Postings[0]));
        };
    }

    /** Refs of {@code full} that are not in {@code drop}. */
    public static Postings without(Postings full, Postings drop) {
        if (isEmpty(full)) {
            return EMPTY;
        }
        if (isEmpty(drop)) {
            return full;
        }
        return new Difference(full, drop);
    }

    /** Drains {@code p} into a new array. */
    public static long[] expand(Postings p) {
        long[] out = new long[16];
        int n = 0;
        while (p.next()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = p.at();
        }
        if (p.err() != null) {
            throw new IllegalStateException("postings failed", p.err());
        }
        return Arrays.copyOf(out, n);
    }

    /** Drains {@code p} and counts its refs. */
    public static int count(Postings p) {
        int n = 0;
        while (p.next()) {
            n++;
        }
        return n;
    }

    /** Sticky first error of a set of inputs. */
    private static Throwable firstErr(Postings[] its) {
        for (Postings p : its) {
            Throwable t = p.err();
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    private static final class Intersection implements Postings {
        private final Postings[] its;
        private long cur;

        Intersection(Postings[] its) {
            this.its = its;
        }

        @Override
        public boolean next() {
            if (!its[0].next()) {
                return false;
            }
            return converge(its[0].at());
        }

        @Override
        public boolean seek(long v) {
            if (!its[0].seek(v)) {
                return false;
            }
            return converge(its[0].at());
        }

        /** Seeks every input to {@code target}, raising the target when one overshoots, until all agree. */
        private boolean converge(long target) {
            int agreed = 1;
            int i = 1;
            while (agreed < its.length) {
                Postings p = its[i];
                if (!p.seek(target)) {
                    return false;
                }
                long at = p.at();
                if (at == target) {
                    agreed++;
                } else {
                    target = at;
                    agreed = 1;
                }
                i = i + 1 == its.length ? 0 : i + 1;
            }
            cur = target;
            return true;
        }

        @Override
        public long at() {
            return cur;
        }

        @Override
        public Throwable err() {
            return firstErr(its);
        }
    }

    /** Union of two cursors, the common case of {@code a|b} set matchers. */
    private static final class Union2 implements Postings {
        private final Postings a;
        private final Postings b;
        private boolean aLive;
        private boolean bLive;
        private boolean started;
        private long cur;

        Union2(Postings a, Postings b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                aLive = a.next();
                bLive = b.next();
            } else {
                if (aLive && a.at() == cur) {
                    aLive = a.next();
                }
                if (bLive && b.at() == cur) {
                    bLive = b.next();
                }
            }
            return pick();
        }

        @Override
        public boolean seek(long v) {
            if (!started) {
                started = true;
                aLive = a.seek(v);
                bLive = b.seek(v);
                return pick();
            }
            if (!aLive && !bLive) {
                return false;
            }
            if (cur >= v) {
                return true;
            }
            if (aLive && a.at() < v) {
                aLive = a.seek(v);
            }
            if (bLive && b.at() < v) {
                bLive = b.seek(v);
            }
            return pick();
        }

        private boolean pick() {
            if (aLive && bLive) {
                cur = Math.min(a.at(), b.at());
            } else if (aLive) {
                cur = a.at();
            } else if (bLive) {
                cur = b.at();
            } else {
                return false;
            }
            return true;
        }

        @Override
        public long at() {
            return cur;
        }

        @Override
        public Throwable err() {
            return a.err() != null ? a.err() : b.err();
        }
    }

    /** K-way union with a binary min-heap keyed by each input's current ref. */
    private static final class HeapUnion implements Postings {
        private final Postings[] all;
        private final Postings[] heap;
        private int size;
        private boolean started;
        private boolean done;
        private long cur;

        HeapUnion(Postings[] its) {
            this.all = its;
            this.heap = new Postings[its.length];
        }

        private void init(boolean seek, long v) {
            started = true;
            size = 0;
            for (Postings p : all) {
                if (seek ? p.seek(v) : p.next()) {
                    heap[size++] = p;
                }
            }
            for (int i = (size >>> 1) - 1; i >= 0; i--) {
                siftDown(i);
            }
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            if (!started) {
                init(false, 0);
            } else {
                // Advance every input that sits on the current ref.
                while (size > 0 && heap[0].at() == cur) {
                    if (heap[0].next()) {
                        siftDown(0);
                    } else {
                        removeTop();
                    }
                }
            }
            return settle();
        }

        @Override
        public boolean seek(long v) {
            if (done) {
                return false;
            }
            if (!started) {
                init(true, v);
                return settle();
            }
            if (cur >= v) {
                return true;
            }
            while (size > 0 && heap[0].at() < v) {
                if (heap[0].seek(v)) {
                    siftDown(0);
                } else {
                    removeTop();
                }
            }
            return settle();
        }

        private boolean settle() {
            if (size == 0) {
                done = true;
                return false;
            }
            cur = heap[0].at();
            return true;
        }

        private void removeTop() {
            heap[0] = heap[--size];
            heap[size] = null;
            if (size > 0) {
                siftDown(0);
            }
        }

        private void siftDown(int i) {
            Postings x = heap[i];
            long key = x.at();
            int half = size >>> 1;
            while (i < half) {
                int c = 2 * i + 1;
                int r = c + 1;
                if (r < size && heap[r].at() < heap[c].at()) {
                    c = r;
                }
                if (key <= heap[c].at()) {
                    break;
                }
                heap[i] = heap[c];
                i = c;
            }
            heap[i] = x;
        }

        @Override
        public long at() {
            return cur;
        }

        @Override
        public Throwable err() {
            return firstErr(all);
        }
    }

    private static final class Difference implements Postings {
        private final Postings full;
        private final Postings drop;
        private boolean dropLive = true;
        private boolean dropStarted;
        private long cur;

        Difference(Postings full, Postings drop) {
            this.full = full;
            this.drop = drop;
        }

        @Override
        public boolean next() {
            if (!full.next()) {
                return false;
            }
            return skipDropped();
        }

        @Override
        public boolean seek(long v) {
            if (!full.seek(v)) {
                return false;
            }
            return skipDropped();
        }

        private boolean skipDropped() {
            while (true) {
                long c = full.at();
                if (dropLive && (!dropStarted || drop.at() < c)) {
                    dropStarted = true;
                    dropLive = drop.seek(c);
                }
                if (!dropLive || drop.at() != c) {
                    cur = c;
                    return true;
                }
                if (!full.next()) {
                    return false;
                }
            }
        }

        @Override
        public long at() {
            return cur;
        }

        @Override
        public Throwable err() {
            return full.err() != null ? full.err() : drop.err();
        }
    }
}
