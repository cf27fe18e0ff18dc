package io.gnomon.bench.sidebyside;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * OTLP/HTTP and OTLP/gRPC against remote-write over real sockets, one Gnomon process (the shaded
 * jar, started with an OTLP/gRPC listener), same series and samples: remote-write 1.0, then
 * OTLP/HTTP protobuf cumulative and delta, then OTLP/gRPC cumulative and delta (one h2c connection
 * with a stream per call, {@link GrpcClient}), each on its own generation of series (so each
 * creates its series), in the SDK/Collector export shape
 * ({@code --series} series x 1 sample per request, {@code --rounds} requests per load, 4 senders).
 * Each load is preceded by a warm-up of the same kind on other series. Measured per load: samples/s
 * over the wall time, and the server's CPU seconds (utime + stime) per million samples.
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.sidebyside.OtlpSideBySide [--series=2000] [--rounds=150]
 * </pre>
 */
public final class OtlpSideBySide {

    private OtlpSideBySide() {
    }

    public static void main(String[] args) throws Exception {
        String jar = SideBySide.arg(args, "gnomon-jar", "http-api/target/gnomon.jar");
        String jvmOpts = SideBySide.arg(args, "gnomon-jvm-opts", "-Xmx3g -XX:+UseParallelGC");
        int series = Integer.parseInt(SideBySide.arg(args, "series", "2000"));
        int rounds = Integer.parseInt(SideBySide.arg(args, "rounds", "150"));
        int concurrency = Integer.parseInt(SideBySide.arg(args, "concurrency", "4"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int grpcPort = SideBySide.freePort();
        SideBySide.gnomonArgs = (SideBySide.gnomonArgs + " --otlp.grpc.listen-address=127.0.0.1:" + grpcPort).trim();
        try (SideBySide.Target g = SideBySide.startGnomon(jar, jvmOpts); GrpcClient grpc = new GrpcClient("127.0.0.1", grpcPort)) {
            String rw = g.writeUrl();
            String otlp = "http://127.0.0.1:" + g.port + "/api/v1/otlp/v1/metrics";
            String[] kinds = {"remote-write 1.0", "OTLP/HTTP cumulative", "OTLP/HTTP delta", "OTLP/gRPC cumulative", "OTLP/gRPC delta"};
            System.out.printf("| load | samples/s | CPU s / M samples | vs remote-write | errors |%n|---|---:|---:|---:|---:|%n");
            double rwCpu = 0;
            for (int kind = 0; kind < kinds.length; kind++) {
                // Warm-up on generation 10+kind, measured load on generation kind.
                List<List<byte[]>> warm = bodies(kind, 10 + kind, series, Math.max(10, rounds / 5), concurrency);
                send(client, grpc, kind, kind == 0 ? rw : otlp, warm);
                List<List<byte[]>> load = bodies(kind, kind, series, rounds, concurrency);
                double cpu0 = ProcStats.cpuSeconds(g.pid());
                long t0 = System.nanoTime();
                long errors = send(client, grpc, kind, kind == 0 ? rw : otlp, load);
                long nanos = System.nanoTime() - t0;
                double cpu = ProcStats.cpuSeconds(g.pid()) - cpu0;
                double samples = (double) series * rounds;
                double perM = cpu / samples * 1e6;
                if (kind == 0) {
                    rwCpu = perM;
                }
                System.out.printf("| %s | %,.0f | %.2f | %.2fx | %d/%d |%n", kinds[kind], samples / (nanos / 1e9), perM,
                    perM / rwCpu, errors, (long) rounds * concurrency);
            }
        }
    }

    /**
     * Per sender, its share of the series; request r of a sender carries each of its series once at
     * step r (continuing timestamps), as an exporter sends them. A sender sends in order, so every
     * series' samples (and delta intervals) arrive in order.
     */
    private static List<List<byte[]>> bodies(int kind, int gen, int series, int rounds, int senders) {
        long step = 10_000;
        long t0 = System.currentTimeMillis() - 60_000 - rounds * step;
        List<List<byte[]>> out = new ArrayList<>();
        for (int c = 0; c < senders; c++) {
            int from = c * series / senders;
            int to = (c + 1) * series / senders;
            List<byte[]> mine = new ArrayList<>(rounds);
            for (int r = 0; r < rounds; r++) {
                long t = t0 + r * step;
                mine.add(kind == 0 ? BenchPayloads.encode(false, from, to, gen, 1, t, step)
                    : OtlpPayloads.request(kind == 2 || kind == 4, from, to, gen, 1, t, step, r).toByteArray());
            }
            out.add(mine);
        }
        return out;
    }

    static final String EXPORT = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";

    /**
     * One thread per sender, each sending its requests in order; counts non-2xx answers, gRPC
     * statuses other than OK, and partial successes over HTTP.
     */
    private static long send(HttpClient client, GrpcClient grpc, int kind, String url, List<List<byte[]>> perSender)
        throws InterruptedException {
        boolean remoteWrite = kind == 0;
        AtomicLong errors = new AtomicLong();
        Thread[] ts = new Thread[perSender.size()];
        for (int c = 0; c < ts.length; c++) {
            List<byte[]> bodies = perSender.get(c);
            ts[c] = new Thread(() -> {
                for (int i = 0; i < bodies.size(); i++) {
                    if (kind >= 3) {
                        try {
                            if (grpc.call(EXPORT, bodies.get(i)) != 0) {
                                errors.incrementAndGet();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                        continue;
                    }
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)));
                    if (remoteWrite) {
                        b.header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                            .header("X-Prometheus-Remote-Write-Version", "0.1.0");
                    } else {
                        b.header("Content-Type", "application/x-protobuf");
                    }
                    try {
                        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                        // A partial success (rejected points) has a non-empty ExportMetricsServiceResponse.
                        if (r.statusCode() / 100 != 2 || (!remoteWrite && r.body().length > 0)) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        return errors.get();
    }
}
