package io.gnomon.promql.ast;

/**
 * Half-open range {@code [start, end)} of a node in the query text, counted in characters
 * (UTF-16 code units) from the start of the query. {@link #NONE} marks a synthetic node.
 *
 * <p>Prometheus counts bytes; {@link #lineColumn(String)} converts to Prometheus's
 * {@code line:column} (column counted in UTF-8 bytes, both 1-based) for messages such as
 * {@code PromQL info: ... (1:5)}.
 */
public record PosRange(int start, int end) {
    public static final PosRange NONE = new PosRange(-1, -1);

    public static PosRange of(int start, int end) {
        return new PosRange(start, end);
    }

    public PosRange merge(PosRange other) {
        return new PosRange(Math.min(start, other.start), Math.max(end, other.end));
    }

    /** {@code "line:column"} of {@link #start()} in {@code query}, as Prometheus prints it. */
    public String lineColumn(String query) {
        int[] lc = lineColumn(query, start);
        return lc[0] + ":" + lc[1];
    }

    /** 1-based line and 1-based byte column of the character at {@code offset}. */
    public static int[] lineColumn(String query, int offset) {
        int line = 1;
        int lineStart = 0;
        int limit = Math.max(0, Math.min(offset, query.length()));
        for (int i = 0; i < limit; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int bytes = 0;
        for (int i = lineStart; i < limit; i++) {
            char c = query.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(query.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return new int[] {line, bytes + 1};
    }
}
