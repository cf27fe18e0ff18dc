package io.gnomon.scrape.config;

/**
 * A configuration file that cannot be used. The message names the file, the line and the field,
 * e.g. {@code prometheus.yml:12: scrape_configs[0].scrape_interval: not a valid duration string: "1x"},
 * so an operator can go straight to the mistake. Nothing of a refused file is applied.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final String field;

    private ConfigException(String file, int line, String field, String message) {
        super(format(file, line, field, message));
        this.file = file;
        this.line = line;
        this.field = field;
    }

    static ConfigException at(String file, int line, String field, String message) {
        return new ConfigException(file, line, field, message);
    }

    /** A problem with the file as a whole (unreadable, not YAML). */
    public static ConfigException ofFile(String file, String message) {
        return new ConfigException(file, 0, "", message);
    }

    private static String format(String file, int line, String field, String message) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
        }
        sb.append(": ");
        if (field != null && !field.isEmpty()) {
            sb.append(field).append(": ");
        }
        return sb.append(message).toString();
    }

    public String file() {
        return file;
    }

    /** 1-based line, or 0 when the problem is not at one place. */
    public int line() {
        return line;
    }

    /** The field path, e.g. {@code scrape_configs[0].relabel_configs[2].regex}, or empty. */
    public String field() {
        return field;
    }
}
