package io.gnomon.server;

import io.gnomon.http.WebSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads {@code --web.config.file}, Prometheus's web configuration (the exporter toolkit's
 * format): {@code tls_server_config}, {@code http_server_config} and {@code basic_auth_users}.
 * Unknown fields, bad values and unreadable certificates are errors naming the file, line and
 * field, so a file that {@code promtool check web-config} accepts is the one Gnomon accepts.
 * Relative paths are relative to the file's directory.
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
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new java.io.StringReader(text));
        } catch (YAMLException e) {
            throw new WebConfigException(file + ": not valid YAML: " + e.getMessage());
        }
        Path base = file.toAbsolutePath().getParent();
        Reader r = new Reader(file);
        Map<String, Node> top = r.mapping(root, "", Set.of("tls_server_config", "http_server_config", "basic_auth_users"));
        io.netty.handler.ssl.SslContext ssl = null;
        Node tlsNode = top.get("tls_server_config");
        if (tlsNode != null && !r.isNull(tlsNode)) {
            Map<String, Node> tls = r.mapping(tlsNode, "tls_server_config", Set.of("cert_file", "key_file", "client_auth_type",
                "client_ca_file", "min_version", "max_version", "cipher_suites", "prefer_server_cipher_suites", "curve_preferences",
                "client_allowed_sans"));
            String cert = r.string(tls.get("cert_file"), "tls_server_config.cert_file");
            String key = r.string(tls.get("key_file"), "tls_server_config.key_file");
            if (cert.isEmpty() || key.isEmpty()) {
                throw r.error(tlsNode, "tls_server_config", "cert_file and key_file are both required");
            }
            String ca = r.string(tls.get("client_ca_file"), "tls_server_config.client_ca_file");
            if (tls.containsKey("curve_preferences")) {
                LOG.warning(file + ": tls_server_config.curve_preferences is accepted but the JDK's curve order is used");
            }
            if (tls.containsKey("client_allowed_sans")) {
                throw r.error(tls.get("client_allowed_sans"), "tls_server_config.client_allowed_sans", "not supported by Gnomon");
            }
            try {
                ssl = WebSecurity.tls(new WebSecurity.TlsSettings(base.resolve(cert), base.resolve(key),
                    r.string(tls.get("client_auth_type"), "tls_server_config.client_auth_type"),
                    ca.isEmpty() ? null : base.resolve(ca),
                    r.string(tls.get("min_version"), "tls_server_config.min_version"),
                    r.string(tls.get("max_version"), "tls_server_config.max_version"),
                    r.strings(tls.get("cipher_suites"), "tls_server_config.cipher_suites"),
                    r.bool(tls.get("prefer_server_cipher_suites"), "tls_server_config.prefer_server_cipher_suites", true)));
            } catch (WebConfigException e) {
                throw e;
            } catch (IOException | IllegalArgumentException e) {
                throw r.error(tlsNode, "tls_server_config", e.getMessage());
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Node httpNode = top.get("http_server_config");
        if (httpNode != null && !r.isNull(httpNode)) {
            Map<String, Node> http = r.mapping(httpNode, "http_server_config", Set.of("http2", "headers"));
            r.bool(http.get("http2"), "http_server_config.http2", true); // HTTP/1.1 is what the server speaks
            Node h = http.get("headers");
            if (h != null && !r.isNull(h)) {
                for (Map.Entry<String, Node> e : r.mapping(h, "http_server_config.headers", null).entrySet()) {
                    if (!HEADERS.contains(e.getKey())) {
                        throw r.error(e.getValue(), "http_server_config.headers", "HTTP header \"" + e.getKey() + "\" can not be configured");
                    }
                    headers.put(e.getKey(), r.string(e.getValue(), "http_server_config.headers." + e.getKey()));
                }
            }
        }
        Map<String, String> users = new LinkedHashMap<>();
        Node usersNode = top.get("basic_auth_users");
        if (usersNode != null && !r.isNull(usersNode)) {
            for (Map.Entry<String, Node> e : r.mapping(usersNode, "basic_auth_users", null).entrySet()) {
                String hash = r.string(e.getValue(), "basic_auth_users." + e.getKey());
                try {
                    WebSecurity.checkHash(e.getKey(), hash);
                } catch (IOException ex) {
                    throw r.error(e.getValue(), "basic_auth_users." + e.getKey(), ex.getMessage());
                }
                users.put(e.getKey(), hash);
            }
        }
        return new WebSecurity(ssl, users, headers);
    }

    /** Strict reading of the composed YAML graph, errors with line numbers. */
    private record Reader(Path file) {

        WebConfigException error(Node n, String field, String message) {
            int line = n == null ? 0 : n.getStartMark().getLine() + 1;
            return new WebConfigException(file + ":" + line + ": " + field + ": " + message);
        }

        boolean isNull(Node n) {
            return n == null || (n instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
        }

        Map<String, Node> mapping(Node n, String field, Set<String> allowed) throws WebConfigException {
            Map<String, Node> out = new LinkedHashMap<>();
            if (isNull(n)) {
                return out;
            }
            if (!(n instanceof MappingNode m)) {
                throw error(n, field.isEmpty() ? "(top level)" : field, "expected a mapping");
            }
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw error(t.getKeyNode(), field, "expected a string key");
                }
                String key = k.getValue();
                String sub = field.isEmpty() ? key : field + "." + key;
                if (allowed != null && !allowed.contains(key)) {
                    throw error(k, sub, "field " + key + " not found" + (field.isEmpty() ? "" : " in " + field));
                }
                if (out.put(key, t.getValueNode()) != null) {
                    throw error(k, sub, "mapping key \"" + key + "\" already defined");
                }
            }
            return out;
        }

        String string(Node n, String field) throws WebConfigException {
            if (isNull(n)) {
                return "";
            }
            if (!(n instanceof ScalarNode s)) {
                throw error(n, field, "expected a string");
            }
            return s.getValue();
        }

        List<String> strings(Node n, String field) throws WebConfigException {
            List<String> out = new ArrayList<>();
            if (isNull(n)) {
                return out;
            }
            if (!(n instanceof SequenceNode s)) {
                throw error(n, field, "expected a list");
            }
            for (Node e : s.getValue()) {
                out.add(string(e, field));
            }
            return out;
        }

        boolean bool(Node n, String field, boolean dflt) throws WebConfigException {
            if (isNull(n)) {
                return dflt;
            }
            String v = string(n, field);
            return switch (v) {
                case "true", "True", "TRUE", "yes", "on" -> true;
                case "false", "False", "FALSE", "no", "off" -> false;
                default -> throw error(n, field, "cannot unmarshal " + v + " into bool");
            };
        }
    }
}
