package io.gnomon.tsdb.head;

import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.index.PostingsForMatchers;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.ComposedSampleIterator;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads the head over {@code [mint, maxt]}. Series without samples in the range are skipped.
 * Each series' chunks are captured when the cursor reaches it, so the samples it returns are a
 * consistent prefix of that series at that moment.
 */
final class HeadQuerier implements Querier {

    private final Head head;
    private final long mint;
    private final long maxt;
    private final HeadIndexReader index;

    HeadQuerier(Head head, long mint, long maxt) {
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
        this.index = new HeadIndexReader(head);
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        long from = mint;
        long to = maxt;
        if (hints != null) {
            from = Math.max(from, hints.start());
            to = Math.min(to, hints.end());
        }
        Postings p = PostingsForMatchers.postings(index, matchers);
        if (sorted) {
            p = index.sortedPostings(p);
        }
        return new HeadSeriesSet(p, from, to, hints == null ? 0 : hints.limit());
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        if (matchers.length == 0 && overlapsHead()) {
            return index.labelNames();
        }
        TreeSet<String> names = new TreeSet<>(Labels::compareStrings);
        forEachMatchingSeries(matchers, s -> {
            for (int i = 0; i < s.labels.size(); i++) {
                names.add(s.labels.name(i));
            }
        });
        return new ArrayList<>(names);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        if (matchers.length == 0 && overlapsHead()) {
            return index.labelValues(name);
        }
        TreeSet<String> values = new TreeSet<>(Labels::compareStrings);
        forEachMatchingSeries(matchers, s -> {
            String v = s.labels.get(name);
            if (!v.isEmpty()) {
                values.add(v);
            }
        });
        return new ArrayList<>(values);
    }

    /** Whether the whole head's time range lies within the querier's range. */
    private boolean overlapsHead() {
        return head.minTime() >= mint && head.maxTime() <= maxt;
    }

    private void forEachMatchingSeries(Matcher[] matchers, java.util.function.Consumer<MemSeries> action) {
        Postings p = matchers.length == 0 ? index.allPostings() : PostingsForMatchers.postings(index, matchers);
        while (p.next()) {
            MemSeries s = head.series.getByRef(p.at());
            if (s != null && s.maxTime() >= mint && s.minTime() <= maxt) {
                action.accept(s);
            }
        }
    }

    @Override
    public void close() {
        index.close();
    }

    private final class HeadSeriesSet implements SeriesSet {
        private final Postings postings;
        private final long from;
        private final long to;
        private final int limit;
        private int returned;
        private HeadSeries current;

        HeadSeriesSet(Postings postings, long from, long to, int limit) {
            this.postings = postings;
            this.from = from;
            this.to = to;
            this.limit = limit;
        }

        @Override
        public boolean next() {
            if (limit > 0 && returned >= limit) {
                return false;
            }
            while (postings.next()) {
                MemSeries s = head.series.getByRef(postings.at());
                if (s == null) {
                    continue;
                }
                MemSeries.Snapshot snap = s.snapshot(from, to, head.startTimestamps);
                if (snap == null) {
                    continue;
                }
                current = new HeadSeries(s.labels, snap, from, to);
                returned++;
                return true;
            }
            return false;
        }

        @Override
        public Series at() {
            return current;
        }

        @Override
        public Throwable err() {
            return postings.err();
        }
    }

    private record HeadSeries(Labels labels, MemSeries.Snapshot snapshot, long from, long to) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new ChunksIterator(snapshot.iterators(), from, to);
        }
    }

    /** Concatenates a series' chunk iterators, clipped to {@code [from, to]}. */
    static final class ChunksIterator extends ComposedSampleIterator {
        private final SampleIterator[] chunks;
        private final long from;
        private final long to;
        private int ci;
        private boolean started;

        ChunksIterator(SampleIterator[] chunks, long from, long to) {
            this.chunks = chunks;
            this.from = from;
            this.to = to;
        }

        @Override
        public ValueType next() {
            if (done) {
                return ValueType.NONE;
            }
            if (!started) {
                started = true;
                return seekFrom(from);
            }
            return advance(chunks[ci].next());
        }

        @Override
        public ValueType seek(long target) {
            if (done) {
                return ValueType.NONE;
            }
            if (started && t >= target) {
                return ValueType.FLOAT;
            }
            started = true;
            return seekFrom(Math.max(target, from));
        }

        @Override
        public int nextFloats(long[] ts, double[] vs, int off, int max) {
            java.util.Objects.checkFromIndexSize(off, max, Math.min(ts.length, vs.length));
            int n = 0;
            if (max > 0 && !done && !started) {
                if (next() == ValueType.NONE) {
                    return 0;
                }
                ts[off] = t;
                vs[off] = v;
                n = 1;
            }
            while (n < max && !done) {
                int k = chunks[ci].nextFloats(ts, vs, off + n, max - n);
                if (k > 0) {
                    int last = off + n + k - 1;
                    if (ts[last] > to) {
                        // past the end of the selection: keep what is inside and stop
                        while (k > 0 && ts[off + n + k - 1] > to) {
                            k--;
                        }
                        n += k;
                        if (n > 0) {
                            t = ts[off + n - 1];
                            v = vs[off + n - 1];
                        }
                        finish();
                        return n;
                    }
                    n += k;
                    t = ts[last];
                    v = vs[last];
                } else if (!nextChunk()) {
                    break;
                }
            }
            return n;
        }

        private ValueType seekFrom(long target) {
            while (ci < chunks.length) {
                ValueType vt = chunks[ci].seek(target);
                if (vt != ValueType.NONE) {
                    return settle(vt);
                }
                if (!nextChunk()) {
                    return ValueType.NONE;
                }
            }
            return finish();
        }

        private ValueType advance(ValueType vt) {
            while (vt == ValueType.NONE) {
                if (!nextChunk()) {
                    return ValueType.NONE;
                }
                vt = chunks[ci].next();
            }
            return settle(vt);
        }

        private boolean nextChunk() {
            Throwable e = chunks[ci].err();
            if (e != null) {
                err = e;
                finish();
                return false;
            }
            ci++;
            if (ci >= chunks.length) {
                finish();
                return false;
            }
            return true;
        }

        private ValueType settle(ValueType vt) {
            long ct = chunks[ci].atT();
            if (ct > to) {
                return finish();
            }
            t = ct;
            v = chunks[ci].atV();
            st = chunks[ci].atST();
            return vt;
        }
    }
}
