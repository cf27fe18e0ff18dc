package io.gnomon.http;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Set;

/**
 * One endpoint: a path (exact, or a prefix when it ends with {@code /}), the methods it answers,
 * whether it may run on the event loop, and the handler.
 *
 * @param inline true for handlers that never block and finish in microseconds (health, build
 *               info); false runs the handler on the worker pool so the event loop never waits
 */
public record Route(String path, Set<HttpMethod> methods, boolean inline, Handler handler) {

    /** Handles a request; returns the full response. Must not retain the request past return. */
    @FunctionalInterface
    public interface Handler {
        FullHttpResponse handle(FullHttpRequest request) throws Exception;
    }

    public boolean isPrefix() {
        return path.endsWith("/");
    }

    public boolean matches(String p) {
        return isPrefix() ? p.startsWith(path) : p.equals(path);
    }
}
