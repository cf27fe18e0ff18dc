package io.gnomon.promql.ast;

/**
 * The {@code @} modifier of a selector or subquery: absent, a fixed timestamp in
 * milliseconds, or {@code start()} / {@code end()} of the query.
 */
public record AtModifier(Kind kind, long timestampMillis) {
    public enum Kind { NONE, TIMESTAMP, START, END }

    public static final AtModifier NONE = new AtModifier(Kind.NONE, 0);
    public static final AtModifier START = new AtModifier(Kind.START, 0);
    public static final AtModifier END = new AtModifier(Kind.END, 0);

    public static AtModifier at(long timestampMillis) {
        return new AtModifier(Kind.TIMESTAMP, timestampMillis);
    }

    public boolean isSet() {
        return kind != Kind.NONE;
    }
}
