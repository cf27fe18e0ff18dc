package io.gnomon.scrape.http;

import io.gnomon.scrape.config.HttpClientConfig;
import io.gnomon.scrape.tls.ClientTls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A JDK {@link HttpClient} that does what one {@link HttpClientConfig} asks, for scrapes and HTTP
 * discovery alike: TLS ({@link ClientTls}), proxies ({@link ProxyRules}), redirects, HTTP/2, and
 * the {@code Authorization} header from {@code basic_auth}, {@code authorization} or
 * {@code oauth2} ({@link OAuth2Tokens}).
 *
 * <p>Before each request {@link #prepare} re-reads the credential files and the TLS files; when
 * the TLS material changed, a new {@link HttpClient} (and so a new connection pool) is built, as
 * Prometheus replaces its transport, so the next connection uses the new certificates. The old
 * client's idle connections close when it is collected.
 *
 * <p>Thread-safe.
 */
public final class ConfiguredHttpClient {

    private final HttpClientConfig config;
    private final boolean http2;
    private final Executor executor;
    private final ProxyRules proxy;
    private final ClientTls tls;
    private final OAuth2Tokens oauth2;
    private final Duration connectTimeout;

    private HttpClient client;
    private ClientTls.Material material;

    /**
     * @param http2    whether HTTP/2 may be negotiated (https targets with {@code enable_http2});
     *                 plain HTTP always uses HTTP/1.1, as Prometheus does
     * @param executor runs the client's callbacks; everything run on it is non-blocking
     * @param env      the environment for {@code proxy_from_environment}
     */
    public ConfiguredHttpClient(HttpClientConfig config, boolean http2, Executor executor, Map<String, String> env,
                                String userAgent) {
        this.config = config;
        this.http2 = http2 && config.enableHttp2();
        this.executor = executor;
        this.proxy = ProxyRules.of(config.proxy(), env);
        this.tls = new ClientTls(config.tls());
        this.oauth2 = config.oauth2() == null ? null
            : new OAuth2Tokens(config.oauth2(), executor, env, userAgent, System::currentTimeMillis);
        this.connectTimeout = Duration.ofSeconds(30);
    }

    /**
     * The client for the TLS material as it is now (re-read on every call; a new client when it
     * changed).
     *
     * @throws IOException when the TLS material or the proxy settings cannot be used
     */
    public HttpClient client() throws IOException {
        if (proxy != null && proxy.error() != null) {
            throw new IOException(proxy.error());
        }
        ClientTls.Material m = tls.current();
        synchronized (this) {
            if (client == null || m != material) {
                HttpClient.Builder b = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(config.followRedirects() ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                    .version(http2 ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                    .sslContext(m.context())
                    .sslParameters(m.parameters());
                if (executor != null) {
                    b.executor(executor);
                }
                if (proxy != null) {
                    b.proxy(proxy);
                }
                client = b.build();
                material = m;
            }
            return client;
        }
    }

    /**
     * Sets the {@code Authorization} header of a request (reading credential files, or getting
     * an OAuth 2.0 token, which may take a request of its own) and completes with the client to
     * send it with. Fails with an {@link IOException} whose message says what is wrong.
     */
    public CompletableFuture<HttpClient> prepare(HttpRequest.Builder rb, Duration timeout) {
        HttpClient c;
        try {
            c = client();
            if (config.basicAuth() != null) {
                HttpClientConfig.BasicAuth a = config.basicAuth();
                String user = a.usernameFile().isEmpty() ? a.username() : readSecret(a.usernameFile(), "basic auth username");
                String pass = a.passwordFile().isEmpty() ? a.password() : readSecret(a.passwordFile(), "basic auth password");
                rb.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
            } else if (config.authorization() != null) {
                HttpClientConfig.Authorization a = config.authorization();
                String cred = a.credentialsFile().isEmpty() ? a.credentials() : readSecret(a.credentialsFile(), "authorization credentials");
                rb.header("Authorization", a.type() + " " + cred);
            }
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (oauth2 == null) {
            return CompletableFuture.completedFuture(c);
        }
        return oauth2.authorization(timeout).thenApply(h -> {
            rb.header("Authorization", h);
            return c;
        });
    }

    private static String readSecret(String file, String what) throws IOException {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new IOException("unable to read " + what + " file " + file + ": "
                + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
    }

    /** The oauth2 {@code token_url}, or null without oauth2. */
    public String tokenUrl() {
        return config.oauth2() == null ? null : config.oauth2().tokenUrl();
    }

    /** The cause under {@code CompletionException}/{@code ExecutionException} wrappers. */
    public static Throwable unwrap(Throwable err) {
        Throwable t = err;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)
            && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A request failure in words: TLS handshake failures say so and name the reason the JDK or
     * the server gave (an untrusted or misnamed certificate, a client certificate the server
     * wanted and did not get or did not accept).
     */
    public static String describe(Throwable t) {
        if (t instanceof java.net.ConnectException) {
            return "connection refused" + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        Throwable ssl = t;
        while (ssl != null && !(ssl instanceof javax.net.ssl.SSLException)) {
            ssl = ssl.getCause();
        }
        if (ssl != null) {
            Throwable root = ssl;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            if (why.contains("PKIX path") || why.contains("unable to find valid certification path")) {
                why = "x509: certificate signed by unknown authority (" + why + ")";
            }
            return "TLS handshake failed: " + why;
        }
        String msg = t.getMessage();
        if (msg != null && msg.contains("header parser received no bytes")) {
            return "the target closed the connection without an answer";
        }
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    /**
     * Appended to the message of a request that failed without an HTTP answer: whether a target
     * asked for a client certificate (see {@link ClientTls.Material#clientCertificateHint}).
     */
    public String clientCertificateHint() {
        ClientTls.Material m;
        synchronized (this) {
            m = material;
        }
        return m == null ? "" : m.clientCertificateHint();
    }
}
