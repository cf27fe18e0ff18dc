package io.gnomon.tsdb.storage;

/**
 * The staleness marker: a NaN with a payload that no arithmetic produces. Prometheus writes it
 * (bits {@code 0x7ff0000000000002}) when a series disappears; PromQL treats a series as ended at
 * that timestamp. Compare bits, never values: {@code NaN != NaN}.
 */
public final class StaleNaN {
    /** Bit pattern of the marker. */
    public static final long BITS = 0x7ff0000000000002L;
    /** The marker as a double; test with {@link #is(double)}. */
    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleNaN() {
    }

    public static boolean is(double v) {
        return Double.doubleToRawLongBits(v) == BITS;
    }
}
