package io.gnomon.bench;

import io.gnomon.http.JsonOut;
import io.gnomon.http.api.ApiJson;
import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.tsdb.labels.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding a range-query answer into the response buffer: 10k series × 241 points (a last-hour
 * Grafana panel at a 15 s step) with node_exporter-like labels. {@code values=integer} are
 * counters and gauges with whole values, {@code values=fraction} rates with 16 significant
 * digits, the expensive case. Target (issue 7): at most 20 ms per answer.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ApiJsonBench -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ApiJsonBench {

    @Param({"integer", "fraction"})
    public String values;

    private Matrix matrix;

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        List<Matrix.Series> series = new ArrayList<>(10_000);
        for (int s = 0; s < 10_000; s++) {
            Labels l = Labels.of("__name__", "node_cpu_seconds_total", "cpu", String.valueOf(s % 16), "instance",
                "host-" + (s / 80) + ":9100", "job", "node", "mode", new String[] {"user", "system", "idle", "iowait", "irq"}[s % 5]);
            long[] t = new long[241];
            double[] v = new double[241];
            for (int k = 0; k < 241; k++) {
                t[k] = 1_717_999_845_000L + k * 15_000L;
                v[k] = values.equals("integer") ? rnd.nextInt(1_000_000) : rnd.nextDouble() * 100;
            }
            series.add(new Matrix.Series(l, t, v, 241));
        }
        matrix = new Matrix(series);
    }

    @Benchmark
    public int encode() {
        JsonOut out = JsonOut.allocate(ApiJson.estimateSize(matrix));
        out.raw("{\"status\":\"success\",\"data\":");
        ApiJson.data(out, matrix, 0, null);
        out.raw('}');
        return out.size();
    }
}
