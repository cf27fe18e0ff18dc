package io.gnomon.promql.ast;

import java.util.regex.Pattern;

/**
 * One label matcher of a selector: {@code name op "value"}. Regular expressions are kept as
 * text; the engine compiles them (anchored, RE2 syntax) when it translates to storage
 * matchers.
 */
public record LabelMatcher(Type type, String name, String value) {
    public static final String METRIC_NAME = "__name__";

    public enum Type {
        EQ("="), NEQ("!="), RE("=~"), NRE("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    public static LabelMatcher eq(String name, String value) {
        return new LabelMatcher(Type.EQ, name, value);
    }

    /**
     * Whether the matcher accepts the empty string. Used by the parser's rule that a selector
     * needs one matcher that does not match "". Regular expressions are tested with
     * {@link java.util.regex} as an approximation of RE2, fully anchored.
     */
    public boolean matchesEmpty() {
        switch (type) {
            case EQ:
                return value.isEmpty();
            case NEQ:
                return !value.isEmpty();
            default:
                boolean m;
                try {
                    m = Pattern.compile("(?:" + value + ")", Pattern.DOTALL).matcher("").matches();
                } catch (RuntimeException e) {
                    m = false;
                }
                return type == Type.RE ? m : !m;
        }
    }
}
