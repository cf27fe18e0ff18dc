package io.gnomon.http;

import io.gnomon.tsdb.codec.Gunzip;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal gRPC server over Netty's HTTP/2 codec: unary methods only, which is all OTLP needs.
 * Plaintext HTTP/2 with prior knowledge ({@code h2c}), as gRPC clients speak to {@code http://}.
 *
 * <p>gRPC over HTTP/2 (grpc/grpc {@code doc/PROTOCOL-HTTP2.md}): a request is a HEADERS frame
 * ({@code :method POST}, {@code :path /<service>/<method>}, {@code content-type application/grpc...},
 * optional {@code grpc-encoding}), DATA frames carrying length-prefixed messages, end of stream.
 * A length-prefixed message is:
 * <pre>
 * offset 0  1 byte   compressed flag (0: identity, 1: compressed with grpc-encoding)
 * offset 1  4 bytes  message length, unsigned big-endian
 * offset 5  n bytes  the message
 * </pre>
 * The response is HEADERS ({@code :status 200}, {@code content-type application/grpc}), one DATA
 * frame with the length-prefixed response, then trailers ({@code grpc-status},
 * {@code grpc-message} percent-encoded) ending the stream. Errors are "trailers only": one
 * HEADERS frame with {@code :status 200}, the content type and the status, ending the stream.
 *
 * <p>Bounds: a message over {@code maxMessageBytes} (compressed or after gunzip) is answered
 * {@code RESOURCE_EXHAUSTED} and the rest of its stream discarded; a request with more than one
 * message is {@code INVALID_ARGUMENT}; an unknown path {@code UNIMPLEMENTED}; an unknown
 * {@code grpc-encoding} {@code UNIMPLEMENTED}. Calls run on a bounded worker pool, never on the
 * event loop; admission ({@link Method#tryAdmit()}) is checked on the event loop when the headers
 * arrive, before the body is buffered.
 */
public final class GrpcServer implements Closeable {

    public static final int OK = 0;
    public static final int INVALID_ARGUMENT = 3;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;

    /** A unary method's answer: the gRPC status, its message and (on OK) the serialized response. */
    public record Reply(int status, String message, byte[] response) {
    }

    /** One unary method. Thread-safe. */
    public interface Method {
        /** Takes an admission permit without blocking. */
        boolean tryAdmit();

        void release();

        /** The answer when no permit was free (e.g. UNAVAILABLE, which clients retry). */
        Reply refused();

        /** Handles one request message; runs on a worker thread. */
        Reply call(byte[] message, int off, int len);
    }

    private final String listenAddress;
    private final int maxMessageBytes;
    private final Map<String, Method> methods;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService pool;
    private Channel channel;
    private volatile boolean closed;

    /**
     * @param methods by full path, e.g. {@code /opentelemetry.proto.collector.metrics.v1.MetricsService/Export}
     */
    public GrpcServer(String listenAddress, int maxMessageBytes, Map<String, Method> methods) {
        this.listenAddress = listenAddress;
        this.maxMessageBytes = maxMessageBytes;
        this.methods = Map.copyOf(methods);
        int cores = Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = epoll ? new EpollEventLoopGroup(cores) : new NioEventLoopGroup(cores);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4096), r -> {
            Thread t = new Thread(r, "gnomon-grpc-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Binds; returns the bound address (port 0 picks a free one). */
    public InetSocketAddress start() throws InterruptedException {
        Class<? extends ServerChannel> type = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        channel = new ServerBootstrap().group(boss, workers).channel(type)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, 300, TimeUnit.SECONDS));
                    ch.pipeline().addLast("h2", Http2FrameCodecBuilder.forServer()
                        .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(256)
                            .maxHeaderListSize(16 * 1024))
                        .build());
                    ch.pipeline().addLast("streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel sc) {
                            sc.pipeline().addLast(new StreamHandler());
                        }
                    }));
                }
            })
            .bind(HttpServer.parseAddress(listenAddress)).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    /** One request stream: headers, then buffered DATA up to the bound, then one call. */
    private final class StreamHandler extends SimpleChannelInboundHandler<Http2StreamFrame> {
        private Method method;
        private boolean gzip;
        private boolean done;
        private boolean admitted;
        private ByteArrayOutputStream body;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Http2StreamFrame frame) {
            if (frame instanceof Http2HeadersFrame h) {
                if (method == null && !done) {
                    onHeaders(ctx, h.headers());
                }
                if (h.isEndStream() && !done) {
                    finish(ctx);
                }
            } else if (frame instanceof Http2DataFrame d) {
                if (!done) {
                    ByteBuf b = d.content();
                    if (body.size() + b.readableBytes() > maxMessageBytes + 5L) {
                        fail(ctx, RESOURCE_EXHAUSTED, "gRPC message too large [limit=" + maxMessageBytes + "]");
                    } else {
                        try {
                            b.readBytes(body, b.readableBytes());
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
                if (d.isEndStream() && !done) {
                    finish(ctx);
                }
            }
        }

        private void onHeaders(ChannelHandlerContext ctx, Http2Headers h) {
            String path = String.valueOf(h.path());
            Method m = methods.get(path);
            CharSequence ct = h.get("content-type");
            if (m == null) {
                fail(ctx, UNIMPLEMENTED, "unknown method " + path);
                return;
            }
            if (ct == null || !ct.toString().startsWith("application/grpc")) {
                fail(ctx, INVALID_ARGUMENT, "content-type must be application/grpc [content-type=" + ct + "]");
                return;
            }
            CharSequence enc = h.get("grpc-encoding");
            if (enc != null && !enc.toString().equals("identity") && !enc.toString().equals("gzip")) {
                fail(ctx, UNIMPLEMENTED, "unsupported grpc-encoding " + enc + "; supported: gzip, identity");
                return;
            }
            gzip = enc != null && enc.toString().equals("gzip");
            if (!m.tryAdmit()) {
                Reply r = m.refused();
                fail(ctx, r.status(), r.message());
                return;
            }
            admitted = true;
            method = m;
            body = new ByteArrayOutputStream(4096);
        }

        private void finish(ChannelHandlerContext ctx) {
            done = true;
            byte[] b = body.toByteArray();
            body = null;
            Method m = method;
            try {
                pool.execute(() -> {
                    Reply r;
                    try {
                        r = call(m, b);
                    } catch (RuntimeException e) {
                        r = new Reply(INTERNAL, "internal error: " + e, null);
                    } finally {
                        release();
                    }
                    Reply fr = r;
                    ctx.executor().execute(() -> respond(ctx, fr));
                });
            } catch (RejectedExecutionException e) {
                release();
                respond(ctx, new Reply(UNAVAILABLE, "server overloaded; retry later", null));
            }
        }

        private Reply call(Method m, byte[] b) {
            if (b.length < 5) {
                return new Reply(INVALID_ARGUMENT, "truncated gRPC message prefix [bytes=" + b.length + "]", null);
            }
            int flag = b[0];
            long len = ((b[1] & 0xffL) << 24) | ((b[2] & 0xff) << 16) | ((b[3] & 0xff) << 8) | (b[4] & 0xff);
            if (len != b.length - 5) {
                return new Reply(INVALID_ARGUMENT, len > b.length - 5
                    ? "truncated gRPC message [declared=" + len + ", received=" + (b.length - 5) + "]"
                    : "more than one message in a unary call", null);
            }
            if (flag == 0) {
                return m.call(b, 5, (int) len);
            }
            if (flag != 1 || !gzip) {
                return new Reply(INVALID_ARGUMENT, "compressed gRPC message without grpc-encoding gzip", null);
            }
            Gunzip g = Gunzip.forThread();
            int n;
            try {
                n = g.inflate(b, 5, (int) len, null, maxMessageBytes);
            } catch (Gunzip.CorruptGzipException e) {
                return new Reply(INVALID_ARGUMENT, "malformed gzip message [detail=" + e.getMessage() + "]", null);
            }
            if (n < 0) {
                return new Reply(RESOURCE_EXHAUSTED, "gRPC message too large after gunzip [limit=" + maxMessageBytes + "]", null);
            }
            return m.call(g.output(), 0, n);
        }

        private void release() {
            if (admitted) {
                admitted = false;
                method.release();
            }
        }

        private void fail(ChannelHandlerContext ctx, int status, String message) {
            done = true;
            body = null;
            release();
            respond(ctx, new Reply(status, message, null));
        }

        private void respond(ChannelHandlerContext ctx, Reply r) {
            if (!ctx.channel().isActive()) {
                return;
            }
            Http2Headers headers = new DefaultHttp2Headers().status("200").set("content-type", "application/grpc");
            if (r.status() != OK || r.response() == null) {
                headers.set("grpc-status", Integer.toString(r.status()));
                if (!r.message().isEmpty()) {
                    headers.set("grpc-message", percentEncode(r.message()));
                }
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(headers, true));
                return;
            }
            ctx.write(new DefaultHttp2HeadersFrame(headers, false));
            byte[] resp = r.response();
            ByteBuf buf = Unpooled.buffer(5 + resp.length);
            buf.writeByte(0).writeInt(resp.length).writeBytes(resp);
            ctx.write(new DefaultHttp2DataFrame(buf, false));
            Http2Headers trailers = new DefaultHttp2Headers().set("grpc-status", "0");
            if (!r.message().isEmpty()) {
                trailers.set("grpc-message", percentEncode(r.message()));
            }
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (!done) {
                done = true;
                release();
            }
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@code grpc-message}: printable ASCII except {@code %} as is, everything else as {@code %XX} of UTF-8. */
    static String percentEncode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
