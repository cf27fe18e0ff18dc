package io.gnomon.http;

/** Small helpers for writing JSON text. */
public final class Json {

    private Json() {
    }

    /** A JSON string literal for {@code s}, escaping quotes, backslashes and control chars. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        appendQuoted(sb, s);
        return sb.toString();
    }

    public static void appendQuoted(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = escape(c);
            if (esc != null) {
                sb.append(esc);
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }

    /**
     * The escape sequence JSON needs for {@code c} inside a string, or null when {@code c} stands
     * for itself. As Prometheus's encoder (Go's rules): also {@code < > &} and U+2028/U+2029 as
     * {@code \\u} escapes, so that a response is safe to embed in HTML.
     */
    static String escape(char c) {
        if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' && c != 0x2028 && c != 0x2029) {
            return null;
        }
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            default -> String.format("\\u%04x", (int) c);
        };
    }
}
