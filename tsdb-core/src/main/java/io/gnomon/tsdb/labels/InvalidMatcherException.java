package io.gnomon.tsdb.labels;

/**
 * A label matcher that cannot be built, in practice a regular expression that RE2 (Go's
 * {@code regexp}) rejects. The message has Prometheus's shape, e.g.
 * {@code error parsing regexp: missing closing ): `(foo`}, so users see what Prometheus shows.
 */
public final class InvalidMatcherException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String expr;

    private InvalidMatcherException(String code, String expr) {
        super("error parsing regexp: " + code + ": `" + expr + "`");
        this.code = code;
        this.expr = expr;
    }

    /** Go's {@code syntax.ErrorCode} text, e.g. {@code "invalid escape sequence"}. */
    public String code() {
        return code;
    }

    /** The offending part of the expression. */
    public String expr() {
        return expr;
    }

    static InvalidMatcherException of(String code, String expr) {
        return new InvalidMatcherException(code, expr);
    }

    static final String INVALID_CHAR_RANGE = "invalid character class range";
    static final String INVALID_ESCAPE = "invalid escape sequence";
    static final String INVALID_NAMED_CAPTURE = "invalid named capture";
    static final String INVALID_PERL_OP = "invalid or unsupported Perl syntax";
    static final String INVALID_REPEAT_OP = "invalid nested repetition operator";
    static final String INVALID_REPEAT_SIZE = "invalid repeat count";
    static final String INVALID_UTF8 = "invalid UTF-8";
    static final String MISSING_BRACKET = "missing closing ]";
    static final String MISSING_PAREN = "missing closing )";
    static final String MISSING_REPEAT_ARGUMENT = "missing argument to repetition operator";
    static final String TRAILING_BACKSLASH = "trailing backslash at end of expression";
    static final String UNEXPECTED_PAREN = "unexpected )";
    static final String NESTING_DEPTH = "expression nests too deeply";
    static final String TOO_COMPLEX = "expression too large for the Java regex engine";
}
