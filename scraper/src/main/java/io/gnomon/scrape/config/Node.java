package io.gnomon.scrape.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node with its path in the document, so every decoding error can name file, line and
 * field. Wraps SnakeYAML's composed node graph (which keeps each node's start mark). Shared by
 * every YAML file Gnomon reads ({@code prometheus.yml}, the web config).
 */
public final class Node {
    final String file;
    final String path;
    final org.yaml.snakeyaml.nodes.Node node;

    Node(String file, String path, org.yaml.snakeyaml.nodes.Node node) {
        this.file = file;
        this.path = path;
        this.node = node;
    }

    /**
     * Composes {@code yaml} (named {@code file} in errors). Duplicate keys are not refused here
     * but by {@link #fields}, with file, line and field.
     */
    public static Node parse(String file, String yaml) {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(true);
        opts.setMaxAliasesForCollections(50);
        opts.setCodePointLimit(64 * 1024 * 1024);
        try {
            return new Node(file, "", new Yaml(opts).compose(new StringReader(yaml)));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw ConfigException.at(file, line, "", "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw ConfigException.ofFile(file, "not valid YAML: " + e.getMessage());
        }
    }

    int line() {
        return node == null ? 0 : node.getStartMark().getLine() + 1;
    }

    public ConfigException error(String message) {
        return ConfigException.at(file, line(), path, message);
    }

    public boolean isNull() {
        return node == null || (node instanceof ScalarNode s && s.getTag().equals(Tag.NULL));
    }

    public String string() {
        if (!(node instanceof ScalarNode s)) {
            throw error("expected a string");
        }
        return s.getTag().equals(Tag.NULL) ? "" : s.getValue();
    }

    public boolean bool() {
        String v = string();
        // YAML 1.1 booleans as go-yaml v2 reads them.
        return switch (v) {
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y" -> true;
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N" -> false;
            default -> throw error("cannot unmarshal " + quoteGo(v) + " into bool");
        };
    }

    long uint() {
        String v = string();
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw error("cannot unmarshal " + quoteGo(v) + " into uint");
            }
            return n;
        } catch (NumberFormatException e) {
            throw error("cannot unmarshal " + quoteGo(v) + " into uint");
        }
    }

    java.time.Duration duration() {
        try {
            return Durations.parse(string());
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    List<Node> list() {
        if (isNull()) {
            return List.of();
        }
        if (!(node instanceof SequenceNode s)) {
            throw error("expected a list");
        }
        List<Node> out = new ArrayList<>();
        int i = 0;
        for (org.yaml.snakeyaml.nodes.Node n : s.getValue()) {
            out.add(new Node(file, path + "[" + i++ + "]", n));
        }
        return out;
    }

    public List<String> strings() {
        List<String> out = new ArrayList<>();
        for (Node n : list()) {
            out.add(n.string());
        }
        return out;
    }

    /** A mapping whose keys must all be in {@code allowed}; duplicate keys are errors (as in go-yaml). */
    public Fields fields(Set<String> allowed) {
        Map<String, Node> map = new LinkedHashMap<>();
        if (!isNull()) {
            if (!(node instanceof MappingNode m)) {
                throw error("expected a mapping");
            }
            for (NodeTuple t : m.getValue()) {
                if (!(t.getKeyNode() instanceof ScalarNode k)) {
                    throw new Node(file, path, t.getKeyNode()).error("expected a string key");
                }
                String key = k.getValue();
                String sub = path.isEmpty() ? key : path + "." + key;
                if (allowed != null && !allowed.contains(key)) {
                    throw ConfigException.at(file, k.getStartMark().getLine() + 1, sub,
                        "field " + key + " not found" + (path.isEmpty() ? "" : " in " + path));
                }
                if (map.containsKey(key)) {
                    throw ConfigException.at(file, k.getStartMark().getLine() + 1, sub, "mapping key \"" + key + "\" already defined");
                }
                map.put(key, new Node(file, sub, t.getValueNode()));
            }
        }
        return new Fields(this, map);
    }

    /** A mapping of string to string (labels, params) in document order. */
    public Map<String, Node> entries() {
        return fields(null).map;
    }

    static String quoteGo(String s) {
        return "`" + s + "`";
    }

    /** The fields of one mapping. Absent fields read as their defaults. */
    public static final class Fields {
        final Node owner;
        final Map<String, Node> map;

        Fields(Node owner, Map<String, Node> map) {
            this.owner = owner;
            this.map = map;
        }

        public boolean has(String k) {
            Node n = map.get(k);
            return n != null && !n.isNull();
        }

        public Node get(String k) {
            Node n = map.get(k);
            return n != null ? n : new Node(owner.file, owner.path.isEmpty() ? k : owner.path + "." + k, null);
        }

        public String string(String k, String def) {
            return has(k) ? get(k).string() : def;
        }

        public boolean bool(String k, boolean def) {
            return has(k) ? get(k).bool() : def;
        }

        long uint(String k, long def) {
            return has(k) ? get(k).uint() : def;
        }

        java.time.Duration duration(String k, java.time.Duration def) {
            return has(k) ? get(k).duration() : def;
        }

        public List<String> strings(String k) {
            return has(k) ? get(k).strings() : List.of();
        }
    }

    public static Set<String> keys(String... ks) {
        return new HashSet<>(List.of(ks));
    }
}
