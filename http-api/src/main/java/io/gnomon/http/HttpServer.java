package io.gnomon.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Netty HTTP/1.1 server. The whole pipeline is assembled in {@link #initializer()}: codec,
 * idle timeout, expect-continue, body aggregation with a size cap (413 past it), gzip of
 * responses when the client accepts it, then the {@link RouterHandler}.
 *
 * <p>Threads: one acceptor, one event loop per core, and a bounded worker pool (one thread per
 * core) for handlers that are not {@link Route#inline() inline}; a full worker queue answers 503.
 */
public final class HttpServer implements Closeable {

    /**
     * Settings of the server.
     *
     * @param corsOrigin regex (fully anchored) of origins allowed cross-origin access to
     *                   {@code /api/}; null for no CORS headers
     * @param security   TLS, basic auth and extra headers ({@code --web.config.file})
     */
    public record Options(String listenAddress, int maxBodyBytes, int idleTimeoutSeconds, int maxConnections,
                          String corsOrigin, WebSecurity security) {

        public Options(String listenAddress, int maxBodyBytes, int idleTimeoutSeconds, int maxConnections) {
            this(listenAddress, maxBodyBytes, idleTimeoutSeconds, maxConnections, null, WebSecurity.NONE);
        }
    }

    /** Longest request line, and most bytes of headers, accepted (Go's default for Prometheus); past them, 413. */
    static final int MAX_LINE_AND_HEADER_BYTES = 1 << 20;

    private final Options options;
    private final Cors cors;
    private final Router router;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ExecutorService handlerPool;
    private final AtomicInteger connections = new AtomicInteger();
    private Channel channel;
    private volatile boolean closed;

    public HttpServer(Options options, Router router) {
        this.options = options;
        this.cors = options.corsOrigin() == null ? null : new Cors(options.corsOrigin());
        this.router = router;
        int cores = Runtime.getRuntime().availableProcessors();
        boolean epoll = Epoll.isAvailable();
        this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
        this.workers = epoll ? new EpollEventLoopGroup(cores) : new NioEventLoopGroup(cores);
        AtomicInteger n = new AtomicInteger();
        this.handlerPool = new ThreadPoolExecutor(cores, cores, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(4096), r -> {
                Thread t = new Thread(r, "gnomon-http-worker-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Binds and starts serving. Returns the bound address (port 0 picks a free port). */
    public InetSocketAddress start() throws InterruptedException {
        Class<? extends ServerChannel> type = Epoll.isAvailable() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerBootstrap b = new ServerBootstrap()
            .group(boss, workers)
            .channel(type)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(initializer());
        channel = b.bind(parseAddress(options.listenAddress())).sync().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    private ChannelInitializer<SocketChannel> initializer() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                if (connections.incrementAndGet() > options.maxConnections()) {
                    connections.decrementAndGet();
                    ch.close();
                    return;
                }
                ch.closeFuture().addListener(f -> connections.decrementAndGet());
                ChannelPipeline p = ch.pipeline();
                if (options.security().ssl() != null) {
                    p.addLast("tls-only", new TlsOnly(options.security().ssl()));
                }
                RequestDeadline deadline = new RequestDeadline(TimeUnit.SECONDS.toMillis(options.idleTimeoutSeconds()));
                // Both see raw bytes: a connection is idle when no byte moves, and a request must be
                // complete within the read timeout however its bytes trickle in.
                p.addLast("idle", new IdleStateHandler(0, 0, options.idleTimeoutSeconds(), TimeUnit.SECONDS));
                p.addLast("deadline", deadline);
                p.addLast("codec", new HttpServerCodec(MAX_LINE_AND_HEADER_BYTES, MAX_LINE_AND_HEADER_BYTES, 8192));
                p.addLast("deadline-end", deadline.end());
                p.addLast("continue", new HttpServerExpectContinueHandler());
                p.addLast("aggregate", new CappedAggregator(router, options.maxBodyBytes()));
                p.addLast("compress", new HttpContentCompressor());
                p.addLast("router", new RouterHandler(router, handlerPool, cors, options.security()));
            }
        };
    }

    /**
     * Parses {@code host:port}, {@code :port} (all interfaces) or {@code [v6]:port}, as
     * Prometheus's {@code --web.listen-address}.
     */
    public static InetSocketAddress parseAddress(String address) {
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("listen address needs a port [address=" + address + "]");
        }
        String host = address.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("listen address has a bad port [address=" + address + "]");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen address has a bad port [address=" + address + "]");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    public int openConnections() {
        return connections.get();
    }

    /** Stops accepting, lets in-flight handlers finish (up to 10 s), closes connections. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        handlerPool.shutdown();
        try {
            handlerPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
