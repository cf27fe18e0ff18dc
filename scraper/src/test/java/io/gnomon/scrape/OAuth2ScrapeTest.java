package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code oauth2} against a real token endpoint on loopback: the client-credentials request as Go's
 * {@code clientcredentials} sends it, the token reused while valid, a new one when the secret file
 * changes, body authentication when basic auth is refused, and a failing endpoint that fails the
 * scrape with a message naming it.
 */
class OAuth2ScrapeTest {

    FixtureServer server;
    MemoryStorage storage;
    ScrapeManager manager;
    @TempDir
    Path dir;
    final AtomicInteger tokenRequests = new AtomicInteger();
    final List<String> tokenBodies = new CopyOnWriteArrayList<>();
    final List<String> tokenAuth = new CopyOnWriteArrayList<>();
    final List<String> scrapeAuth = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        server = new FixtureServer();
        storage = new MemoryStorage();
        manager = new ScrapeManager(storage, ScrapeManager.Options.defaults("Gnomon/test"));
        server.handlers.put("/metrics", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            scrapeAuth.add(String.valueOf(auth));
            if (auth == null || !auth.startsWith("Bearer tok-")) {
                FixtureServer.reply(ex, 401, "text/plain", "no token\n");
                return;
            }
            FixtureServer.reply(ex, 200, "text/plain; version=0.0.4", "oauth_metric 1\n");
        });
    }

    @AfterEach
    void tearDown() {
        manager.close();
        server.close();
    }

    /** A token endpoint that accepts client "gnomon" with secret {@code secret} the given way. */
    void tokenEndpoint(String path, boolean acceptBasic, String secret, String answer) {
        server.handlers.put(path, ex -> {
            int n = tokenRequests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            tokenBodies.add(body);
            tokenAuth.add(auth);
            boolean viaBasic = auth.equals("Basic " + Base64.getEncoder().encodeToString(("gnomon:" + secret).getBytes(StandardCharsets.UTF_8)));
            boolean viaBody = body.contains("client_id=gnomon") && body.contains("client_secret=" + secret);
            if (!ex.getRequestMethod().equals("POST") || !(acceptBasic ? viaBasic : viaBody)) {
                FixtureServer.reply(ex, 401, "application/json", "{\"error\":\"invalid_client\"}");
                return;
            }
            FixtureServer.reply(ex, 200, "application/json", answer.replace("$N", Integer.toString(n)));
        });
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    void apply(String oauth2) {
        manager.apply(ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
            + "  - job_name: o\n    static_configs:\n      - targets: ['" + server.address() + "']\n    oauth2:\n"
            + oauth2.indent(6), dir));
    }

    Target target() {
        return manager.activeTargets().isEmpty() ? null : manager.activeTargets().get(0);
    }

    long ups() {
        return storage.samples("__name__", "up", "instance", server.address(), "job", "o").stream().filter(s -> s.v() == 1).count();
    }

    @Test
    void tokenIsFetchedOnceAndReusedWhileValid() throws Exception {
        tokenEndpoint("/token", true, "s3cret", "{\"access_token\":\"tok-$N\",\"token_type\":\"bearer\",\"expires_in\":3600}");
        apply("client_id: gnomon\nclient_secret: s3cret\ntoken_url: http://" + server.address() + "/token\n"
            + "scopes: [read, write]\nendpoint_params:\n  audience: metrics");
        await("three good scrapes", () -> ups() >= 3);
        assertEquals(1, tokenRequests.get());
        String body = tokenBodies.get(0);
        assertTrue(body.contains("grant_type=client_credentials"), body);
        assertTrue(body.contains("scope=read+write"), body);
        assertTrue(body.contains("audience=metrics"), body);
        assertTrue(scrapeAuth.contains("Bearer tok-1"), scrapeAuth.toString());
    }

    @Test
    void aChangedSecretFileGetsANewToken() throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "one\n");
        server.handlers.put("/token", ex -> {
            int n = tokenRequests.incrementAndGet();
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            tokenAuth.add(auth);
            FixtureServer.reply(ex, 200, "application/json", "{\"access_token\":\"tok-" + n + "\",\"expires_in\":3600}");
        });
        apply("client_id: gnomon\nclient_secret_file: secret\ntoken_url: http://" + server.address() + "/token");
        await("a good scrape", () -> ups() >= 1);
        Files.writeString(secret, "two\n");
        await("the token of the new secret", () -> scrapeAuth.contains("Bearer tok-2"));
        assertEquals("Basic " + Base64.getEncoder().encodeToString("gnomon:two".getBytes(StandardCharsets.UTF_8)),
            tokenAuth.get(tokenAuth.size() - 1));
    }

    @Test
    void clientCredentialsGoInTheBodyWhenBasicAuthIsRefused() throws Exception {
        tokenEndpoint("/token", false, "s3cret", "{\"access_token\":\"tok-$N\",\"expires_in\":3600}");
        apply("client_id: gnomon\nclient_secret: s3cret\ntoken_url: http://" + server.address() + "/token");
        await("three good scrapes", () -> ups() >= 3);
        // one refused basic-auth attempt, one accepted body attempt; then the style is kept
        assertEquals(2, tokenRequests.get());
    }

    @Test
    void aFailingTokenEndpointFailsTheScrapeSayingWhy() throws Exception {
        tokenEndpoint("/token", true, "right", "{\"access_token\":\"tok-$N\"}");
        apply("client_id: gnomon\nclient_secret: wrong\ntoken_url: http://" + server.address() + "/token");
        // the first scrape of a fresh JVM may run out of time during the two token attempts
        await("a scrape failed by the token endpoint", () -> target() != null && target().lastError().startsWith("oauth2:"));
        String err = target().lastError();
        assertEquals(Target.Health.DOWN, target().health());
        assertTrue(err.startsWith("oauth2: cannot fetch token from http://" + server.address() + "/token: server returned HTTP status 401"), err);
        assertTrue(err.contains("invalid_client"), err);
        assertTrue(scrapeAuth.isEmpty(), "no scrape without a token");
    }

    @Test
    void aTokenResponseWithoutATokenFailsTheScrape() throws Exception {
        tokenEndpoint("/token", true, "s3cret", "{\"token_type\":\"bearer\"}");
        apply("client_id: gnomon\nclient_secret: s3cret\ntoken_url: http://" + server.address() + "/token");
        await("a failed scrape", () -> target() != null && target().health() == Target.Health.DOWN);
        assertTrue(target().lastError().endsWith("server response missing access_token"), target().lastError());
    }

    @Test
    void anUnreachableTokenEndpointFailsTheScrape() throws Exception {
        int port = Peers.freePort();
        apply("client_id: gnomon\nclient_secret: s3cret\ntoken_url: http://127.0.0.1:" + port + "/token");
        await("a failed scrape", () -> target() != null && target().health() == Target.Health.DOWN);
        String err = target().lastError();
        assertTrue(err.startsWith("oauth2: cannot fetch token from http://127.0.0.1:" + port + "/token: connection refused"), err);
    }
}
