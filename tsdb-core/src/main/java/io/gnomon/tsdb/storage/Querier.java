package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Matcher;
import java.io.Closeable;
import java.util.List;

/**
 * Reads series over a fixed time range {@code [mint, maxt]} (both inclusive, milliseconds).
 *
 * <p>Results are consistent for the querier's life: series created after the querier was
 * opened may or may not appear, samples appended after may or may not appear, but a sample that
 * was committed before the querier was opened always appears. A querier is used by one thread.
 * {@link #close()} releases what it pins (e.g. blocks being compacted) and is idempotent.
 */
public interface Querier extends Closeable {

    /**
     * Series whose labels match all {@code matchers}. At least one matcher must not match the
     * empty string (as PromQL requires), otherwise the result would be every series;
     * implementations may enforce that.
     *
     * @param sorted whether series must come in label order
     */
    SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers);

    /** Sorted label names of the series matching {@code matchers} (all series if none). */
    List<String> labelNames(Matcher... matchers);

    /** Sorted values of {@code name} over the series matching {@code matchers}. */
    List<String> labelValues(String name, Matcher... matchers);

    @Override
    void close();
}
