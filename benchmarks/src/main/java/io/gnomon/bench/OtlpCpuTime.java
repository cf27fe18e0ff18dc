package io.gnomon.bench;

import io.gnomon.bench.sidebyside.BenchPayloads;
import io.gnomon.bench.sidebyside.OtlpPayloads;
import io.gnomon.ingest.otlp.GrpcAnswer;
import io.gnomon.ingest.otlp.OtlpOptions;
import io.gnomon.ingest.otlp.OtlpReceiver;
import io.gnomon.ingest.otlp.OtlpResponse;
import io.gnomon.ingest.otlp.SeriesLookup;
import io.gnomon.ingest.remotewrite.RemoteWriteLimits;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.ingest.remotewrite.WriteResponse;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * OTLP ingest cost per sample against remote-write's, same series, same samples, same run, in the
 * calling thread's CPU time (immune to time-slicing on a shared machine), each receiver into its
 * own real in-memory {@link Head}:
 * <ul>
 * <li>remote-write 1.0 (snappy), the reference;
 * <li>OTLP/HTTP protobuf, cumulative and delta, uncompressed (the SDK's default) and gzip;
 * <li>OTLP/gRPC (the message path after HTTP/2 framing), cumulative and delta.
 * </ul>
 * Two shapes: "batch" = 20 requests of 500 series x 240 samples (the remote-write harness's
 * steady request shape), and "export" = 200 rounds of 2,000 series x 1 sample (what an SDK or Collector
 * sends every interval). Prints one line per round and shape; read the later rounds.
 *
 * <pre>java -Xmx3g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.gnomon.bench.OtlpCpuTime</pre>
 */
public final class OtlpCpuTime {

    private OtlpCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        run("batch", 20, 500, 240, rounds);
        run("export", 200, 2000, 1, rounds);
    }

    private static void run(String shape, int requests, int series, int samples, int rounds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long step = 10_000;
        long t0 = System.currentTimeMillis() - 60_000 - (long) requests * samples * step;
        boolean export = samples == 1;
        byte[][] rw = new byte[requests][];
        byte[][] cum = new byte[requests][];
        byte[][] del = new byte[requests][];
        byte[][] cumGz = new byte[requests][];
        for (int r = 0; r < requests; r++) {
            // batch: request r carries series [r*series, (r+1)*series); export: every request the same series, next step.
            int from = export ? 0 : r * series;
            int to = from + series;
            long rt0 = export ? t0 + r * step : t0;
            long k0 = export ? r : 0;
            rw[r] = BenchPayloads.encode(false, from, to, 0, samples, rt0, step);
            cum[r] = OtlpPayloads.request(false, from, to, 0, samples, rt0, step, k0).toByteArray();
            del[r] = OtlpPayloads.request(true, from, to, 0, samples, rt0, step, k0).toByteArray();
            cumGz[r] = OtlpPayloads.gzip(cum[r]);
        }
        double n = (double) requests * series * samples;
        for (int round = 0; round < rounds; round++) {
            RemoteWriteReceiver rwr = new RemoteWriteReceiver(head(), RemoteWriteLimits.defaults());
            long c0 = mx.getCurrentThreadCpuTime();
            for (byte[] b : rw) {
                check(rwr.handle("application/x-protobuf", "snappy", null, b));
            }
            long rwNs = mx.getCurrentThreadCpuTime() - c0;
            long httpCum = http(cum, null, mx);
            long httpDel = http(del, null, mx);
            long httpGz = http(cumGz, "gzip", mx);
            long grpcCum = grpc(cum, mx);
            long grpcDel = grpc(del, mx);
            System.out.printf("%s round %d: ns/sample remote-write %.0f | OTLP/HTTP cumulative %.0f (%.2fx), delta %.0f (%.2fx),"
                    + " cumulative+gzip %.0f (%.2fx) | OTLP/gRPC cumulative %.0f (%.2fx), delta %.0f (%.2fx)%n",
                shape, round, rwNs / n, httpCum / n, (double) httpCum / rwNs, httpDel / n, (double) httpDel / rwNs,
                httpGz / n, (double) httpGz / rwNs, grpcCum / n, (double) grpcCum / rwNs, grpcDel / n, (double) grpcDel / rwNs);
        }
    }

    private static Head head() {
        return new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0));
    }

    private static OtlpReceiver otlp(Head h) {
        return new OtlpReceiver(h, OtlpOptions.defaults(), SeriesLookup.of(h, Long.MAX_VALUE / 4));
    }

    private static long http(byte[][] bodies, String encoding, ThreadMXBean mx) {
        OtlpReceiver rx = otlp(head());
        long c0 = mx.getCurrentThreadCpuTime();
        for (byte[] b : bodies) {
            OtlpResponse r = rx.handleHttp("application/x-protobuf", encoding, b, 0, b.length);
            if (r.status() != 200 || r.rejectedPoints() != 0) {
                throw new IllegalStateException(r.status() + " " + r.message());
            }
        }
        return mx.getCurrentThreadCpuTime() - c0;
    }

    private static long grpc(byte[][] bodies, ThreadMXBean mx) {
        OtlpReceiver rx = otlp(head());
        long c0 = mx.getCurrentThreadCpuTime();
        for (byte[] b : bodies) {
            GrpcAnswer a = rx.handleGrpc(b, 0, b.length);
            if (a.status() != GrpcAnswer.OK) {
                throw new IllegalStateException(a.status() + " " + a.message());
            }
        }
        return mx.getCurrentThreadCpuTime() - c0;
    }

    private static void check(WriteResponse w) {
        if (w.status() != 204) {
            throw new IllegalStateException(w.status() + " " + w.message());
        }
    }
}
