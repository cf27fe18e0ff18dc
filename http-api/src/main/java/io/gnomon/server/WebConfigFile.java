package io.gnomon.server;

import io.gnomon.http.WebSecurity;
import io.gnomon.scrape.config.ConfigException;
import io.gnomon.scrape.config.Node;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Reads {@code --web.config.file}, Prometheus's web configuration (the exporter toolkit's
 * format): {@code tls_server_config}, {@code http_server_config} and {@code basic_auth_users}.
 * Unknown fields, bad values and unreadable certificates are errors naming the file, line and
 * field (through the same strict YAML reader as {@code prometheus.yml}), so a file that
 * {@code promtool check web-config} accepts is the one Gnomon accepts. Relative paths are relative
 * to the file's directory.
 */
final class WebConfigFile {

    private static final Logger LOG = Logger.getLogger(WebConfigFile.class.getName());

    /** The headers the exporter toolkit lets a web config set. */
    private static final Set<String> HEADERS = Set.of("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
        "X-XSS-Protection", "Strict-Transport-Security");

    private WebConfigFile() {
    }

    /** A web config problem: {@code file:line: field: what}. */
    static final class WebConfigException extends IOException {
        private static final long serialVersionUID = 1L;

        WebConfigException(String message) {
            super(message);
        }
    }

    static WebSecurity load(Path file) throws IOException {
        if (file == null || file.toString().isEmpty()) {
            return WebSecurity.NONE;
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new WebConfigException(file + ": cannot read web config: " + e.getMessage());
        }
        try {
            return parse(Node.parse(file.toString(), text), file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw new WebConfigException(e.getMessage());
        }
    }

    private static WebSecurity parse(Node root, Path base) {
        Node.Fields top = root.fields(Node.keys("tls_server_config", "http_server_config", "basic_auth_users"));
        SslContext ssl = null;
        if (top.has("tls_server_config")) {
            Node tlsNode = top.get("tls_server_config");
            Node.Fields tls = tlsNode.fields(Node.keys("cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version",
                "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences", "client_allowed_sans"));
            String cert = tls.string("cert_file", "");
            String key = tls.string("key_file", "");
            if (cert.isEmpty() || key.isEmpty()) {
                throw tlsNode.error("cert_file and key_file are both required");
            }
            if (tls.has("curve_preferences")) {
                LOG.warning(tlsNode.error("curve_preferences is accepted but the JDK's curve order is used").getMessage());
            }
            if (tls.has("client_allowed_sans")) {
                throw tls.get("client_allowed_sans").error("not supported by Gnomon");
            }
            String ca = tls.string("client_ca_file", "");
            try {
                ssl = WebSecurity.tls(new WebSecurity.TlsSettings(base.resolve(cert), base.resolve(key),
                    tls.string("client_auth_type", ""), ca.isEmpty() ? null : base.resolve(ca),
                    tls.string("min_version", ""), tls.string("max_version", ""), tls.strings("cipher_suites"),
                    tls.bool("prefer_server_cipher_suites", true)));
            } catch (IOException | IllegalArgumentException e) {
                throw tlsNode.error(e.getMessage());
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (top.has("http_server_config")) {
            Node.Fields http = top.get("http_server_config").fields(Node.keys("http2", "headers"));
            http.bool("http2", true); // accepted; the server speaks HTTP/1.1
            if (http.has("headers")) {
                for (Map.Entry<String, Node> e : http.get("headers").entries().entrySet()) {
                    if (!HEADERS.contains(e.getKey())) {
                        throw e.getValue().error("HTTP header \"" + e.getKey() + "\" can not be configured");
                    }
                    headers.put(e.getKey(), e.getValue().string());
                }
            }
        }
        Map<String, String> users = new LinkedHashMap<>();
        if (top.has("basic_auth_users")) {
            for (Map.Entry<String, Node> e : top.get("basic_auth_users").entries().entrySet()) {
                String hash = e.getValue().string();
                try {
                    WebSecurity.checkHash(e.getKey(), hash);
                } catch (IOException ex) {
                    throw e.getValue().error(ex.getMessage());
                }
                users.put(e.getKey(), hash);
            }
        }
        return new WebSecurity(ssl, users, headers);
    }
}
