package io.gnomon.scrape.http;

import io.gnomon.scrape.config.HttpClientConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.LongSupplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * OAuth 2.0 client-credentials tokens for {@code oauth2} (RFC 6749 section 4.4), as Prometheus
 * gets them through Go's {@code clientcredentials} package:
 *
 * <ul>
 *   <li>The token request is a POST of {@code grant_type=client_credentials}, {@code scope} (the
 *       scopes joined by spaces, when there are any) and {@code endpoint_params} (which may
 *       replace {@code grant_type} but no other parameter) to {@code token_url}, through the
 *       block's own {@code tls_config} and proxy settings.</li>
 *   <li>The client authenticates with HTTP basic auth (id and secret form-encoded); when the
 *       server refuses that, once more with {@code client_id}/{@code client_secret} in the body,
 *       and the style that worked is kept.</li>
 *   <li>A token is reused until 10 seconds before its {@code expires_in} (no {@code expires_in}:
 *       until the secret changes), then a new one is fetched. Concurrent requests share one
 *       token request. {@code client_secret_file} is read on every request; a changed secret
 *       drops the token.</li>
 *   <li>The header is {@code <token_type> <access_token>} with Go's normalisation of the type
 *       ({@code bearer} becomes {@code Bearer}; none means {@code Bearer}).</li>
 * </ul>
 * A failed token request fails the scrape; the message says {@code oauth2: cannot fetch token},
 * the token URL, and what the server answered.
 *
 * <p>Thread-safe.
 */
final class OAuth2Tokens {

    /** Tokens are refreshed this long before they expire, as Go's oauth2 package does. */
    static final long EXPIRY_DELTA_MILLIS = 10_000;
    /** A token response larger than this is refused. */
    static final int MAX_RESPONSE_BYTES = 1 << 20;

    private final HttpClientConfig.OAuth2 config;
    private final ConfiguredHttpClient tokenClient;
    private final String userAgent;
    private final LongSupplier clock;

    private String lastSecret;
    private String header;
    private long expiresAtMillis;
    private CompletableFuture<String> inFlight;
    /** null: not known yet (try basic auth first); true: basic auth; false: in the body. */
    private Boolean basicAuthStyle;

    OAuth2Tokens(HttpClientConfig.OAuth2 config, Executor executor, Map<String, String> env, String userAgent, LongSupplier clock) {
        this.config = config;
        this.userAgent = userAgent;
        this.clock = clock;
        this.tokenClient = new ConfiguredHttpClient(new HttpClientConfig(null, null, null, config.tls(), true, true,
            config.proxy()), true, executor, env, userAgent);
    }

    /**
     * The {@code Authorization} header value for the next request: at once from the cache, or
     * when the token request completes. Fails with an {@link IOException} saying why.
     */
    CompletableFuture<String> authorization(Duration timeout) {
        String secret;
        try {
            secret = config.clientSecretFile().isEmpty() ? config.clientSecret()
                : Files.readString(Path.of(config.clientSecretFile())).trim();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IOException("unable to read oauth2 client secret file "
                + config.clientSecretFile() + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage())));
        }
        synchronized (this) {
            if (!secret.equals(lastSecret)) {
                lastSecret = secret;
                header = null;
                basicAuthStyle = null;
            }
            if (header != null && (expiresAtMillis == 0 || clock.getAsLong() < expiresAtMillis - EXPIRY_DELTA_MILLIS)) {
                return CompletableFuture.completedFuture(header);
            }
            if (inFlight != null) {
                return inFlight;
            }
            CompletableFuture<String> f = fetch(secret, timeout);
            inFlight = f;
            f.whenComplete((h, err) -> {
                synchronized (OAuth2Tokens.this) {
                    if (inFlight == f) {
                        inFlight = null;
                    }
                }
            });
            return f;
        }
    }

    private CompletableFuture<String> fetch(String secret, Duration timeout) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (!config.scopes().isEmpty()) {
            form.put("scope", String.join(" ", config.scopes()));
        }
        for (Map.Entry<String, String> e : config.endpointParams().entrySet()) {
            if (form.containsKey(e.getKey()) && !e.getKey().equals("grant_type")) {
                return CompletableFuture.failedFuture(new IOException("oauth2: cannot overwrite parameter \"" + e.getKey()
                    + "\" with endpoint_params"));
            }
            form.put(e.getKey(), e.getValue());
        }
        Boolean style;
        synchronized (this) {
            style = basicAuthStyle;
        }
        if (style != null) {
            return request(form, secret, style, timeout).thenApply(r -> accept(r, style, secret));
        }
        return request(form, secret, true, timeout).thenCompose(r -> {
            if (r.status / 100 == 2) {
                return CompletableFuture.completedFuture(accept(r, true, secret));
            }
            return request(form, secret, false, timeout).thenApply(r2 -> accept(r2, false, secret));
        });
    }

    private record Answer(int status, String contentType, byte[] body) {
    }

    private CompletableFuture<Answer> request(Map<String, String> form, String secret, boolean basic, Duration timeout) {
        Map<String, String> f = new LinkedHashMap<>(form);
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(config.tokenUrl())).timeout(timeout)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("User-Agent", userAgent);
        if (basic) {
            String pair = enc(config.clientId()) + ":" + enc(secret);
            rb.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            f.put("client_id", config.clientId());
            if (!secret.isEmpty()) {
                f.put("client_secret", secret);
            }
        }
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : f.entrySet()) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(enc(e.getKey())).append('=').append(enc(e.getValue()));
        }
        rb.POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        HttpClient client;
        try {
            client = tokenClient.client(); // the token endpoint's own TLS settings, re-read like the target's
        } catch (IOException e) {
            return CompletableFuture.failedFuture(new IOException("oauth2: cannot fetch token from " + config.tokenUrl()
                + ": " + e.getMessage(), e));
        }
        return client.sendAsync(rb.build(), info -> new Limited(info.statusCode(),
                info.headers().firstValue("Content-Type").orElse("")))
            .handle((resp, err) -> {
                if (err != null) {
                    Throwable t = ConfiguredHttpClient.unwrap(err);
                    throw new java.util.concurrent.CompletionException(new IOException("oauth2: cannot fetch token from "
                        + config.tokenUrl() + ": " + ConfiguredHttpClient.describe(t), t));
                }
                return resp.body();
            });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String accept(Answer r, boolean basic, String secret) {
        if (r.status / 100 != 2) {
            throw new java.util.concurrent.CompletionException(new IOException("oauth2: cannot fetch token from "
                + config.tokenUrl() + ": server returned HTTP status " + r.status + errorDetail(r)));
        }
        Map<String, Object> fields = parse(r);
        Object token = fields.get("access_token");
        if (token == null || token.toString().isEmpty()) {
            throw new java.util.concurrent.CompletionException(new IOException("oauth2: cannot fetch token from "
                + config.tokenUrl() + ": server response missing access_token"));
        }
        long expiresIn = 0;
        Object e = fields.get("expires_in");
        if (e != null && !e.toString().isEmpty()) {
            try {
                expiresIn = new java.math.BigDecimal(e.toString()).longValue();
            } catch (NumberFormatException ex) {
                throw new java.util.concurrent.CompletionException(new IOException("oauth2: cannot fetch token from "
                    + config.tokenUrl() + ": expires_in is not a number: " + e));
            }
        }
        String h = tokenType(fields.get("token_type") == null ? "" : fields.get("token_type").toString()) + " " + token;
        synchronized (this) {
            if (secret.equals(lastSecret)) {
                header = h;
                expiresAtMillis = expiresIn > 0 ? clock.getAsLong() + expiresIn * 1000 : 0;
                basicAuthStyle = basic;
            }
        }
        return h;
    }

    /** Go's {@code Token.Type()}. */
    static String tokenType(String t) {
        return switch (t.toLowerCase(Locale.ROOT)) {
            case "", "bearer" -> "Bearer";
            case "mac" -> "MAC";
            case "basic" -> "Basic";
            default -> t;
        };
    }

    private Map<String, Object> parse(Answer r) {
        String text = new String(r.body, StandardCharsets.UTF_8);
        String ct = r.contentType.toLowerCase(Locale.ROOT);
        Map<String, Object> out = new LinkedHashMap<>();
        if (ct.startsWith("application/x-www-form-urlencoded") || ct.startsWith("text/plain")) {
            for (String pair : text.trim().split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return out;
        }
        Object doc;
        try {
            LoaderOptions o = new LoaderOptions();
            o.setMaxAliasesForCollections(10);
            doc = new Yaml(o).load(text.replace('\t', ' ')); // JSON; SnakeYAML reads it
        } catch (RuntimeException e) {
            doc = null;
        }
        if (!(doc instanceof Map<?, ?> m)) {
            throw new java.util.concurrent.CompletionException(new IOException("oauth2: cannot fetch token from "
                + config.tokenUrl() + ": cannot parse the token response as JSON: " + snippet(text)));
        }
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static String errorDetail(Answer r) {
        String text = new String(r.body, StandardCharsets.UTF_8).trim();
        return text.isEmpty() ? "" : "; response: " + snippet(text);
    }

    private static String snippet(String text) {
        String one = text.replaceAll("\\s+", " ");
        return one.length() <= 300 ? one : one.substring(0, 300) + "...";
    }

    /** Collects a token response up to {@link #MAX_RESPONSE_BYTES}. */
    private static final class Limited implements HttpResponse.BodySubscriber<Answer> {
        private final int status;
        private final String contentType;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CompletableFuture<Answer> done = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Limited(int status, String contentType) {
            this.status = status;
            this.contentType = contentType;
        }

        @Override
        public CompletionStage<Answer> getBody() {
            return done;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                if (buf.size() + b.remaining() > MAX_RESPONSE_BYTES) {
                    subscription.cancel();
                    done.completeExceptionally(new IOException("token response larger than " + MAX_RESPONSE_BYTES + " bytes"));
                    return;
                }
                byte[] a = new byte[b.remaining()];
                b.get(a);
                buf.writeBytes(a);
            }
        }

        @Override
        public void onError(Throwable t) {
            done.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            done.complete(new Answer(status, contentType, buf.toByteArray()));
        }
    }
}
