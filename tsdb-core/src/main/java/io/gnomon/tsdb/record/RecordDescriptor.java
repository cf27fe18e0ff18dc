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
 * TOMBSTONES type=3  (reserved for the blocks issue)
 * EXEMPLARS  type=4  uvarint n, then n x ( uvarint ref, svarint t, 8 bytes value,
 *                                          uvarint labelCount, labelCount x ( string, string ) )
 * METADATA   type=6  uvarint n, then n x ( uvarint ref, string metricName, string type,
 *                                          string unit, string help )
 * 7.. reserved for native histograms
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
    public static final byte METADATA = 6;

    private RecordDescriptor() {
    }
}
