package io.gnomon.promql.engine.value;

/** A scalar at time {@code t} (milliseconds). */
public record Scalar(long t, double v) implements Value {
    @Override
    public String typeName() {
        return "scalar";
    }
}
