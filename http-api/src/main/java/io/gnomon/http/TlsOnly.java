package io.gnomon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * First handler of a TLS listener: a TLS client hello makes room for the {@link SslHandler}; plain
 * HTTP gets a plain-text 400 saying the port speaks HTTPS (what Go's server answers) and the
 * connection is closed, instead of a handshake error the client cannot read.
 */
final class TlsOnly extends ByteToMessageDecoder {

    private static final byte[] PLAIN_HTTP = ("HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + "Connection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n").getBytes(StandardCharsets.US_ASCII);

    private final SslContext ssl;

    TlsOnly(SslContext ssl) {
        this.ssl = ssl;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return; // a TLS record header is five bytes
        }
        if (SslHandler.isEncrypted(in)) {
            ctx.pipeline().replace(this, "tls", ssl.newHandler(ctx.alloc()));
        } else {
            in.skipBytes(in.readableBytes());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(PLAIN_HTTP)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
