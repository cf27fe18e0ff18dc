package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --web.config.file}: TLS (three key encodings, mutual TLS), basic auth with bcrypt, extra
 * headers, and the errors for bad files, with real clients; each file is also given to
 * {@code promtool check web-config}, which must agree.
 */
class WebConfigTest {

    @TempDir
    static Path dir;

    static final String PASSWORD = "s3cret pass";
    static String hash;

    @BeforeAll
    static void fixtures() throws Exception {
        for (String f : new String[] {"ca.pem", "server.pem", "server.key", "server-pkcs1.key", "server-ec.pem", "server-ec.key",
            "client.p12"}) {
            try (InputStream in = WebConfigTest.class.getResourceAsStream("/tls/" + f)) {
                Files.write(dir.resolve(f), in.readAllBytes());
            }
        }
        hash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToString(6, PASSWORD.toCharArray());
    }

    private static Path config(String name, String yaml) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    private static Gnomon start(Path webConfig) throws Exception {
        Path data = Files.createTempDirectory(dir, "data");
        Gnomon g = new Gnomon(Flags.parse(new String[] {"--web.listen-address=127.0.0.1:0", "--storage.tsdb.path=" + data,
            "--web.config.file=" + webConfig}), BuildInfo.load());
        g.start();
        return g;
    }

    private static SSLContext clientTls(boolean withClientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(dir.resolve("ca.pem"))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (withClientCert) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(Files.newInputStream(dir.resolve("client.p12")), "changeit".toCharArray());
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpResponse<String> get(SSLContext tls, int port, String path, String user, String password) throws Exception {
        HttpClient c = HttpClient.newBuilder().sslContext(tls).build();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return c.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** promtool's verdict on a web config file (exit code), or -1 when promtool is absent outside CI. */
    private static int promtool(Path file) throws Exception {
        String bin = PrometheusProcess.binary("promtool");
        Process p = new ProcessBuilder(bin, "check", "web-config", file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return p.exitValue();
    }

    @Test
    void tlsBasicAuthAndHeaders() throws Exception {
        Path cfg = config("web.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS12\n"
            + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n"
            + "basic_auth_users:\n  alice: " + hash + "\n");
        assertEquals(0, promtool(cfg));
        try (Gnomon g = start(cfg)) {
            int port = g.address().getPort();
            SSLContext tls = clientTls(false);
            HttpResponse<String> ok = get(tls, port, "/api/v1/labels", "alice", PASSWORD);
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("deny", ok.headers().firstValue("X-Frame-Options").orElse(null));
            // Cached verdict: the same credentials again.
            assertEquals(200, get(tls, port, "/api/v1/status/buildinfo", "alice", PASSWORD).statusCode());
            HttpResponse<String> wrong = get(tls, port, "/api/v1/labels", "alice", "wrong");
            assertEquals(401, wrong.statusCode());
            assertEquals("Basic", wrong.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, get(tls, port, "/api/v1/labels", "mallory", PASSWORD).statusCode());
            assertEquals(401, get(tls, port, "/-/healthy", null, null).statusCode());
            // Plain HTTP to the TLS port: a readable refusal, then the connection closes.
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5000);
                s.getOutputStream().write("GET /-/healthy HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.0 400") && answer.contains("HTTP request to an HTTPS server"), answer);
            }
        }
    }

    @Test
    void pkcs1AndEcKeys() throws Exception {
        for (String[] pair : new String[][] {{"server.pem", "server-pkcs1.key"}, {"server-ec.pem", "server-ec.key"}}) {
            Path cfg = config("web-" + pair[1] + ".yml", "tls_server_config:\n  cert_file: " + pair[0] + "\n  key_file: " + pair[1] + "\n");
            assertEquals(0, promtool(cfg), pair[1]);
            try (Gnomon g = start(cfg)) {
                assertEquals(200, get(clientTls(false), g.address().getPort(), "/-/healthy", null, null).statusCode(), pair[1]);
            }
        }
    }

    @Test
    void mutualTls() throws Exception {
        Path cfg = config("web-mtls.yml", "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n"
            + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n");
        assertEquals(0, promtool(cfg));
        try (Gnomon g = start(cfg)) {
            int port = g.address().getPort();
            assertEquals(200, get(clientTls(true), port, "/-/healthy", null, null).statusCode());
            assertThrows(java.io.IOException.class, () -> get(clientTls(false), port, "/-/healthy", null, null));
        }
    }

    @Test
    void badFilesAreRefusedWithFileLineAndField() throws Exception {
        String[][] cases = {
            {"tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  bogus: 1\n", "web-bad1.yml:4: tls_server_config.bogus"},
            {"basic_auth_users:\n  alice: plaintext\n", "web-bad2.yml:2: basic_auth_users.alice"},
            {"tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n", "missing.pem"},
            {"http_server_config:\n  headers:\n    Server: gnomon\n", "can not be configured"},
            {"tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS14\n", "TLS14"},
        };
        int i = 1;
        for (String[] c : cases) {
            Path cfg = config("web-bad" + i++ + ".yml", c[0]);
            IllegalStateException expectedFailure = null;
            try {
                WebConfigFile.load(cfg);
            } catch (java.io.IOException e) {
                assertTrue(e.getMessage().contains(c[1]), e.getMessage() + " should name " + c[1]);
                expectedFailure = new IllegalStateException();
            }
            assertTrue(expectedFailure != null, c[0] + " was accepted");
            assertTrue(promtool(cfg) != 0, "promtool accepts " + c[0]);
        }
    }
}
