package io.gnomon.tsdb.storage;

/**
 * Base of the iterators that walk other iterators (a series' chunks, clipped and filtered) and
 * keep the sample they stand on in fields: the current timestamp, value and start timestamp, the
 * exhausted flag and the first error, with the accessors over them.
 */
public abstract class ComposedSampleIterator implements SampleIterator {
    /** The current sample; valid after a call returned a sample. */
    protected long t;
    protected double v;
    protected long st = NO_START_TIMESTAMP;
    /** Set once exhausted; every later call answers {@link ValueType#NONE} or 0. */
    protected boolean done;
    /** The first error met, reported by {@link #err()}. */
    protected Throwable err;

    /** Marks the iterator exhausted and answers {@link ValueType#NONE}. */
    protected final ValueType finish() {
        done = true;
        return ValueType.NONE;
    }

    @Override
    public final long atT() {
        return t;
    }

    @Override
    public final double atV() {
        return v;
    }

    @Override
    public long atST() {
        return st;
    }

    @Override
    public final Throwable err() {
        return err;
    }
}
