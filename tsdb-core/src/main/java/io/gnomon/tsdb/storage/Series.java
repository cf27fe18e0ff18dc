package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Labels;

/** One series of a {@link SeriesSet}: its labels and its samples in the querier's range. */
public interface Series {

    Labels labels();

    /**
     * Returns an iterator over this series' samples, reusing {@code reuse} when it is of the
     * implementation's own type (pass {@code null} for a fresh one).
     */
    SampleIterator iterator(SampleIterator reuse);
}
