package io.gnomon.tsdb.storage;

/**
 * Iterates the samples of one series in increasing timestamp order, over primitives.
 *
 * <p>Contract (as Prometheus's {@code chunkenc.Iterator}): before the first {@link #next()} or
 * {@link #seek(long)} the iterator is on no sample and {@link #atT()}/{@link #atV()} are
 * undefined. After either returned {@link ValueType#NONE} the iterator is exhausted and stays so.
 * Not thread-safe; owned by the caller that obtained it.
 */
public interface SampleIterator {

    /** Advances to the next sample and says what it is, or {@link ValueType#NONE} at the end. */
    ValueType next();

    /**
     * Advances to the first sample with timestamp {@code >= t}. Never moves backwards: when the
     * current sample already satisfies it, stays where it is.
     */
    ValueType seek(long t);

    /** Timestamp of the current sample, in milliseconds since the epoch. */
    long atT();

    /** Value of the current float sample. A stale marker is {@link StaleNaN#VALUE}'s bits. */
    double atV();

    /**
     * Reads the float samples after the current position into {@code ts[off..]} and
     * {@code vs[off..]}, up to {@code max} of them, as repeated {@link #next()} calls would
     * (samples of other types are passed over), and returns how many it stored; 0 means the end
     * (or an error, see {@link #err()}). Afterwards the iterator is on the last sample it passed,
     * so {@link #next()}, {@link #seek(long)} and this method may be mixed.
     *
     * <p>Chunk iterators override it to decode a run of samples with their state in locals, which
     * is what range selections over many samples use.
     */
    default int nextFloats(long[] ts, double[] vs, int off, int max) {
        java.util.Objects.checkFromIndexSize(off, max, Math.min(ts.length, vs.length));
        int n = 0;
        while (n < max) {
            ValueType vt = next();
            if (vt == ValueType.NONE) {
                break;
            }
            if (vt == ValueType.FLOAT) {
                ts[off + n] = atT();
                vs[off + n] = atV();
                n++;
            }
        }
        return n;
    }

    /** The first error met, or {@code null}; checked once after iteration ends. */
    default Throwable err() {
        return null;
    }

    /** An iterator with no samples. */
    SampleIterator EMPTY = new SampleIterator() {
        @Override
        public ValueType next() {
            return ValueType.NONE;
        }

        @Override
        public ValueType seek(long t) {
            return ValueType.NONE;
        }

        @Override
        public long atT() {
            throw new IllegalStateException("empty iterator has no sample");
        }

        @Override
        public double atV() {
            throw new IllegalStateException("empty iterator has no sample");
        }
    };
}
