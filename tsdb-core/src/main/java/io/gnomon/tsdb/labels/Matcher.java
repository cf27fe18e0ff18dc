package io.gnomon.tsdb.labels;

import java.util.regex.Pattern;

/**
 * A label matcher: {@code name op "value"}. A missing label matches as the empty string.
 * Regular expressions are fully anchored. Immutable and thread-safe.
 */
public final class Matcher {
    private final MatchType type;
    private final String name;
    private final String value;
    private final Pattern pattern;

    private Matcher(MatchType type, String name, String value, Pattern pattern) {
        this.type = type;
        this.name = name;
        this.value = value;
        this.pattern = pattern;
    }

    public static Matcher create(MatchType type, String name, String value) {
        Pattern p = type == MatchType.RE || type == MatchType.NRE ? Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL) : null;
        return new Matcher(type, name, value, p);
    }

    public static Matcher eq(String name, String value) {
        return create(MatchType.EQ, name, value);
    }

    public MatchType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    public boolean matches(String v) {
        return switch (type) {
            case EQ -> value.equals(v);
            case NEQ -> !value.equals(v);
            case RE -> pattern.matcher(v).matches();
            case NRE -> !pattern.matcher(v).matches();
        };
    }

    public boolean matchesEmpty() {
        return matches("");
    }

    @Override
    public String toString() {
        return name + type.op() + Labels.quote(value);
    }
}
