package io.gnomon.scrape.config;

import java.util.Map;

/**
 * The HTTP client settings of a scrape config or an HTTP discovery ({@code basic_auth},
 * {@code authorization}, {@code tls_config}, {@code follow_redirects}, {@code enable_http2},
 * {@code proxy_url}). Secrets given as files are read when a request is made, as Prometheus does,
 * so rotated credentials are picked up.
 */
public record HttpClientConfig(BasicAuth basicAuth, Authorization authorization, TlsConfig tls,
                               boolean followRedirects, boolean enableHttp2, String proxyUrl,
                               Map<String, String> headers) {

    public static final HttpClientConfig DEFAULT =
        new HttpClientConfig(null, null, TlsConfig.NONE, true, true, "", Map.of());

    /** {@code basic_auth}: {@code password} or {@code password_file}; {@code username} or {@code username_file}. */
    public record BasicAuth(String username, String usernameFile, String password, String passwordFile) {
    }

    /** {@code authorization}: {@code type} (default {@code Bearer}) and {@code credentials} or {@code credentials_file}. */
    public record Authorization(String type, String credentials, String credentialsFile) {
    }

    /** {@code tls_config}. File paths are resolved against the configuration file's directory. */
    public record TlsConfig(String caFile, String ca, String certFile, String cert, String keyFile, String key,
                            String serverName, boolean insecureSkipVerify, String minVersion, String maxVersion) {
        public static final TlsConfig NONE = new TlsConfig("", "", "", "", "", "", "", false, "", "");
    }
}
