package io.gnomon.promql.engine;

/**
 * A warning or info attached to a result, as Prometheus words them. {@link #toString()} gives
 * Prometheus's rendering, {@code PromQL warning: <message> (<line>:<col>)}, where the position
 * is the start of the query node the annotation is about.
 */
public record Annotation(Kind kind, String message, String position) {
    public enum Kind { WARNING, INFO }

    @Override
    public String toString() {
        return (kind == Kind.WARNING ? "PromQL warning: " : "PromQL info: ") + message
                + (position == null ? "" : " (" + position + ")");
    }
}
