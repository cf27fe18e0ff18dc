package io.gnomon.tsdb.record;

/**
 * Layout constants of the WAL records tsdb-core writes (the WAL itself treats records as opaque
 * bytes). Every record starts with one type byte; integers are LEB128 varints (unsigned, or
 * zig-zag signed where marked), strings are a uvarint byte length followed by UTF-8 bytes, and
 * float values are 8 bytes, big-endian IEEE 754 bits. The entry count {@code n} after the type
 * byte is always written in 5 bytes (a uvarint padded with continuation bits, which every uvarint
 * reader accepts) so that the writer can patch it after the entries.
 *
 * <pre>
 * SERIES     type=1  uvarint n, then n x ( uvarint ref, uvarint labelCount,
 *                                          labelCount x ( string name, string value ) )
 * SAMPLES    type=2  uvarint n, svarint baseRef, svarint baseT,
 *                    then n x ( svarint ref-baseRef, svarint t-baseT, 8 bytes value )
 * TOMBSTONES type=3  uvarint n, then n x ( uvarint ref, svarint mint, svarint maxt ): the samples of
 *                    the series in [mint, maxt] (both inclusive) are deleted at this point of the
 *                    log (admin delete_series; the head deletes eagerly, replay does the same)
 * XOR_SAMPLES type=5 uvarint n, then n x entry; prevRef and prevT start at 0 and follow the
 *                    entries. entry = byte h, [svarint ref-prevRef if h&amp;0x01, else ref = prevRef+1],
 *                    [svarint t-prevT if h&amp;0x02, else t = prevT], [xor value if h&amp;0x04, else
 *                    the value is unchanged]. "xor value" = the value's bits XORed with the bits
 *                    this series had in its previous logged sample (0 for its first), written as
 *                    a byte lz&lt;&lt;3 | tz (whole leading/trailing zero bytes, lz+tz &lt;= 7)
 *                    followed by the 8-lz-tz middle bytes, big-endian. A scrape-like commit
 *                    (consecutive refs, one timestamp) costs one byte per unchanged value.
 * EXEMPLARS  type=4  uvarint n, then n x ( uvarint ref, svarint t, 8 bytes value,
 *                                          uvarint labelCount, labelCount x ( string, string ) )
 * METADATA   type=6  uvarint n, then n x ( uvarint ref, string metricName, string type,
 *                                          string unit, string help )
 * 7..15     reserved for native histograms
 * XOR_BASES type=16 uvarint n, then n x ( uvarint ref, 8 bytes value bits ): sets the series'
 *                    XOR base (its previous logged value) without adding a sample. Written at the
 *                    end of a checkpoint for every live series, because the checkpoint drops old
 *                    samples while the XOR_SAMPLES of the segments after it build on them.
 * ST_SAMPLES type=17 uvarint n, svarint baseRef, svarint baseT, then n x ( svarint ref-baseRef,
 *                    svarint t-baseT, 8 bytes value, svarint t-st ): samples with their start
 *                    timestamps. "No start timestamp" is st = 0, so t-st = t. A sample's value is
 *                    also its series' XOR base from then on, as for SAMPLES. A commit with any
 *                    start timestamp logs all its samples in one ST_SAMPLES record instead of
 *                    XOR_SAMPLES. Readers that do not know start timestamps may read it as SAMPLES
 *                    and ignore the trailing field.
 * </pre>
 *
 * <p>Worked example: a SAMPLES record with two samples, series 5 at t=1000 v=1.0 and series 6 at
 * t=1000 v=2.0, is {@code 02 82 80 80 80 00 0A D0 0F | 00 00 3F F0 00 00 00 00 00 00 | 02 00 40 00 00 00 00 00 00 00}:
 * type 2, n=2 (padded to 5 bytes), baseRef 5 (zig-zag 10), baseT 1000 (zig-zag 2000 = D0 0F), then per sample the
 * zig-zag deltas and the value bits. The WAL compresses records with LZ4, which removes most of
 * the repetition (equal timestamp deltas, small ref deltas, repeated values).
 */
public final class RecordDescriptor {
    public static final byte SERIES = 1;
    public static final byte SAMPLES = 2;
    public static final byte TOMBSTONES = 3;
    public static final byte EXEMPLARS = 4;
    /**
     * Samples with values XORed against each series' previous logged value (the head's commit
     * path). The state is per series and in log order, so a reader must see every XOR_SAMPLES
     * record of a series from its SERIES record on; a checkpoint that drops old samples must
     * re-encode what it keeps (as plain SAMPLES, which reset nothing, followed by XOR_SAMPLES
     * relative to the kept values).
     */
    public static final byte XOR_SAMPLES = 5;
    /** XOR_SAMPLES entry header bit: an explicit ref delta follows (else the ref is previous + 1). */
    public static final int XOR_REF_EXPLICIT = 0x01;
    /** XOR_SAMPLES entry header bit: an explicit timestamp delta follows (else the same timestamp). */
    public static final int XOR_T_EXPLICIT = 0x02;
    /** XOR_SAMPLES entry header bit: the value changed; its XOR follows. */
    public static final int XOR_VALUE_CHANGED = 0x04;
    /** All XOR_SAMPLES entry header bits; others must be 0. */
    public static final int XOR_FLAGS = 0x07;
    public static final byte METADATA = 6;
    /** Per-series XOR bases without samples (see the class comment); written by checkpoints. */
    public static final byte XOR_BASES = 16;
    /** Samples with start timestamps (see the class comment); plain values, like SAMPLES. */
    public static final byte ST_SAMPLES = 17;

    private RecordDescriptor() {
    }
}
