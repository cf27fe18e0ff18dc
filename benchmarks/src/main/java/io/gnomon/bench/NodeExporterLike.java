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

    /**
     * Series per host: Debian's prometheus-node-exporter exported 507 series on the 2-core VM
     * this was measured on.
     */
    public static final int SERIES_PER_HOST = 500;

    /** Labels of series {@code i}: 10 labels, about 100 bytes of text. */
    public static Labels labels(int i) {
        int host = i / SERIES_PER_HOST;
        int within = i % SERIES_PER_HOST;
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

    /**
     * Kind of value series {@code i} carries, in the proportions measured on a real
     * node_exporter (Debian's prometheus-node-exporter on a 2-core VM, two scrapes 15 s apart:
     * of 507 series 380 did not change, 66 changed by an integer, 61 by a fraction — half of
     * those seconds-counters with two decimals, half full-precision gauges):
     * 0 constant (75%), 1 integer counter (13%), 2 counter in hundredths (6%), 3 noisy float (6%).
     */
    public static int kind(int i) {
        int p = Math.floorMod(i * 37, 100);
        if (p < 75) {
            return 0;
        }
        if (p < 88) {
            return 1;
        }
        return p < 94 ? 2 : 3;
    }

    /** The {@code k}-th value of series {@code i}, following its kind. */
    public static double value(int i, int k, Random r) {
        return switch (kind(i)) {
            case 0 -> 8_388_608.0 * (1 + i % 4);
            case 1 -> (double) (1_000_000L + k * 1500L + r.nextInt(1000));
            case 2 -> Math.round((12_345.0 + k * 14.3 + r.nextDouble()) * 100) / 100.0;
            default -> 0.5 + r.nextGaussian() * 0.01 + Math.sin(k / 10.0);
        };
    }
}
