package io.gnomon.tsdb.storage;

/**
 * Metric metadata as the Prometheus metadata API serves it: type ({@code counter}, {@code gauge},
 * {@code histogram}, {@code gaugehistogram}, {@code summary}, {@code info}, {@code stateset},
 * {@code unknown}), unit and help text.
 */
public record Metadata(String type, String unit, String help) {

    public Metadata {
        type = type == null || type.isEmpty() ? "unknown" : type;
        unit = unit == null ? "" : unit;
        help = help == null ? "" : help;
    }
}
