package io.gnomon.bench.sidebyside;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A minimal gRPC client for the benchmarks: unary calls over one HTTP/2 cleartext connection with
 * prior knowledge (what OTLP/gRPC exporters open), each call its own stream, any number of calls
 * in flight from several threads. The JDK's HTTP client cannot speak h2c with prior knowledge.
 */
final class GrpcClient implements AutoCloseable {
    private final EventLoopGroup group = new NioEventLoopGroup(1);
    private final Channel connection;
    private final String authority;

    GrpcClient(String host, int port) throws InterruptedException {
        this.authority = host + ":" + port;
        connection = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build());
                ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
            }
        }).connect(host, port).sync().channel();
    }

    /**
     * Sends {@code message} (uncompressed) to {@code path} and waits for the answer: the
     * {@code grpc-status} (0 is OK), or -1 when the stream ended without one.
     */
    int call(String path, byte[] message) throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Http2StreamChannel stream = new Http2StreamChannelBootstrap(connection).handler(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof Http2HeadersFrame h) {
                        CharSequence s = h.headers().get("grpc-status");
                        if (s != null) {
                            status.complete(Integer.parseInt(s.toString()));
                        } else if (h.isEndStream()) {
                            status.complete(-1);
                        }
                    } else if (msg instanceof Http2DataFrame d && d.isEndStream()) {
                        status.complete(-1);
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                status.complete(-1);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                status.completeExceptionally(cause);
            }
        }).open().sync().getNow();
        Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").authority(authority).path(path)
            .set("content-type", "application/grpc").set("te", "trailers");
        stream.write(new DefaultHttp2HeadersFrame(headers, false));
        ByteBuf frame = stream.alloc().buffer(5 + message.length);
        frame.writeByte(0).writeInt(message.length).writeBytes(message); // uncompressed, length-prefixed
        stream.writeAndFlush(new DefaultHttp2DataFrame(frame, true));
        try {
            return status.get(60, TimeUnit.SECONDS);
        } finally {
            stream.close();
        }
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
