package io.gnomon.promql.engine.value;

/** A string at time {@code t} (milliseconds). */
public record StringValue(long t, String v) implements Value {
    @Override
    public String typeName() {
        return "string";
    }
}
