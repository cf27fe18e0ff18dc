package io.gnomon.promql.parser;

import io.gnomon.promql.ast.PosRange;

/**
 * The only exception {@link PromQLParser} throws: a syntax or type error, with
 * Prometheus's wording.
 *
 * <p>{@link #getMessage()} is Prometheus's full text, {@code "1:5: parse error: <detail>"};
 * {@link #detail()} is the part after {@code "parse error: "}. {@link #line()} is 1-based,
 * {@link #column()} is 1-based and counted in UTF-8 bytes, as Prometheus does.
 */
public final class ParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient PosRange pos;
    private final int line;
    private final int column;
    private final String detail;

    ParseException(String query, PosRange pos, String detail) {
        super(format(query, pos, detail), null, false, false);
        this.pos = pos;
        int[] lc = PosRange.lineColumn(query, Math.max(0, pos.start()));
        this.line = lc[0];
        this.column = lc[1];
        this.detail = detail;
    }

    private static String format(String query, PosRange pos, String detail) {
        String where;
        if (query.isEmpty()) {
            where = "unknown position";
        } else if (pos.start() < 0 || pos.start() > query.length()) {
            where = "invalid position";
        } else {
            where = pos.lineColumn(query);
        }
        return where + ": parse error: " + detail;
    }

    /** Position of the offending part of the query. */
    public PosRange pos() {
        return pos;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without position, e.g. {@code unexpected end of input}. */
    public String detail() {
        return detail;
    }
}
