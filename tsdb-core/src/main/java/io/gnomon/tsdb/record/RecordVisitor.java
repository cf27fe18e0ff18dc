package io.gnomon.tsdb.record;

import io.gnomon.tsdb.labels.Labels;

/**
 * Receives decoded record entries, one call per entry, with primitives: decoding a samples
 * record allocates nothing. Default methods ignore the entry.
 */
public interface RecordVisitor {

    default void series(long ref, Labels labels) {
    }

    default void sample(long ref, long t, double v) {
    }

    /**
     * A sample of an ST_SAMPLES record with its start timestamp {@code st} (0: none). The default
     * hands it to {@link #sample}, dropping the start timestamp, so visitors that do not keep
     * start timestamps still see every sample.
     */
    default void stSample(long ref, long t, double v, long st) {
        sample(ref, t, v);
    }

    /**
     * A sample of an XOR_SAMPLES record: {@code xorBits} is the value's bits XORed with the bits
     * of the series' previous logged sample; the visitor keeps that state per series.
     */
    default void xorSample(long ref, long t, long xorBits) {
    }

    /** The series' samples in {@code [mint, maxt]} are deleted here (a TOMBSTONES entry). */
    default void tombstone(long ref, long mint, long maxt) {
    }

    /** The series' XOR base from now on (an XOR_BASES entry): no sample is added. */
    default void xorBase(long ref, long bits) {
    }

    default void exemplar(long ref, long t, double v, Labels labels) {
    }

    default void metadata(long ref, String metricName, String type, String unit, String help) {
    }
}
