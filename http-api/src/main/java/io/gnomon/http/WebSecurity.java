package io.gnomon.http;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.gnomon.scrape.tls.PemFiles;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --web.config.file} asks of the server, ready to apply: the TLS context (or none),
 * the basic-auth users with their bcrypt hashes, and extra response headers.
 *
 * <p>bcrypt is slow on purpose (tens of milliseconds at cost 10), so results are cached per
 * (user, password hash, stored hash) in a small LRU, as Prometheus's exporter toolkit does, and
 * a cache miss is verified on the worker pool, never on the event loop. An unknown user still
 * costs one bcrypt check, so response times do not tell which users exist.
 */
public final class WebSecurity {

    /** No TLS, no authentication, no extra headers. */
    public static final WebSecurity NONE = new WebSecurity(null, Map.of(), Map.of());

    /**
     * The TLS part of the web config, in Prometheus's terms.
     *
     * @param clientAuthType NoClientCert, RequestClientCert, RequireAnyClientCert,
     *                       VerifyClientCertIfGiven or RequireAndVerifyClientCert
     * @param minVersion     TLS10..TLS13 (TLS12 when empty); {@code maxVersion} empty for the newest
     * @param cipherSuites   IANA names (Go and Java share them); empty for the JDK's defaults
     */
    public record TlsSettings(Path certFile, Path keyFile, String clientAuthType, Path clientCaFile, String minVersion,
                              String maxVersion, List<String> cipherSuites, boolean preferServerCipherSuites) {
    }

    private static final String DUMMY_HASH = "$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi";
    private static final int CACHE_SIZE = 100;

    private final SslContext ssl;
    private final Map<String, String> users;
    private final Map<String, String> headers;
    private final Map<String, Boolean> cache = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > CACHE_SIZE;
        }
    };

    public WebSecurity(SslContext ssl, Map<String, String> users, Map<String, String> headers) {
        this.ssl = ssl;
        this.users = Map.copyOf(users);
        this.headers = Map.copyOf(headers);
    }

    /** Builds the server TLS context from PEM files; errors name the file and what is wrong. */
    public static SslContext tls(TlsSettings s) throws IOException {
        List<X509Certificate> chain = PemFiles.certificates(s.certFile());
        PrivateKey key = PemFiles.privateKey(s.keyFile());
        SslContextBuilder b = SslContextBuilder.forServer(key, chain.toArray(new X509Certificate[0]));
        String auth = s.clientAuthType() == null || s.clientAuthType().isEmpty() ? "NoClientCert" : s.clientAuthType();
        switch (auth) {
            case "NoClientCert" -> b.clientAuth(ClientAuth.NONE);
            case "RequestClientCert" -> b.clientAuth(ClientAuth.OPTIONAL).trustManager(InsecureTrustManagerFactory.INSTANCE);
            case "RequireAnyClientCert" -> b.clientAuth(ClientAuth.REQUIRE).trustManager(InsecureTrustManagerFactory.INSTANCE);
            case "VerifyClientCertIfGiven", "RequireAndVerifyClientCert" -> {
                if (s.clientCaFile() == null) {
                    throw new IOException("client_auth_type " + auth + " needs client_ca_file");
                }
                b.clientAuth(auth.startsWith("Require") ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .trustManager(PemFiles.certificates(s.clientCaFile()).toArray(new X509Certificate[0]));
            }
            default -> throw new IOException("invalid client_auth_type " + auth
                + " (NoClientCert, RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)");
        }
        b.protocols(protocols(s.minVersion(), s.maxVersion()));
        if (s.cipherSuites() != null && !s.cipherSuites().isEmpty()) {
            b.ciphers(s.cipherSuites());
        }
        return b.build();
    }

    /** Go's version names to the JDK's, every version from min to max. */
    static String[] protocols(String min, String max) throws IOException {
        String[] go = {"TLS10", "TLS11", "TLS12", "TLS13"};
        String[] jdk = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
        int lo = index(go, min == null || min.isEmpty() ? "TLS12" : min);
        int hi = index(go, max == null || max.isEmpty() ? "TLS13" : max);
        if (lo > hi) {
            throw new IOException("min_version " + min + " is above max_version " + max);
        }
        List<String> out = new ArrayList<>();
        for (int i = lo; i <= hi; i++) {
            out.add(jdk[i]);
        }
        return out.toArray(new String[0]);
    }

    private static int index(String[] names, String v) throws IOException {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(v)) {
                return i;
            }
        }
        throw new IOException("unknown TLS version " + v + " (TLS10, TLS11, TLS12, TLS13)");
    }

    /** Checks a stored hash is bcrypt, as Prometheus does when it loads the file. */
    public static void checkHash(String user, String hash) throws IOException {
        if (hash == null || !hash.matches("\\$2[aby]?\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
            throw new IOException("basic_auth_users: the password of user " + user + " is not a bcrypt hash");
        }
    }

    public SslContext ssl() {
        return ssl;
    }

    public boolean authRequired() {
        return !users.isEmpty();
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The cached verdict for this {@code Authorization} header, or null when it must be verified. */
    public Boolean cached(String authorization) {
        Credentials c = Credentials.parse(authorization);
        if (c == null) {
            return Boolean.FALSE;
        }
        synchronized (cache) {
            return cache.get(c.key(users.get(c.user)));
        }
    }

    /** Verifies (slowly) and caches; for the worker pool. */
    public boolean verify(String authorization) {
        Credentials c = Credentials.parse(authorization);
        if (c == null) {
            return false;
        }
        String hash = users.get(c.user);
        boolean ok = BCrypt.verifyer().verify(c.password.getBytes(StandardCharsets.UTF_8),
            (hash != null ? hash : DUMMY_HASH).getBytes(StandardCharsets.UTF_8)).verified && hash != null;
        synchronized (cache) {
            cache.put(c.key(hash), ok);
        }
        return ok;
    }

    private record Credentials(String user, String password) {
        static Credentials parse(String header) {
            if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
                return null;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
        }

        /** A cache key that holds no password: a digest of user, password and the stored hash. */
        String key(String storedHash) {
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                d.update(user.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(password.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
                d.update(String.valueOf(storedHash).getBytes(StandardCharsets.UTF_8));
                return Base64.getEncoder().encodeToString(d.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
