package io.gnomon.bench;

import io.gnomon.tsdb.text.GoFloat;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One sample value as Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, in ns per value:
 * {@link GoFloat#write} (shortest digits by Schubfach, bytes straight into an array) against the
 * path it replaced ({@code Double.toString}, BigDecimal outside {@code [1e-3, 1e7)}, then the
 * String's bytes copied into the array, as {@code ApiJson} did per point). {@code fraction} are
 * rates with about 16 significant digits, {@code integer} counters, {@code tiny} values around
 * 1e-9 and {@code huge} around 1e25 (both went through BigDecimal).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar GoFloatBench -f 1 -wi 3 -i 5 -w 1s -r 1s</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(GoFloatBench.N)
public class GoFloatBench {

    static final int N = 1024;

    @Param({"fraction", "integer", "tiny", "huge"})
    public String values;

    private final double[] v = new double[N];
    private final byte[] buf = new byte[GoFloat.MAX_LENGTH];

    @Setup
    public void setup() {
        SplittableRandom rnd = new SplittableRandom(42);
        for (int i = 0; i < N; i++) {
            v[i] = switch (values) {
                case "fraction" -> rnd.nextDouble() * 100;
                case "integer" -> rnd.nextInt(1_000_000);
                case "tiny" -> rnd.nextDouble() * 1e-9;
                case "huge" -> rnd.nextDouble() * 1e25;
                default -> throw new IllegalArgumentException(values);
            };
        }
    }

    @Benchmark
    public int shortest() {
        int bytes = 0;
        for (double x : v) {
            bytes += GoFloat.write(buf, 0, x, 'f');
        }
        return bytes;
    }

    @Benchmark
    public int javaToString() {
        int bytes = 0;
        for (double x : v) {
            String s = previousFormat(x);
            s.getBytes(0, s.length(), buf, 0);
            bytes += s.length();
        }
        return bytes;
    }

    /** GoFloat.append before it had its own digit generator (commit 0c20a87). */
    private static String previousFormat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        } else if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        } else if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        } else if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) {
            return Double.toString(v);
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
