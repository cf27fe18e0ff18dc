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
     * Start timestamp (ST, OpenMetrics/OTLP "created"/"start" time) of the current sample in
     * milliseconds since the epoch, or {@link #NO_START_TIMESTAMP} when the sample has none.
     * Undefined before the first {@link #next()}/{@link #seek(long)}, like {@link #atT()}, and
     * not reported by {@link #nextFloats}: a caller that needs start timestamps steps with
     * {@link #next()}/{@link #seek(long)}.
     *
     * <p>A cumulative sample's ST is when its counter started counting from zero; a delta
     * sample's ST is the start of the interval it covers (usually the previous sample's
     * timestamp). The value is not validated: an ST after {@link #atT()} is returned as stored.
     * The default returns {@link #NO_START_TIMESTAMP}: storage that keeps no ST (persisted
     * blocks, see {@code docs/format/chunks.md}) never has one.
     */
    default long atST() {
        return NO_START_TIMESTAMP;
    }

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

    /**
     * The "no start timestamp" value of {@link #atST()}: 0, as in Prometheus, where an ST of 0
     * means "unknown". A real ST of exactly the epoch cannot be represented.
     */
    long NO_START_TIMESTAMP = 0L;

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
