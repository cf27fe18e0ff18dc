package io.gnomon.tsdb.metrics;

import io.gnomon.tsdb.labels.Labels;

/**
 * Writes metrics in the Prometheus text exposition format 0.0.4. One {@link #family} call per
 * metric name, followed by its samples. Not thread-safe.
 */
public final class MetricWriter {
    private final StringBuilder out;

    public MetricWriter(StringBuilder out) {
        this.out = out;
    }

    /** Starts a metric family: {@code type} is counter, gauge, summary, histogram or untyped. */
    public MetricWriter family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** A sample without labels. */
    public MetricWriter sample(String name, double value) {
        out.append(name).append(' ');
        appendValue(value);
        out.append('\n');
        return this;
    }

    /** A sample with label pairs given as {@code name, value, name, value...}. */
    public MetricWriter sample(String name, double value, String... labelPairs) {
        out.append(name);
        if (labelPairs.length > 0) {
            out.append('{');
            for (int i = 0; i < labelPairs.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelPairs[i]).append("=\"").append(escapeValue(labelPairs[i + 1])).append('"');
            }
            out.append('}');
        }
        out.append(' ');
        appendValue(value);
        out.append('\n');
        return this;
    }

    private void appendValue(double v) {
        if (Double.isNaN(v)) {
            out.append("NaN");
        } else if (v == Double.POSITIVE_INFINITY) {
            out.append("+Inf");
        } else if (v == Double.NEGATIVE_INFINITY) {
            out.append("-Inf");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
    }

    private static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    private static String escapeValue(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"");
    }

    /** Labels rendered for use in {@link #sample(String, double, String...)}. */
    public static String[] pairs(Labels labels) {
        String[] p = new String[labels.size() * 2];
        for (int i = 0; i < labels.size(); i++) {
            p[2 * i] = labels.name(i);
            p[2 * i + 1] = labels.value(i);
        }
        return p;
    }
}
