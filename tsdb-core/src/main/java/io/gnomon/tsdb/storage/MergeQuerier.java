package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * One {@link Querier} over several (the head and the blocks overlapping a range), as Prometheus's
 * merge querier: series come in label order, a series present in several queriers is returned
 * once, and its samples are merged by timestamp with duplicates dropped (the querier listed first
 * wins a tie; the same sample stored twice — a block and the head right after a compaction, or
 * overlapping blocks — has the same value anyway). Label names and values are the sorted union.
 *
 * <p>Every input is asked for sorted series. Errors and warnings of the inputs are passed on. The
 * series limit of the hints applies to the merged result. {@link #close()} closes every input
 * (which unpins their blocks); series must not be used after it. Used by one thread.
 */
public final class MergeQuerier implements Querier {

    private final List<Querier> queriers;
    private boolean closed;

    private MergeQuerier(List<Querier> queriers) {
        this.queriers = queriers;
    }

    /** A querier over all of {@code queriers}; the only one itself when there is just one. */
    public static Querier of(List<Querier> queriers) {
        if (queriers.size() == 1) {
            return queriers.get(0);
        }
        return new MergeQuerier(List.copyOf(queriers));
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        List<SeriesSet> sets = new ArrayList<>(queriers.size());
        for (Querier q : queriers) {
            sets.add(q.select(true, hints, matchers));
        }
        return new MergedSeriesSet(sets, hints == null ? 0 : hints.limit());
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>(Labels::compareStrings);
        for (Querier q : queriers) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>(Labels::compareStrings);
        for (Querier q : queriers) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException first = null;
        for (Querier q : queriers) {
            try {
                q.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A k-way merge of sorted series sets; equal labels become one {@link MergedSeries}. */
    static final class MergedSeriesSet implements SeriesSet {
        private final List<SeriesSet> sets;
        private final PriorityQueue<Head> heap;
        private final int limit;
        private int returned;
        private Series current;
        private Throwable err;
        private boolean started;

        /** A set positioned on a series, with its index for tie-breaking (earlier wins). */
        private record Head(SeriesSet set, int index) {
        }

        MergedSeriesSet(List<SeriesSet> sets, int limit) {
            this.sets = sets;
            this.limit = limit;
            this.heap = new PriorityQueue<>(Math.max(1, sets.size()), (a, b) -> {
                int c = a.set.at().labels().compareTo(b.set.at().labels());
                return c != 0 ? c : Integer.compare(a.index, b.index);
            });
        }

        private void advance(SeriesSet s, int index) {
            if (s.next()) {
                heap.add(new Head(s, index));
            } else if (s.err() != null && err == null) {
                err = s.err();
            }
        }

        @Override
        public boolean next() {
            if (!started) {
                started = true;
                for (int i = 0; i < sets.size(); i++) {
                    advance(sets.get(i), i);
                }
            }
            if (err != null || heap.isEmpty() || (limit > 0 && returned >= limit)) {
                current = null;
                return false;
            }
            Head first = heap.poll();
            Labels labels = first.set.at().labels();
            List<Series> same = new ArrayList<>(2);
            same.add(first.set.at());
            List<Head> consumed = new ArrayList<>(2);
            consumed.add(first);
            while (!heap.isEmpty() && heap.peek().set.at().labels().equals(labels)) {
                Head h = heap.poll();
                same.add(h.set.at());
                consumed.add(h);
            }
            current = same.size() == 1 ? same.get(0) : new MergedSeries(labels, same);
            // Series objects stay valid after their set moves on (each implementation captures
            // what its iterator needs), so the inputs can advance now.
            for (Head h : consumed) {
                advance(h.set, h.index);
            }
            returned++;
            return true;
        }

        @Override
        public Series at() {
            return current;
        }

        @Override
        public Throwable err() {
            return err;
        }

        @Override
        public List<String> warnings() {
            List<String> out = new ArrayList<>();
            for (SeriesSet s : sets) {
                out.addAll(s.warnings());
            }
            return out;
        }
    }

    /** One series found in several inputs. */
    record MergedSeries(Labels labels, List<Series> parts) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            SampleIterator[] its = new SampleIterator[parts.size()];
            for (int i = 0; i < its.length; i++) {
                its[i] = parts.get(i).iterator(null);
            }
            return new MergedIterator(its);
        }
    }

    /**
     * Merges iterators by timestamp; of samples with the same timestamp the one of the lowest
     * input index is returned and the others are skipped. Float samples only (the head and blocks
     * hold nothing else yet).
     */
    static final class MergedIterator implements SampleIterator {
        private final SampleIterator[] its;
        /** Timestamp each input is on, or Long.MAX_VALUE when exhausted; unread until first use. */
        private final long[] at;
        private boolean started;
        private int cur = -1;
        private Throwable err;

        MergedIterator(SampleIterator[] its) {
            this.its = its;
            this.at = new long[its.length];
        }

        private void load(int i, ValueType vt) {
            if (vt == ValueType.NONE) {
                at[i] = Long.MAX_VALUE;
                if (its[i].err() != null && err == null) {
                    err = its[i].err();
                }
            } else {
                at[i] = its[i].atT();
            }
        }

        private ValueType pick() {
            int best = -1;
            long bestT = Long.MAX_VALUE;
            for (int i = 0; i < its.length; i++) {
                if (at[i] < bestT) {
                    bestT = at[i];
                    best = i;
                }
            }
            cur = best;
            if (best < 0 || err != null) {
                cur = -1;
                for (int i = 0; i < at.length; i++) {
                    at[i] = Long.MAX_VALUE;
                }
                return ValueType.NONE;
            }
            return ValueType.FLOAT;
        }

        @Override
        public ValueType next() {
            if (!started) {
                started = true;
                for (int i = 0; i < its.length; i++) {
                    load(i, its[i].next());
                }
                return pick();
            }
            if (cur < 0) {
                return ValueType.NONE;
            }
            long t = at[cur];
            // Move every input that sits on the returned timestamp (duplicates) past it.
            for (int i = 0; i < its.length; i++) {
                if (at[i] == t) {
                    load(i, its[i].next());
                }
            }
            return pick();
        }

        @Override
        public ValueType seek(long t) {
            if (started && cur < 0) {
                return ValueType.NONE;
            }
            if (started && at[cur] >= t) {
                return ValueType.FLOAT;
            }
            for (int i = 0; i < its.length; i++) {
                if (!started || (at[i] != Long.MAX_VALUE && at[i] < t)) {
                    load(i, its[i].seek(t));
                }
            }
            started = true;
            return pick();
        }

        @Override
        public long atT() {
            return at[cur];
        }

        @Override
        public double atV() {
            return its[cur].atV();
        }

        @Override
        public long atST() {
            return its[cur].atST();
        }

        @Override
        public Throwable err() {
            return err;
        }
    }
}
