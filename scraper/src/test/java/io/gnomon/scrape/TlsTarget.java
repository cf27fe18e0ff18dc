package io.gnomon.scrape;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.gnomon.scrape.tls.PemFiles;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * An HTTPS scrape target on a free loopback port: the test certificate {@code tls/server.pem}
 * (valid for 127.0.0.1, localhost and target.test), and, when asked, a client certificate signed
 * by {@code tls/ca.pem} is required. Records the client certificate's subject and the protocol
 * of the last request.
 */
final class TlsTarget implements AutoCloseable {

    final HttpsServer server;
    final AtomicReference<String> lastClient = new AtomicReference<>();
    final AtomicReference<String> lastProtocol = new AtomicReference<>();
    final AtomicReference<String> lastSni = new AtomicReference<>();
    private final ExecutorService executor;

    TlsTarget(boolean requireClientCert, String body) throws Exception {
        Path dir = Path.of(TlsTarget.class.getResource("/tls/ca.pem").toURI()).getParent();
        List<X509Certificate> chain = PemFiles.certificates(dir.resolve("server.pem"));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", PemFiles.privateKey(dir.resolve("server.key")), new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", PemFiles.certificates(dir.resolve("ca.pem")).get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override
            public void configure(HttpsParameters p) {
                SSLParameters sp = ctx.getDefaultSSLParameters();
                sp.setNeedClientAuth(requireClientCert);
                p.setSSLParameters(sp);
            }
        });
        executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "tls-target");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", ex -> {
            try {
                HttpsExchange hx = (HttpsExchange) ex;
                lastProtocol.set(hx.getSSLSession().getProtocol());
                var names = ((javax.net.ssl.ExtendedSSLSession) hx.getSSLSession()).getRequestedServerNames();
                lastSni.set(names.isEmpty() ? "" : ((javax.net.ssl.SNIHostName) names.get(0)).getAsciiName());
                try {
                    lastClient.set(hx.getSSLSession().getPeerPrincipal().getName());
                } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                    lastClient.set("");
                }
                FixtureServer.reply(ex, 200, "text/plain; version=0.0.4", body);
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
