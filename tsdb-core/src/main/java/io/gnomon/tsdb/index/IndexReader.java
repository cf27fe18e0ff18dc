package io.gnomon.tsdb.index;

import io.gnomon.tsdb.labels.Labels;
import java.io.Closeable;
import java.util.List;
import java.util.function.Predicate;

/**
 * The inverted index of a block or of the head: label pairs to sorted series refs, and series
 * refs to labels. The head's implementation is live (series appear as they are created); a
 * block's is immutable. Used by one thread; {@link #close()} is idempotent.
 */
public interface IndexReader extends Closeable {

    /** Union of the postings of {@code name=value} for each value; empty when none exist. */
    Postings postings(String name, String... values);

    /** Union of the postings of every value of {@code name} that {@code match} accepts. */
    Postings postingsForLabelMatching(String name, Predicate<String> match);

    /**
     * Union of the postings of every value of {@code name}: the series that have the label at all.
     * Implementations with a cheaper path than a match-everything predicate override this.
     */
    default Postings postingsForAllLabelValues(String name) {
        return postingsForLabelMatching(name, v -> true);
    }

    /** Every series ref. */
    Postings allPostings();

    /** The same refs, ordered by their series' labels. */
    Postings sortedPostings(Postings p);

    /** Sorted distinct values of {@code name}. */
    List<String> labelValues(String name);

    /** Sorted distinct label names. */
    List<String> labelNames();

    /** Labels of a series, or {@code null} when the ref is unknown (e.g. garbage-collected). */
    Labels seriesLabels(long ref);

    @Override
    void close();
}
