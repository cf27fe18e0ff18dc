package io.gnomon.promql.engine;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The issue's benchmark queries on the issue's data shape (10k counter series, 15s scrape, 1h),
 * in-process, Gnomon only. Not part of the build: run with
 * {@code mvn -pl promql-engine -am verify -Dtest=EngineThroughputProbe -Dgnomon.probe=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. The side-by-side run against Prometheus belongs in
 * the benchmarks module: {@code io.gnomon.bench.sidebyside.EngineLatencySideBySide}.
 */
class EngineThroughputProbe {
    private static final int SERIES = 10_000;
    private static final long STEP = 15_000;
    private static final long HOUR = 3_600_000;

    @Test
    void probe() {
        Assumptions.assumeTrue(Boolean.getBoolean("gnomon.probe"), "set -Dgnomon.probe=true to run");
        Head head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        for (int s = 0; s < SERIES; s++) {
            Labels x = Labels.of("__name__", "x", "job", "job" + (s % 10), "instance", "i" + (s % 1000), "s", Integer.toString(s));
            long ref = 0;
            for (long t = 0, k = 0; t <= HOUR + 300_000; t += STEP, k++) {
                ref = app.append(ref, x, t, k * (1 + s % 7));
            }
        }
        for (int b = 0; b < 100; b++) {
            for (String le : new String[] {"0.1", "0.5", "1", "5", "+Inf"}) {
                Labels l = Labels.of("__name__", "b_bucket", "le", le, "pod", "p" + b);
                long ref = 0;
                for (long t = 0, k = 0; t <= HOUR + 300_000; t += STEP, k++) {
                    ref = app.append(ref, l, t, k * (1 + le.length()));
                }
            }
        }
        app.commit();
        Engine engine = new Engine();
        QueryOptions opts = QueryOptions.defaults();
        long start = 300_000;
        long end = start + HOUR;
        for (String q : new String[] {"sum by (job) (rate(x[5m]))", "histogram_quantile(0.99, sum by (le) (rate(b_bucket[5m])))",
                "topk(3, rate(x[5m]))", "count by (instance) (x) > 9"}) {
            // printed for comparison with the reference's answer on the same data
            System.out.println("probe-result: " + q + " @" + end + "\n" + engine.instantQuery(head, q, end, opts).value());
        }
        run("sum by (job) (rate(x[5m]))  range 1h/15s", () -> engine.rangeQuery(head, "sum by (job) (rate(x[5m]))", start, end, STEP, opts),
                (long) SERIES * (HOUR / STEP + 1) * 21);
        run("histogram_quantile(0.99, sum by (le) (rate(b_bucket[5m])))  range 1h/15s", () -> engine.rangeQuery(head,
                "histogram_quantile(0.99, sum by (le) (rate(b_bucket[5m])))", start, end, STEP, opts), 500L * (HOUR / STEP + 1) * 21);
        run("topk(10, rate(x[5m]))  range 1h/15s", () -> engine.rangeQuery(head, "topk(10, rate(x[5m]))", start, end, STEP, opts),
                (long) SERIES * (HOUR / STEP + 1) * 21);
        run("count by (instance) (x)  instant", () -> engine.instantQuery(head, "count by (instance) (x)", end, opts), SERIES);
    }

    private static void run(String name, Runnable q, long samplesTouched) {
        for (int i = 0; i < 3; i++) {
            q.run();
        }
        int n = 15;
        long[] ns = new long[n];
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            q.run();
            ns[i] = System.nanoTime() - t0;
        }
        Arrays.sort(ns);
        double p50 = ns[n / 2] / 1e6;
        double p99 = ns[n - 1] / 1e6;
        System.out.printf("probe: %-70s p50 %8.1f ms  max %8.1f ms  %6.1f M samples/s (window samples)%n", name, p50, p99,
                samplesTouched / (ns[n / 2] / 1e9) / 1e6);
    }
}
