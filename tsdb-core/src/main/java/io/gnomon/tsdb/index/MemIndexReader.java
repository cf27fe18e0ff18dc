package io.gnomon.tsdb.index;

import io.gnomon.tsdb.labels.Labels;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * An {@link IndexReader} over a {@link MemPostings} and a function from ref to labels. It lets the
 * postings algorithms run without a head (tests, benchmarks); the head implements
 * {@link IndexReader} itself in the same way. Holds no resources; {@link #close()} does nothing.
 */
public final class MemIndexReader implements IndexReader {
    private final MemPostings postings;
    private final LongFunction<Labels> series;

    public MemIndexReader(MemPostings postings, LongFunction<Labels> series) {
        this.postings = postings;
        this.series = series;
    }

    /** Indexes {@code series[i]} under ref {@code i + 1}, as the head numbers series from 1. */
    public static MemIndexReader of(Labels... series) {
        MemPostings p = new MemPostings();
        for (int i = 0; i < series.length; i++) {
            p.add(i + 1, series[i]);
        }
        Labels[] copy = series.clone();
        return new MemIndexReader(p, ref -> ref >= 1 && ref <= copy.length ? copy[(int) ref - 1] : null);
    }

    public MemPostings memPostings() {
        return postings;
    }

    @Override
    public Postings postings(String name, String... values) {
        if (values.length == 0) {
            return PostingsOps.EMPTY;
        }
        return postings.postings(name, values);
    }

    @Override
    public Postings postingsForLabelMatching(String name, Predicate<String> match) {
        return postings.postingsForLabelMatching(name, match);
    }

    @Override
    public Postings postingsForAllLabelValues(String name) {
        return postings.postingsForLabelMatching(name, v -> true);
    }

    @Override
    public Postings allPostings() {
        return postings.all();
    }

    @Override
    public Postings sortedPostings(Postings p) {
        long[] refs = PostingsOps.expand(p);
        Long[] boxed = new Long[refs.length];
        Labels[] labels = new Labels[refs.length];
        for (int i = 0; i < refs.length; i++) {
            boxed[i] = (long) i;
            labels[i] = series.apply(refs[i]);
        }
        Comparator<Long> byLabels = (x, y) -> {
            Labels a = labels[x.intValue()];
            Labels b = labels[y.intValue()];
            if (a == null || b == null) {
                return a == null ? (b == null ? 0 : 1) : -1;
            }
            return a.compareTo(b);
        };
        Arrays.sort(boxed, byLabels);
        long[] out = new long[refs.length];
        for (int i = 0; i < refs.length; i++) {
            out[i] = refs[boxed[i].intValue()];
        }
        return new SortedRefs(out);
    }

    @Override
    public List<String> labelValues(String name) {
        return postings.labelValues(name);
    }

    @Override
    public List<String> labelNames() {
        return postings.labelNames();
    }

    @Override
    public Labels seriesLabels(long ref) {
        return series.apply(ref);
    }

    @Override
    public void close() {
    }

    /** Refs in label order, not ref order: only {@code next} is meaningful. */
    private static final class SortedRefs implements Postings {
        private final long[] refs;
        private int i = -1;

        SortedRefs(long[] refs) {
            this.refs = refs;
        }

        @Override
        public boolean next() {
            if (i + 1 < refs.length) {
                i++;
                return true;
            }
            i = refs.length;
            return false;
        }

        @Override
        public boolean seek(long v) {
            throw new UnsupportedOperationException("label-sorted postings cannot seek by ref");
        }

        @Override
        public long at() {
            return refs[i];
        }
    }
}
