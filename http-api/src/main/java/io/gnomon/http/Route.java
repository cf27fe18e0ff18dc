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
public record Route(String path, Set<HttpMethod> methods, boolean inline, Handler handler, Admission admission) {

    public Route(String path, Set<HttpMethod> methods, boolean inline, Handler handler) {
        this(path, methods, inline, handler, null);
    }

    /**
     * Admission control for a worker-pool route, checked on the event loop before the request is
     * queued, so that a bounded number of requests (and their bodies) wait or run at once. A
     * refused request is answered with {@link #refusal()} at once; an admitted one holds its
     * permit until its handler has returned ({@link #release()} runs on the worker).
     */
    public interface Admission {
        /** Takes a permit if one is free; never blocks. */
        boolean tryAcquire();

        /** The answer to a request that got no permit (e.g. 429 with Retry-After). */
        FullHttpResponse refusal();

        /** Returns the permit of an admitted request. */
        void release();

        /**
         * The answer to a body past the server's hard cap, which is refused before it reaches the
         * handler; {@code size} is the declared length (-1 when chunked and unknown).
         */
        default FullHttpResponse tooLarge(long size, int maxBytes) {
            return Responses.bodyTooLarge(size, maxBytes);
        }
    }

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
