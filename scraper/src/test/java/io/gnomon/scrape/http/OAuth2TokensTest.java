package io.gnomon.scrape.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.gnomon.scrape.config.HttpClientConfig;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Token caching and expiry with a fake clock, and the token response rules of Go's oauth2 package. */
class OAuth2TokensTest {

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final AtomicReference<String> answer = new AtomicReference<>();
    final AtomicReference<String> contentType = new AtomicReference<>("application/json");
    final AtomicLong now = new AtomicLong(1_000_000);

    @BeforeEach
    void setUp() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/token", ex -> {
            int n = requests.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            byte[] b = answer.get().replace("$N", Integer.toString(n)).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType.get());
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        server.start();
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    OAuth2Tokens tokens(Map<String, String> params) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        return new OAuth2Tokens(new HttpClientConfig.OAuth2("id", "secret", "", List.of(), url, params,
            HttpClientConfig.TlsConfig.NONE, HttpClientConfig.ProxyConfig.NONE), null, Map.of(), "test", now::get);
    }

    String header(OAuth2Tokens t) throws Exception {
        return t.authorization(Duration.ofSeconds(10)).get();
    }

    @Test
    void aTokenIsReusedUntilTenSecondsBeforeItExpires() throws Exception {
        answer.set("{\"access_token\":\"t$N\",\"token_type\":\"bearer\",\"expires_in\":60}");
        OAuth2Tokens t = tokens(Map.of());
        assertEquals("Bearer t1", header(t));
        now.addAndGet(49_999);
        assertEquals("Bearer t1", header(t));
        now.addAndGet(1);
        assertEquals("Bearer t2", header(t));
        assertEquals(2, requests.get());
    }

    @Test
    void aTokenWithoutExpiryIsKept() throws Exception {
        answer.set("{\"access_token\":\"t$N\",\"token_type\":\"mac\"}");
        OAuth2Tokens t = tokens(Map.of());
        assertEquals("MAC t1", header(t));
        now.addAndGet(86_400_000);
        assertEquals("MAC t1", header(t));
        assertEquals(1, requests.get());
    }

    @Test
    void formEncodedResponsesAreRead() throws Exception {
        contentType.set("application/x-www-form-urlencoded");
        answer.set("access_token=t%2B$N&token_type=Bearer&expires_in=3600");
        assertEquals("Bearer t+1", header(tokens(Map.of())));
    }

    @Test
    void endpointParamsMayNotReplaceScope() {
        answer.set("{\"access_token\":\"t\"}");
        OAuth2Tokens t = new OAuth2Tokens(new HttpClientConfig.OAuth2("id", "secret", "", List.of("a"),
            "http://127.0.0.1:" + server.getAddress().getPort() + "/token", Map.of("scope", "b"),
            HttpClientConfig.TlsConfig.NONE, HttpClientConfig.ProxyConfig.NONE), null, Map.of(), "test", now::get);
        ExecutionException e = assertThrows(ExecutionException.class, () -> header(t));
        assertEquals("oauth2: cannot overwrite parameter \"scope\" with endpoint_params", e.getCause().getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void garbageIsAnError() {
        answer.set("<html>login</html>");
        ExecutionException e = assertThrows(ExecutionException.class, () -> header(tokens(Map.of())));
        assertTrue(ConfiguredHttpClient.unwrap(e).getMessage().contains("cannot parse the token response as JSON: <html>login</html>"),
            ConfiguredHttpClient.unwrap(e).getMessage());
    }
}
