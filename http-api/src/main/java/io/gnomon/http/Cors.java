package io.gnomon.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Cross-origin headers for the API, as Prometheus's {@code --web.cors.origin} sets them: only
 * when the request names an {@code Origin}; the default {@code .*} answers {@code *}, any other
 * pattern echoes an origin it matches (fully anchored) and leaves others without an allow header.
 */
final class Cors {

    private final boolean any;
    private final Pattern origin;

    Cors(String regex) {
        try {
            this.origin = Pattern.compile("^(?:" + regex + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid CORS origin regex: " + e.getDescription() + " [regex=" + regex + "]");
        }
        this.any = regex.equals(".*");
    }

    /** Adds the CORS headers for a request from {@code requestOrigin} (null: none added). */
    void apply(String requestOrigin, HttpHeaders out) {
        if (requestOrigin == null) {
            return;
        }
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Accept, Authorization, Content-Type, Origin");
        out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
        out.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "Date");
        out.set(HttpHeaderNames.VARY, "Origin");
        if (any) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else if (origin.matcher(requestOrigin).matches()) {
            out.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, requestOrigin);
        }
    }
}
