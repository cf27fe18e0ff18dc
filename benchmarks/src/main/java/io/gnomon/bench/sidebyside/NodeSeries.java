package io.gnomon.bench.sidebyside;

/**
 * Node-exporter-like series: ten labels and about 120 bytes of label text each, e.g.
 * <pre>
 * {__name__="node_cpu_seconds_total", cpu="3", datacenter="dc-1", env="prod", instance="host-00042:9100",
 *  job="node", mode="idle", rack="r07", region="eu-west-1", team="infra"}
 * </pre>
 * Series {@code i} of generation {@code g} is a pure function of both, so every target receives
 * identical series. A new generation (churn) changes the {@code instance} of the series.
 */
final class NodeSeries {

    static final String[] METRICS = {
        "node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_network_receive_bytes_total",
        "node_network_transmit_bytes_total", "node_disk_read_bytes_total", "node_disk_written_bytes_total",
        "node_filesystem_avail_bytes", "node_load1", "node_context_switches_total", "node_intr_total"
    };
    static final String[] MODES = {"idle", "user", "system", "iowait", "irq", "softirq", "steal", "nice"};

    private NodeSeries() {
    }

    /** Label names and values, sorted by name, as senders write them. */
    static String[] labels(int i, int generation) {
        int host = i / 80;
        String metric = METRICS[i % METRICS.length];
        String cpu = Integer.toString((i / METRICS.length) % 8);
        String instance = "host-" + String.format("%05d", host) + (generation == 0 ? "" : "-g" + generation) + ":9100";
        return new String[] {
            "__name__", metric,
            "cpu", cpu,
            "datacenter", "dc-" + (host % 3 + 1),
            "env", "prod",
            "instance", instance,
            "job", "node",
            "mode", MODES[(i / 7) % MODES.length],
            "rack", "r" + String.format("%02d", host % 40),
            "region", "eu-west-1",
            "team", "infra"
        };
    }
}
