package io.gnomon.bench;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.storage.Appender;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Head append throughput on one thread into 100k existing series, with cached series refs (the
 * way every ingest path appends after the first request): one appender per 10k samples, each
 * invocation appending one sample to each of the 100k series at the next 15 s timestamp.
 * Scores are samples per second. No WAL is involved (issue 2 measures the head alone).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HeadAppendBench {

    static final int SERIES = 100_000;
    static final int BATCH = 10_000;

    Head head;
    long[] refs;
    double[][] values;
    long t;
    int round;

    @Setup(Level.Iteration)
    public void setup() {
        head = new Head(HeadOptions.defaults());
        refs = new long[SERIES];
        Random r = new Random(7);
        values = new double[64][SERIES];
        for (int k = 0; k < values.length; k++) {
            for (int i = 0; i < SERIES; i++) {
                values[k][i] = NodeExporterLike.value(i, k, r);
            }
        }
        Appender app = head.appender();
        for (int i = 0; i < SERIES; i++) {
            refs[i] = app.append(0, NodeExporterLike.labels(i), 0, values[0][i]);
        }
        app.commit();
        t = 15_000;
        round = 1;
    }

    @Benchmark
    @OperationsPerInvocation(SERIES)
    public long appendOneRound() {
        double[] vs = values[round & 63];
        long ts = t;
        long sum = 0;
        for (int start = 0; start < SERIES; start += BATCH) {
            Appender app = head.appender();
            int end = start + BATCH;
            for (int i = start; i < end; i++) {
                app.append(refs[i], null, ts, vs[i]);
            }
            sum += app.commit().samplesAppended();
        }
        t += 15_000;
        round++;
        return sum;
    }
}
