package io.gnomon.bench;

import io.gnomon.bench.sidebyside.BenchPayloads;
import io.gnomon.ingest.remotewrite.RemoteWriteLimits;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.ingest.remotewrite.WriteResponse;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.xerial.snappy.Snappy;

/**
 * Where a remote-written sample's CPU goes, in the calling thread's CPU time (immune to the
 * time-slicing of a shared machine): snappy alone, the receiver into a storage that only counts
 * (snappy + decode + label resolution), and the receiver into a real in-memory {@link Head}.
 * The side-by-side harness's steady workload: 40 requests of 500 node-like series x 240 samples.
 * Prints one line per round; read the later rounds (the JIT has compiled by then).
 *
 * <pre>java -Xmx3g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.gnomon.bench.RemoteWriteCpuTime</pre>
 */
public final class RemoteWriteCpuTime {

    private RemoteWriteCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int requests = 40;
        int series = 500;
        int samples = 240;
        byte[][] bodies = new byte[requests][];
        long t0 = System.currentTimeMillis() - 3_000_000L;
        for (int r = 0; r < requests; r++) {
            bodies[r] = BenchPayloads.encode(false, r * series, (r + 1) * series, 0, samples, t0, 10_000);
        }
        double n = (double) requests * series * samples;
        byte[] out = new byte[8 << 20];
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        for (int round = 0; round < rounds; round++) {
            RemoteWriteReceiver counting = new RemoteWriteReceiver(new RemoteWriteReceiverBench.CountingAppendable(),
                RemoteWriteLimits.defaults());
            RemoteWriteReceiver real = new RemoteWriteReceiver(new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0)),
                RemoteWriteLimits.defaults());
            long c0 = mx.getCurrentThreadCpuTime();
            for (byte[] b : bodies) {
                try {
                    Snappy.uncompress(b, 0, b.length, out, 0);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            long c1 = mx.getCurrentThreadCpuTime();
            for (byte[] b : bodies) {
                check(counting.handle("application/x-protobuf", "snappy", null, b));
            }
            long c2 = mx.getCurrentThreadCpuTime();
            for (byte[] b : bodies) {
                check(real.handle("application/x-protobuf", "snappy", null, b));
            }
            long c3 = mx.getCurrentThreadCpuTime();
            System.out.printf("round %d: snappy %.0f ns/sample, receiver into counting storage %.0f ns/sample, "
                + "receiver into head %.0f ns/sample%n", round, (c1 - c0) / n, (c2 - c1) / n, (c3 - c2) / n);
        }
    }

    private static void check(WriteResponse w) {
        if (w.status() != 204) {
            throw new IllegalStateException(w.status() + " " + w.message());
        }
    }
}
