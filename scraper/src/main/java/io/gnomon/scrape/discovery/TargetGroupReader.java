package io.gnomon.scrape.discovery;

import io.gnomon.scrape.config.TargetGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads the target-group list shared by file and HTTP discovery:
 * {@code [{"targets": ["host:port", ...], "labels": {"name": "value", ...}}, ...]} in JSON or YAML
 * (SnakeYAML reads both). Anything else is an error naming the source.
 */
final class TargetGroupReader {

    private TargetGroupReader() {
    }

    static List<TargetGroup> read(String text, String source, String metaName, String metaValue) {
        LoaderOptions o = new LoaderOptions();
        o.setMaxAliasesForCollections(50);
        o.setCodePointLimit(64 * 1024 * 1024);
        Object doc;
        try {
            doc = new Yaml(o).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot parse target groups from " + source + ": " + e.getMessage());
        }
        List<TargetGroup> out = new ArrayList<>();
        if (doc == null) {
            return out;
        }
        if (!(doc instanceof List<?> list)) {
            throw new IllegalArgumentException("target groups in " + source + " must be a list");
        }
        int i = 0;
        for (Object g : list) {
            if (!(g instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException("target group " + i + " in " + source + " must be a mapping");
            }
            for (Object k : m.keySet()) {
                if (!"targets".equals(k) && !"labels".equals(k)) {
                    throw new IllegalArgumentException("target group " + i + " in " + source + ": field " + k + " not found");
                }
            }
            List<String> targets = new ArrayList<>();
            Object t = m.get("targets");
            if (t instanceof List<?> tl) {
                for (Object x : tl) {
                    targets.add(String.valueOf(x));
                }
            } else if (t != null) {
                throw new IllegalArgumentException("target group " + i + " in " + source + ": targets must be a list");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            Object l = m.get("labels");
            if (l instanceof Map<?, ?> lm) {
                for (Map.Entry<?, ?> e : lm.entrySet()) {
                    labels.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
                }
            } else if (l != null) {
                throw new IllegalArgumentException("target group " + i + " in " + source + ": labels must be a mapping");
            }
            labels.put(metaName, metaValue);
            out.add(new TargetGroup(targets, labels, source + ":" + i));
            i++;
        }
        return out;
    }
}
