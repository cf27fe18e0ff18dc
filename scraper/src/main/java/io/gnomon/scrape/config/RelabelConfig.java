package io.gnomon.scrape.config;

import io.gnomon.tsdb.labels.Re2Regex;
import java.util.List;

/**
 * One {@code relabel_configs} / {@code metric_relabel_configs} entry, with Prometheus's defaults
 * applied: separator {@code ;}, regex {@code (.*)} (anchored), replacement {@code $1}, action
 * {@code replace}.
 */
public record RelabelConfig(List<String> sourceLabels, String separator, Re2Regex regex, long modulus,
                            String targetLabel, String replacement, Action action) {

    public static final String DEFAULT_SEPARATOR = ";";
    public static final String DEFAULT_REGEX = "(.*)";
    public static final String DEFAULT_REPLACEMENT = "$1";

    public RelabelConfig {
        sourceLabels = List.copyOf(sourceLabels);
    }

    /** The relabel actions, by their configuration names. */
    public enum Action {
        REPLACE("replace"), KEEP("keep"), DROP("drop"), KEEPEQUAL("keepequal"), DROPEQUAL("dropequal"),
        HASHMOD("hashmod"), LABELMAP("labelmap"), LABELDROP("labeldrop"), LABELKEEP("labelkeep"),
        LOWERCASE("lowercase"), UPPERCASE("uppercase");

        private final String configName;

        Action(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        /** The action for a configuration name (case-insensitive, as Prometheus), or null. */
        public static Action of(String s) {
            for (Action a : values()) {
                if (a.configName.equalsIgnoreCase(s)) {
                    return a;
                }
            }
            return null;
        }
    }
}
