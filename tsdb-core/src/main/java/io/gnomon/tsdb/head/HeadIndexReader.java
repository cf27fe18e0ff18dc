package io.gnomon.tsdb.head;

import io.gnomon.tsdb.index.IndexReader;
import io.gnomon.tsdb.index.MemPostings;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * The head's {@link IndexReader}: postings from {@link MemPostings}, labels from the series.
 * Live: series created after this reader was opened may appear.
 */
final class HeadIndexReader implements IndexReader {

    private final Head head;

    HeadIndexReader(Head head) {
        this.head = head;
    }

    @Override
    public Postings postings(String name, String... values) {
        return head.postings.postings(name, values);
    }

    @Override
    public Postings postingsForLabelMatching(String name, Predicate<String> match) {
        return head.postings.postingsForLabelMatching(name, match);
    }

    @Override
    public Postings allPostings() {
        return head.postings.all();
    }

    @Override
    public Postings sortedPostings(Postings p) {
        List<MemSeries> list = new ArrayList<>();
        while (p.next()) {
            MemSeries s = head.series.getByRef(p.at());
            if (s != null) {
                list.add(s);
            }
        }
        MemSeries[] arr = list.toArray(new MemSeries[0]);
        Arrays.sort(arr, (a, b) -> a.labels.compareTo(b.labels));
        long[] refs = new long[arr.length];
        for (int i = 0; i < arr.length; i++) {
            refs[i] = arr[i].ref();
        }
        return new LabelOrderPostings(refs);
    }

    @Override
    public List<String> labelValues(String name) {
        return head.postings.labelValues(name);
    }

    @Override
    public List<String> labelNames() {
        return head.postings.labelNames();
    }

    @Override
    public Labels seriesLabels(long ref) {
        MemSeries s = head.series.getByRef(ref);
        return s == null ? null : s.labels;
    }

    @Override
    public void close() {
        // Nothing pinned: the head's index is live.
    }

    /**
     * Refs in label order rather than ref order. {@link #seek} is only meaningful for ref
     * order; here it advances linearly, which keeps the contract "never moves backwards".
     */
    private static final class LabelOrderPostings implements Postings {
        private final long[] refs;
        private int i = -1;

        LabelOrderPostings(long[] refs) {
            this.refs = refs;
        }

        @Override
        public boolean next() {
            return ++i < refs.length;
        }

        @Override
        public boolean seek(long v) {
            if (i < 0) {
                i = 0;
            }
            while (i < refs.length && refs[i] < v) {
                i++;
            }
            return i < refs.length;
        }

        @Override
        public long at() {
            return refs[i];
        }
    }
}
