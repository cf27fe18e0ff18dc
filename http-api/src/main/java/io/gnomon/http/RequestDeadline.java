package io.gnomon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A whole request (line, headers and body) must arrive within the read timeout
 * ({@code --web.read-timeout}, Go's {@code ReadTimeout}), however slowly its bytes trickle in: a
 * client that sends a byte now and then is never idle, so the idle timeout alone would let it
 * hold a connection forever. Past the deadline the client gets 408 and the connection closes.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {

    private final long timeoutMillis;
    private ScheduledFuture<?> pending;
    private boolean expired;

    RequestDeadline(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Before the HTTP decoder: the first bytes of a request start its clock. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (expired) {
            ReferenceCountUtil.release(msg); // the answer is out; what still trickles in is dropped
            return;
        }
        if (msg instanceof ByteBuf && pending == null) {
            pending = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
        super.channelRead(ctx, msg);
    }

    /** After the HTTP decoder: the end of the request stops the clock. */
    ChannelInboundHandlerAdapter end() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof LastHttpContent || (msg instanceof HttpRequest req && req.decoderResult().isFailure())) {
                    cancel();
                }
                super.channelRead(ctx, msg);
            }
        };
    }

    private void expire(ChannelHandlerContext ctx) {
        pending = null;
        // Written as raw bytes below the HTTP codec: no request was decoded to pair an answer with.
        String body = "request not received within " + timeoutMillis + " ms\n";
        String answer = "HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
            + "Content-Length: " + body.length() + "\r\n\r\n" + body;
        // Half-close and linger briefly before closing, so the client can read the answer
        // instead of losing it to a reset caused by the bytes it is still sending.
        expired = true;
        ctx.writeAndFlush(Unpooled.copiedBuffer(answer, StandardCharsets.US_ASCII)).addListener(f -> {
            if (ctx.channel() instanceof DuplexChannel d) {
                d.shutdownOutput();
            }
            ctx.executor().schedule(() -> ctx.close(), 500, TimeUnit.MILLISECONDS);
        });
    }

    private void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }
}
