package io.gnomon.promql.engine.value;

/**
 * A query result: one of the four PromQL value types. Samples are held in primitive arrays;
 * nothing here boxes a sample. Native-histogram samples (their own issue) will be held in a
 * parallel array of histogram objects next to the float arrays, with the float slot unused.
 */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {
    /** Prometheus's name of the type: {@code scalar}, {@code string}, {@code vector}, {@code matrix}. */
    String typeName();
}
