package io.gnomon.tsdb.tombstones;

import java.util.Arrays;

/**
 * An immutable, sorted set of disjoint closed time intervals {@code [mint, maxt]} (ms): the
 * deleted ranges of one series. Adjacent or overlapping intervals are merged on {@link #add}, as
 * Prometheus's {@code Intervals.Add} does.
 */
public final class Intervals {

    /** No interval. */
    public static final Intervals EMPTY = new Intervals(new long[0]);

    /** mint0, maxt0, mint1, maxt1, ... ascending, disjoint, not adjacent. */
    private final long[] bounds;

    private Intervals(long[] bounds) {
        this.bounds = bounds;
    }

    /** The single interval {@code [mint, maxt]}. */
    public static Intervals of(long mint, long maxt) {
        return EMPTY.add(mint, maxt);
    }

    public int size() {
        return bounds.length / 2;
    }

    public boolean isEmpty() {
        return bounds.length == 0;
    }

    public long mint(int i) {
        return bounds[2 * i];
    }

    public long maxt(int i) {
        return bounds[2 * i + 1];
    }

    /** This set with {@code [mint, maxt]} added (merging what it touches); {@code this} if already covered. */
    public Intervals add(long mint, long maxt) {
        if (maxt < mint) {
            return this;
        }
        int n = size();
        long[] out = new long[bounds.length + 2];
        int k = 0;
        int i = 0;
        // Copy intervals that end before the new one starts (not even adjacent).
        while (i < n && maxt(i) < mint && maxt(i) != mint - 1) {
            out[k++] = mint(i);
            out[k++] = maxt(i);
            i++;
        }
        long lo = mint;
        long hi = maxt;
        // Absorb everything that overlaps or touches.
        while (i < n && (mint(i) <= hi || mint(i) - 1 == hi)) {
            lo = Math.min(lo, mint(i));
            hi = Math.max(hi, maxt(i));
            i++;
        }
        out[k++] = lo;
        out[k++] = hi;
        while (i < n) {
            out[k++] = mint(i);
            out[k++] = maxt(i);
            i++;
        }
        return new Intervals(Arrays.copyOf(out, k));
    }

    /** This set with every interval of {@code o} added. */
    public Intervals addAll(Intervals o) {
        Intervals r = this;
        for (int i = 0; i < o.size(); i++) {
            r = r.add(o.mint(i), o.maxt(i));
        }
        return r;
    }

    /** Whether {@code t} lies in an interval. */
    public boolean contains(long t) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int m = (lo + hi) >>> 1;
            if (maxt(m) < t) {
                lo = m + 1;
            } else if (mint(m) > t) {
                hi = m - 1;
            } else {
                return true;
            }
        }
        return false;
    }

    /** Whether some interval overlaps {@code [mint, maxt]}. */
    public boolean overlaps(long mint, long maxt) {
        for (int i = 0; i < size(); i++) {
            if (mint(i) <= maxt && maxt(i) >= mint) {
                return true;
            }
        }
        return false;
    }

    /** Whether one interval covers all of {@code [mint, maxt]}. */
    public boolean covers(long mint, long maxt) {
        for (int i = 0; i < size(); i++) {
            if (mint(i) <= mint && maxt(i) >= maxt) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Intervals iv && Arrays.equals(iv.bounds, bounds);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bounds);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('[').append(mint(i)).append(", ").append(maxt(i)).append(']');
        }
        return sb.append(']').toString();
    }
}
