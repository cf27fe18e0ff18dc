package io.gnomon.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Aggregates request bodies up to the server's hard cap; past it, answers 413 in the words of the
 * route the request was for ({@link Route.Admission#tooLarge}: remote-write, for instance, adds its
 * written-counts headers to every answer) and closes the connection, since the rest of the body
 * is not read.
 */
final class CappedAggregator extends HttpObjectAggregator {

    private final Router router;
    private final int maxBytes;

    CappedAggregator(Router router, int maxBytes) {
        super(maxBytes);
        this.router = router;
        this.maxBytes = maxBytes;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
        if (!(oversized instanceof HttpRequest req)) {
            super.handleOversizedMessage(ctx, oversized);
            return;
        }
        Route route = router.find(new QueryStringDecoder(req.uri()).path());
        Route.Admission admission = route != null ? route.admission() : null;
        long declared = HttpUtil.getContentLength(oversized, -1L);
        // The aggregator releases the oversized message itself.
        FullHttpResponse r = admission != null ? admission.tooLarge(declared, maxBytes) : Responses.bodyTooLarge(declared, maxBytes);
        r.headers().set(HttpHeaderNames.CONNECTION, "close");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }
}
