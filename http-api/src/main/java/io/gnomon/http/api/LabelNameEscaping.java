package io.gnomon.http.api;

/**
 * Prometheus's escaping of UTF-8 label names in URL paths ({@code /api/v1/label/<name>/values}):
 * a name that starts with {@code U__} is value-encoded: {@code _} stands for itself when doubled
 * ({@code __}), and {@code _<hex>_} is the code point {@code <hex>}; e.g.
 * {@code U__http_2e_server} is {@code http.server}. Other names are taken as they are.
 */
final class LabelNameEscaping {

    private LabelNameEscaping() {
    }

    static String unescape(String s) {
        if (!s.startsWith("U__")) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        String body = s.substring(3);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '_') {
                out.append(c);
                continue;
            }
            if (i + 1 < body.length() && body.charAt(i + 1) == '_') {
                out.append('_');
                i++;
                continue;
            }
            int close = body.indexOf('_', i + 1);
            if (close < 0) {
                return s; // not a valid escape: the name is taken literally
            }
            try {
                out.appendCodePoint(Integer.parseInt(body.substring(i + 1, close), 16));
            } catch (IllegalArgumentException e) {
                return s;
            }
            i = close;
        }
        return out.toString();
    }
}
