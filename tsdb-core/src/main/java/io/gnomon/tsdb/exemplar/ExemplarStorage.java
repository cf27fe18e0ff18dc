package io.gnomon.tsdb.exemplar;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Rejection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * In-memory exemplars in one circular buffer of fixed capacity shared by all series, as
 * Prometheus's circular exemplar storage: when full, the oldest exemplar (of any series) is
 * overwritten. Each series' exemplars form a chain through the buffer in timestamp order, so a
 * query walks only the exemplars of the series it matches.
 *
 * <p>Layout: parallel arrays indexed by buffer slot (timestamp, value, labels, owning series and
 * next slot of the same series), so an exemplar costs about 40 bytes plus its labels, and no
 * object per exemplar beyond its label set. Capacity 0 disables the storage.
 *
 * <p>Thread-safe: one lock guards all state; adds are short and queries copy out what they return.
 */
public final class ExemplarStorage {

    private final int capacity;
    private final long[] ts;
    private final double[] values;
    private final Labels[] exLabels;
    private final SeriesEntry[] owner;
    private final int[] next;
    private final Map<Labels, SeriesEntry> bySeries = new HashMap<>();
    private int nextSlot;
    private long size;

    /** The chain of one series: oldest and newest slot. */
    private static final class SeriesEntry {
        final Labels labels;
        int oldest = -1;
        int newest = -1;

        SeriesEntry(Labels labels) {
            this.labels = labels;
        }
    }

    /** Exemplars of one series, oldest first. */
    public record SeriesExemplars(Labels seriesLabels, List<Exemplar> exemplars) {
    }

    public ExemplarStorage(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("exemplar capacity must be >= 0 [capacity=" + capacity + "]");
        }
        this.capacity = capacity;
        this.ts = new long[capacity];
        this.values = new double[capacity];
        this.exLabels = new Labels[capacity];
        this.owner = new SeriesEntry[capacity];
        this.next = new int[capacity];
    }

    public int capacity() {
        return capacity;
    }

    /** Number of exemplars held. */
    public synchronized long size() {
        return size;
    }

    /**
     * Checks an exemplar without storing it: null when it would be stored, otherwise why not.
     * Prometheus's rules: label text at most 128 UTF-8 characters; per series, timestamps must not
     * go backwards; an exact repeat of the newest exemplar is a duplicate.
     */
    public synchronized Rejection validate(Labels series, Exemplar e) {
        if (capacity == 0) {
            return Rejection.EXEMPLARS_DISABLED;
        }
        int n = 0;
        Labels l = e.labels();
        for (int i = 0; i < l.size(); i++) {
            n += l.name(i).codePointCount(0, l.name(i).length()) + l.value(i).codePointCount(0, l.value(i).length());
        }
        if (n > Exemplar.MAX_LABELS_UTF8_LENGTH) {
            return Rejection.EXEMPLAR_LABELS_TOO_LONG;
        }
        SeriesEntry se = bySeries.get(series);
        if (se == null || se.newest < 0) {
            return null;
        }
        int last = se.newest;
        if (e.timestamp() < ts[last]) {
            return Rejection.EXEMPLAR_OUT_OF_ORDER;
        }
        if (e.timestamp() == ts[last]
            && Double.doubleToRawLongBits(e.value()) == Double.doubleToRawLongBits(values[last])
            && e.labels().equals(exLabels[last])) {
            return Rejection.EXEMPLAR_DUPLICATE;
        }
        return null;
    }

    /** Validates and stores; returns null when stored, otherwise the rejection. */
    public synchronized Rejection add(Labels series, Exemplar e) {
        Rejection r = validate(series, e);
        if (r != null) {
            return r;
        }
        int slot = nextSlot;
        SeriesEntry prevOwner = owner[slot];
        if (prevOwner != null) {
            // Overwriting the globally oldest exemplar: it is the oldest of its series too.
            prevOwner.oldest = next[slot];
            if (prevOwner.oldest < 0) {
                prevOwner.newest = -1;
                bySeries.remove(prevOwner.labels);
            }
        } else {
            size++;
        }
        SeriesEntry se = bySeries.computeIfAbsent(series, SeriesEntry::new);
        ts[slot] = e.timestamp();
        values[slot] = e.value();
        exLabels[slot] = e.labels();
        owner[slot] = se;
        next[slot] = -1;
        if (se.newest >= 0) {
            next[se.newest] = slot;
        } else {
            se.oldest = slot;
        }
        se.newest = slot;
        nextSlot = (slot + 1) % capacity;
        return null;
    }

    /**
     * Exemplars with timestamps in {@code [start, end]} of the series matching any of the matcher
     * sets, series sorted by labels.
     */
    public synchronized List<SeriesExemplars> select(long start, long end, List<Matcher[]> matcherSets) {
        List<SeriesExemplars> out = new ArrayList<>();
        for (SeriesEntry se : bySeries.values()) {
            if (!matchesAny(se.labels, matcherSets)) {
                continue;
            }
            List<Exemplar> list = new ArrayList<>();
            for (int i = se.oldest; i >= 0; i = next[i]) {
                if (ts[i] > end) {
                    break;
                }
                if (ts[i] >= start) {
                    list.add(new Exemplar(exLabels[i], values[i], ts[i], true));
                }
            }
            if (!list.isEmpty()) {
                out.add(new SeriesExemplars(se.labels, list));
            }
        }
        out.sort(Comparator.comparing(SeriesExemplars::seriesLabels));
        return out;
    }

    private static boolean matchesAny(Labels labels, List<Matcher[]> sets) {
        if (sets.isEmpty()) {
            return true;
        }
        outer:
        for (Matcher[] set : sets) {
            for (Matcher m : set) {
                if (!m.matches(labels.get(m.name()))) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
