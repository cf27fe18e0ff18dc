package io.gnomon.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Dispatches a complete request to its {@link Route}: 404 for an unknown path and 405 with an
 * {@code Allow} header for a method the route does not answer, both as Prometheus-shaped JSON.
 * Inline routes run on the event loop; the others on the worker pool. A handler that throws
 * becomes a 500 naming the failure (it is our fault, and a client may retry).
 */
final class RouterHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = Logger.getLogger(RouterHandler.class.getName());

    private final Router router;
    private final ExecutorService pool;
    private final Cors cors;
    private final WebSecurity security;

    RouterHandler(Router router, ExecutorService pool, Cors cors) {
        this(router, pool, cors, WebSecurity.NONE);
    }

    RouterHandler(Router router, ExecutorService pool, Cors cors, WebSecurity security) {
        super(false);
        this.router = router;
        this.pool = pool;
        this.cors = cors;
        this.security = security;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        DecoderResult dr = req.decoderResult();
        if (dr.isFailure()) {
            req.release();
            write(ctx, false, null, decodeFailure(dr.cause()));
            return;
        }
        if (security.authRequired()) {
            String authorization = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            Boolean known = security.cached(authorization);
            if (known == null) {
                // bcrypt takes tens of milliseconds: verify on the worker pool, then carry on there.
                try {
                    pool.execute(() -> {
                        if (security.verify(authorization)) {
                            dispatch(ctx, req);
                        } else {
                            unauthorized(ctx, req);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    req.release();
                    write(ctx, false, null, overloaded());
                }
                return;
            }
            if (!known) {
                unauthorized(ctx, req);
                return;
            }
        }
        dispatch(ctx, req);
    }

    private void unauthorized(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        req.release();
        FullHttpResponse r = Responses.text(HttpResponseStatus.UNAUTHORIZED, "Unauthorized\n");
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic");
        write(ctx, keepAlive, null, r);
    }

    private static FullHttpResponse overloaded() {
        FullHttpResponse r = Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "unavailable",
            "server overloaded: too many requests in progress");
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        return r;
    }

    /** Routes an authorized request; may run on the event loop or (after a bcrypt check) on a worker. */
    private void dispatch(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String path = new QueryStringDecoder(req.uri()).path();
        // Cross-origin headers belong to the API only, as in Prometheus.
        String origin = cors != null && path.startsWith("/api/") ? req.headers().get(HttpHeaderNames.ORIGIN) : null;
        if (path.startsWith("/api/") && req.method() == HttpMethod.OPTIONS) {
            req.release();
            write(ctx, keepAlive, origin, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
            return;
        }
        Route route = router.find(path);
        if (route == null) {
            req.release();
            write(ctx, keepAlive, origin, Responses.error(HttpResponseStatus.NOT_FOUND, "not_found",
                "no endpoint at " + path));
            return;
        }
        if (!route.methods().contains(req.method())) {
            req.release();
            String allow = Router.allow(route, path.startsWith("/api/")); // the API also answers CORS preflights
            FullHttpResponse r = Responses.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "bad_data",
                "method " + req.method() + " not allowed for " + path + "; allowed: " + allow);
            r.headers().set(HttpHeaderNames.ALLOW, allow);
            write(ctx, keepAlive, origin, r);
            return;
        }
        if (route.inline()) {
            write(ctx, keepAlive, origin, run(ctx, route, req));
            return;
        }
        Route.Admission admission = route.admission();
        if (admission != null && !admission.tryAcquire()) {
            req.release();
            write(ctx, keepAlive, origin, admission.refusal());
            return;
        }
        try {
            pool.execute(() -> {
                try {
                    write(ctx, keepAlive, origin, run(ctx, route, req));
                } finally {
                    if (admission != null) {
                        admission.release();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            if (admission != null) {
                admission.release();
            }
            req.release();
            write(ctx, keepAlive, origin, overloaded());
        }
    }

    /** A request Netty could not decode: too long a line or header block is 414/413, anything else 400. */
    static FullHttpResponse decodeFailure(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Responses.error(HttpResponseStatus.REQUEST_URI_TOO_LONG, "bad_data",
                "request line longer than " + HttpServer.MAX_LINE_AND_HEADER_BYTES + " bytes");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Responses.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "bad_data",
                "request headers larger than " + HttpServer.MAX_LINE_AND_HEADER_BYTES + " bytes");
        }
        return Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_data", "malformed HTTP request: " + cause.getMessage());
    }

    private static FullHttpResponse run(ChannelHandlerContext ctx, Route route, FullHttpRequest req) {
        ClientConnection.enter(ctx.channel());
        try {
            FullHttpResponse r = route.handler().handle(req);
            if (req.method() == HttpMethod.HEAD) {
                r.content().clear();
            }
            return r;
        } catch (Exception | Error e) {
            // Errors too (a LinkageError from a half-replaced jar, an AssertionError): without an
            // answer the client would wait on a request that no thread handles any more.
            LOG.log(Level.WARNING, "handler failed [path=" + route.path() + "]", e);
            return Responses.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal",
                "internal error: " + e);
        } finally {
            ClientConnection.exit();
            req.release();
        }
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, String origin, FullHttpResponse r) {
        if (origin != null) {
            cors.apply(origin, r.headers());
        }
        security.headers().forEach((k, v) -> r.headers().set(k, v));
        HttpUtil.setContentLength(r, r.content().readableBytes());
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(Level.FINE, "connection error", cause);
        ctx.close();
    }
}
