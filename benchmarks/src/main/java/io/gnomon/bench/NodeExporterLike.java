package io.gnomon.bench;

import io.gnomon.tsdb.labels.Labels;
import java.util.Random;

/**
 * Synthetic series shaped like a node_exporter fleet: about 10 labels and 100 bytes of label
 * text per series, a few hundred metric names, and a value mix of constant gauges, integer
 * counters and noisy floats. Deterministic for a given seed.
 */
public final class NodeExporterLike {

    private static final String[] METRIC_PREFIXES = {"node_cpu_seconds_total", "node_memory_MemFree_bytes",
        "node_network_receive_bytes_total", "node_disk_io_time_seconds_total", "node_filesystem_avail_bytes",
        "node_load1", "node_netstat_Tcp_InSegs", "node_vmstat_pgfault", "node_context_switches_total",
        "node_intr_total"};

    private NodeExporterLike() {
    }

    /** Labels of series {@code i} of {@code n}: 10 labels, about 100 bytes of text. */
    public static Labels labels(int i) {
        int host = i / 100;
        int within = i % 100;
        return Labels.of(
            "__name__", METRIC_PREFIXES[within % METRIC_PREFIXES.length] + (within < 10 ? "" : "_" + (within / 10)),
            "job", "node",
            "instance", "host-" + host + ".example.org:9100",
            "cluster", "eu-west-" + (host % 3),
            "env", host % 5 == 0 ? "staging" : "prod",
            "region", "eu-west-1",
            "az", "eu-west-1" + (char) ('a' + host % 3),
            "team", "team-" + (host % 7),
            "cpu", Integer.toString(within % 16),
            "mode", within % 2 == 0 ? "user" : "system");
    }

    /** Kind of value series {@code i} carries: 0 constant gauge, 1 integer counter, 2 noisy float. */
    public static int kind(int i) {
        return i % 3;
    }

    /** The {@code k}-th value of series {@code i} of its kind. */
    public static double value(int i, int k, Random r) {
        return switch (kind(i)) {
            case 0 -> 8_388_608.0 * (1 + i % 4);
            case 1 -> (double) (k * 37L + (r.nextInt(10)));
            default -> 0.5 + r.nextGaussian() * 0.01 + Math.sin(k / 10.0);
        };
    }
}
