package io.gnomon.tsdb.storage;

import io.gnomon.tsdb.labels.Labels;

/**
 * A batch of writes. Obtained from {@link Appendable#appender()}, used by one thread, and ended
 * by exactly one {@link #commit()} or {@link #rollback()}; unusable afterwards.
 *
 * <p>Series references: every append takes a {@code ref} and returns one. Pass {@code 0} and the
 * labels when the series is not known; pass a ref that an earlier call returned (in any appender
 * of the same storage) to skip the label lookup — the labels are then only used if the ref is no
 * longer valid. A returned ref of {@code 0} means the series could not be resolved (e.g. invalid
 * labels); the reason is counted in the {@link AppendResult}.
 *
 * <p>Rejections: a sample that can never be stored (out of order, duplicate, too old, invalid
 * labels, limits) is not an exception: it is counted per {@link Rejection} in the result of
 * {@link #commit()}, together with the first rejected series and reason, and the rest of the
 * batch is committed. Nothing is dropped silently.
 *
 * <p>Durability and visibility: nothing is visible to queriers before {@link #commit()}; when
 * commit returns, the accepted samples are in the write-ahead log (where there is one) and
 * visible.
 */
public interface Appender {

    /** Appends a float sample (a {@link StaleNaN} marks the series stale). Returns the series ref. */
    long append(long ref, Labels labels, long t, double v);

    /**
     * Appends a float sample with its start timestamp {@code st} (see {@link SampleIterator#atST()}):
     * {@link SampleIterator#NO_START_TIMESTAMP} is the same as {@link #append(long, Labels, long, double)}.
     * The ST is kept with the sample and is not validated against {@code t}: the sample is
     * accepted or refused by its timestamp alone, exactly as by the plain append, and a repeated
     * sample (same timestamp and value) keeps the ST it was first stored with. Unlike
     * {@link #appendCreatedTimestamp}, nothing is inserted at {@code st}. Returns the series ref.
     *
     * <p>The default drops {@code st} and appends the sample: storage that keeps no start
     * timestamps still stores the sample.
     */
    default long appendWithStartTimestamp(long ref, Labels labels, long st, long t, double v) {
        return append(ref, labels, t, v);
    }

    /** Appends an exemplar to a series. Returns the series ref. */
    long appendExemplar(long ref, Labels labels, Exemplar exemplar);

    /** Records type/unit/help of the series' metric. Returns the series ref. */
    long updateMetadata(long ref, Labels labels, Metadata metadata);

    /**
     * Appends a zero float sample at a counter's created timestamp {@code ct}, the sample whose
     * next value is at {@code t} (remote-write 2.0 {@code created_timestamp}, OTLP start time).
     * The zero is written only when {@code ct < t} and {@code ct} is newer than the series' last
     * sample; otherwise nothing is written and nothing is counted as a rejection, because a
     * created timestamp that is not newer is the normal case (an earlier batch injected it).
     * Returns the series ref.
     *
     * <p>The default does nothing and returns {@code ref}: only a storage that knows each
     * series' last timestamp can honour it (the head overrides this).
     */
    default long appendCreatedTimestamp(long ref, Labels labels, long t, long ct) {
        return ref;
    }

    /** Makes the batch durable and visible and reports what was accepted and rejected. */
    AppendResult commit();

    /** Discards the batch. Series created by it may remain (empty) until head garbage collection. */
    void rollback();
}
