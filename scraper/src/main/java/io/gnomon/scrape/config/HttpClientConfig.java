package io.gnomon.scrape.config;

import java.util.List;
import java.util.Map;

/**
 * The HTTP client settings of a scrape config or an HTTP discovery ({@code basic_auth},
 * {@code authorization}/{@code bearer_token(_file)}, {@code oauth2}, {@code tls_config},
 * {@code follow_redirects}, {@code enable_http2}, {@code proxy_url}, {@code no_proxy},
 * {@code proxy_from_environment}). At most one of basic auth, authorization and OAuth 2.0 is
 * set (the loader enforces it). Secrets and TLS material given as files are read when a request
 * is made, as Prometheus does, so rotated credentials and certificates are picked up.
 */
public record HttpClientConfig(BasicAuth basicAuth, Authorization authorization, OAuth2 oauth2, TlsConfig tls,
                               boolean followRedirects, boolean enableHttp2, ProxyConfig proxy) {

    public static final HttpClientConfig DEFAULT =
        new HttpClientConfig(null, null, null, TlsConfig.NONE, true, true, ProxyConfig.NONE);

    /** {@code basic_auth}: {@code password} or {@code password_file}; {@code username} or {@code username_file}. */
    public record BasicAuth(String username, String usernameFile, String password, String passwordFile) {
    }

    /** {@code authorization}: {@code type} (default {@code Bearer}) and {@code credentials} or {@code credentials_file}. */
    public record Authorization(String type, String credentials, String credentialsFile) {
    }

    /**
     * {@code tls_config}. File paths are resolved against the configuration file's directory;
     * empty strings mean "not set". {@code minVersion}/{@code maxVersion} are Go's names
     * ({@code TLS10}..{@code TLS13}).
     */
    public record TlsConfig(String caFile, String ca, String certFile, String cert, String keyFile, String key,
                            String serverName, boolean insecureSkipVerify, String minVersion, String maxVersion) {
        public static final TlsConfig NONE = new TlsConfig("", "", "", "", "", "", "", false, "", "");

        /** True when a client certificate is configured (the loader guarantees the key is too). */
        public boolean hasClientCertificate() {
            return !certFile.isEmpty() || !cert.isEmpty();
        }

        /** True when nothing is set: the JDK's defaults (system trust store, TLS 1.2 and 1.3) apply. */
        public boolean isDefault() {
            return equals(NONE);
        }
    }

    /**
     * How requests reach the target: {@code proxy_url} (an {@code http://} proxy) with
     * {@code no_proxy}, or {@code proxy_from_environment} ({@code HTTP_PROXY}, {@code HTTPS_PROXY},
     * {@code NO_PROXY}); or directly when none is set.
     */
    public record ProxyConfig(String url, String noProxy, boolean fromEnvironment) {
        public static final ProxyConfig NONE = new ProxyConfig("", "", false);
    }

    /**
     * {@code oauth2}: the client-credentials grant. The token request uses its own
     * {@code tls_config} and {@code proxy_url}.
     */
    public record OAuth2(String clientId, String clientSecret, String clientSecretFile, List<String> scopes,
                         String tokenUrl, Map<String, String> endpointParams, TlsConfig tls, ProxyConfig proxy) {
        public OAuth2 {
            scopes = List.copyOf(scopes);
            endpointParams = Map.copyOf(endpointParams);
        }
    }
}
