package io.gnomon.scrape.config;

import java.util.List;
import java.util.Map;

/**
 * A group of targets with common labels, as {@code static_configs}, file and HTTP discovery
 * provide them. Each target is the value of its {@code __address__}; {@code source} identifies
 * the group within its provider (a file name and index, a URL and index).
 */
public record TargetGroup(List<String> targets, Map<String, String> labels, String source) {
    public TargetGroup {
        targets = List.copyOf(targets);
        labels = Map.copyOf(labels);
    }
}
