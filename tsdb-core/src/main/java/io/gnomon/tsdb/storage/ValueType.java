package io.gnomon.tsdb.storage;

/**
 * What a sample iterator is positioned on. Returned by {@link SampleIterator#next()} and
 * {@link SampleIterator#seek(long)} so that float and (later) histogram samples share one
 * iterator without boxing.
 */
public enum ValueType {
    /** Exhausted: no sample. */
    NONE,
    /** A float sample: read it with {@link SampleIterator#atT()} and {@link SampleIterator#atV()}. */
    FLOAT,
    /** An integer native histogram sample (reserved for the native-histogram issue). */
    HISTOGRAM,
    /** A float native histogram sample (reserved for the native-histogram issue). */
    FLOAT_HISTOGRAM
}
