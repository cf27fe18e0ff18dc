package io.gnomon.tsdb.index;

/**
 * Postings over a slice {@code [from, to)} of a sorted {@code long[]} of distinct refs. The array is
 * not copied: the caller must not modify the slice while this cursor is in use. {@link #seek}
 * gallops then binary-searches, so intersecting a short list with a long one costs
 * {@code O(short * log(long))}.
 */
public final class ListPostings implements Postings {
    private final long[] refs;
    private final int to;
    private int pos;
    private long cur;

    public ListPostings(long[] refs) {
        this(refs, 0, refs.length);
    }

    public ListPostings(long[] refs, int from, int to) {
        if (from < 0 || to > refs.length || from > to) {
            throw new IndexOutOfBoundsException("bad slice [from=" + from + ", to=" + to + ", length=" + refs.length + "]");
        }
        this.refs = refs;
        this.pos = from - 1;
        this.to = to;
    }

    /** Number of refs not yet consumed, including the current one. */
    public int remaining() {
        return Math.max(0, to - Math.max(pos, 0));
    }

    @Override
    public boolean next() {
        if (pos + 1 < to) {
            cur = refs[++pos];
            return true;
        }
        pos = to;
        return false;
    }

    @Override
    public boolean seek(long v) {
        if (pos >= to) {
            return false;
        }
        if (pos >= 0 && cur >= v) {
            return true;
        }
        int lo = Math.max(pos, 0);
        int i = gallop(refs, lo, to, v);
        if (i >= to) {
            pos = to;
            return false;
        }
        pos = i;
        cur = refs[i];
        return true;
    }

    @Override
    public long at() {
        return cur;
    }

    /** First index in {@code [lo, hi)} with {@code a[i] >= v}, or {@code hi}. Exponential then binary search. */
    static int gallop(long[] a, int lo, int hi, long v) {
        int step = 1;
        int prev = lo;
        int i = lo;
        while (i < hi && a[i] < v) {
            prev = i + 1;
            i = lo + step;
            step <<= 1;
        }
        int l = prev;
        int h = Math.min(i, hi);
        while (l < h) {
            int mid = (l + h) >>> 1;
            if (a[mid] < v) {
                l = mid + 1;
            } else {
                h = mid;
            }
        }
        return l;
    }
}
