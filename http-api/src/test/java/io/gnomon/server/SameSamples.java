package io.gnomon.server;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Appendable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One deterministic data set loaded into both servers of an interop test: into Gnomon through its
 * appender, into Prometheus as a block made by {@code promtool tsdb create-blocks-from openmetrics}.
 * One hour and five minutes of 15 s samples ending at {@link #END} (Grafana's worked example of a
 * last-hour window): counters with a reset, gauges, a classic histogram and a UTF-8 metric name.
 */
final class SameSamples {

    /** Last sample time, ms: 2024-06-10T07:10:45Z. */
    static final long END = 1_718_003_445_000L;
    static final long START = END - 65 * 60_000L;
    static final long STEP = 15_000L;

    private record Point(Labels labels, long t, double v) {
    }

    private final List<Point> points = new ArrayList<>();

    SameSamples() {
        String[] le = {"0.05", "0.1", "0.25", "0.5", "1", "+Inf"};
        for (long t = START; t <= END; t += STEP) {
            long k = (t - START) / STEP;
            for (String job : new String[] {"api", "web"}) {
                for (int inst = 0; inst < 3; inst++) {
                    String instance = "10.0.0." + inst + ":9100";
                    for (String code : new String[] {"200", "500"}) {
                        // A counter that resets half-way through for one instance.
                        long base = inst == 1 && k > 130 ? (k - 130) : k;
                        // Whole-number rates: Prometheus 3's compensated sum and 2.42's plain sum then agree
                        // (on other values they can differ in the last bit; Gnomon follows Prometheus 3).
                        double v = base * 15 * (code.equals("200") ? 7 + inst : 1) + (job.equals("web") ? 3 : 0);
                        add("http_requests_total", t, v, "code", code, "instance", instance, "job", job);
                    }
                    add("node_load1", t, ((k * 37 + inst * 11) % 32) / 4.0, "instance", instance, "job", job);
                    add("up", t, (inst == 2 && k > 200 && k < 220) ? 0 : 1, "instance", instance, "job", job);
                }
            }
            double cumulative = 0;
            for (int b = 0; b < le.length; b++) {
                cumulative += k * (b + 1) * (b == le.length - 1 ? 1 : 2);
                add("req_duration_seconds_bucket", t, cumulative, "job", "api", "le", le[b]);
            }
            add("req_duration_seconds_count", t, cumulative, "job", "api");
            add("req_duration_seconds_sum", t, cumulative * 0.21, "job", "api");
        }
    }

    private void add(String name, long t, double v, String... labels) {
        String[] kv = new String[labels.length + 2];
        kv[0] = "__name__";
        kv[1] = name;
        System.arraycopy(labels, 0, kv, 2, labels.length);
        points.add(new Point(Labels.of(kv), t, v));
    }

    void appendTo(Appendable db) {
        Appender app = db.appender();
        for (Point p : points) {
            app.append(0, p.labels(), p.t(), p.v());
        }
        AppendResult r = app.commit();
        if (r.samplesRejected() > 0) {
            throw new IllegalStateException("fixture rejected: " + r.describe());
        }
    }

    /** Writes the samples as OpenMetrics text and has promtool turn them into blocks in {@code dataDir}. */
    void promtoolBlocks(Path work, Path dataDir) throws IOException, InterruptedException {
        StringBuilder sb = new StringBuilder(points.size() * 80);
        String family = null;
        // OpenMetrics wants each family's samples together; points are grouped per timestamp, so regroup.
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> {
            int c = family(a).compareTo(family(b));
            if (c != 0) {
                return c;
            }
            c = a.labels().compareTo(b.labels());
            return c != 0 ? c : Long.compare(a.t(), b.t());
        });
        for (Point p : sorted) {
            String f = family(p);
            if (!f.equals(family)) {
                family = f;
                sb.append("# TYPE ").append(f).append(f.equals("req_duration_seconds") ? " histogram" : " gauge").append('\n');
            }
            sb.append(p.labels().get("__name__")).append('{');
            boolean first = true;
            for (int i = 0; i < p.labels().size(); i++) {
                if (p.labels().name(i).equals("__name__")) {
                    continue;
                }
                sb.append(first ? "" : ",").append(p.labels().name(i)).append("=\"").append(p.labels().value(i)).append('"');
                first = false;
            }
            sb.append("} ").append(p.v()).append(' ').append(p.t() / 1000).append('\n');
        }
        sb.append("# EOF\n");
        Path om = work.resolve("samples.om");
        Files.writeString(om, sb);
        Process p = new ProcessBuilder(PrometheusProcess.binary("promtool"), "tsdb", "create-blocks-from", "openmetrics",
            om.toString(), dataDir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("promtool create-blocks-from failed: " + out);
        }
    }

    private static String family(Point p) {
        String n = p.labels().get("__name__");
        for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
            if (n.startsWith("req_duration_seconds") && n.endsWith(suffix)) {
                return n.substring(0, n.length() - suffix.length());
            }
        }
        return n;
    }
}
