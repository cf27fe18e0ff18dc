package io.gnomon.scrape;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/** A real HTTP server on a free loopback port whose paths answer as a test sets them. */
final class FixtureServer implements AutoCloseable {

    interface Handler {
        void handle(HttpExchange ex) throws IOException;
    }

    final HttpServer server;
    final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    final AtomicReference<String> lastAccept = new AtomicReference<>();
    final AtomicReference<String> lastTimeoutHeader = new AtomicReference<>();

    FixtureServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fixture-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", ex -> {
            lastAccept.set(ex.getRequestHeaders().getFirst("Accept"));
            lastTimeoutHeader.set(ex.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds"));
            Handler h = handlers.get(ex.getRequestURI().getPath());
            try {
                if (h == null) {
                    reply(ex, 404, "text/plain", "not found\n");
                } else {
                    h.handle(ex);
                }
            } catch (IOException e) {
                // client went away
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void text(String path, String body) {
        handlers.put(path, ex -> reply(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body));
    }

    void openMetrics(String path, String body) {
        handlers.put(path, ex -> reply(ex, 200, "application/openmetrics-text; version=1.0.0; charset=utf-8", body));
    }

    static void reply(HttpExchange ex, int status, String contentType, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
