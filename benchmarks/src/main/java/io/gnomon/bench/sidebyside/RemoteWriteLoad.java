package io.gnomon.bench.sidebyside;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A remote-write load: node-exporter-like series, a number of samples per series in each
 * request, series batched into requests, optional churn, sent by concurrent senders. All payloads
 * are encoded and compressed by {@link #build()} before any clock starts, so targets receive
 * byte-identical bodies.
 *
 * <p>Rounds: round 0 sends every series once; each further round (churn) replaces the first
 * {@code churn} fraction of series by new ones (a new {@code instance}) and continues the
 * timestamps of the others. Rounds are sent one after another; requests inside a round in
 * parallel (each series is in exactly one request per round, so per-series order holds).
 */
final class RemoteWriteLoad {

    /** Spacing of consecutive samples of a series: 10 s keeps 240 samples inside 40 minutes. */
    static final long STEP_MS = 10_000;

    final String name;
    final int series;
    final int samplesPerSeries;
    final int seriesPerRequest;
    final int rounds;
    final double churn;
    final boolean v2;
    final int concurrency;
    /** Generation offset, so a warm-up load never shares series with the measured one. */
    final int generationBase;

    private final List<List<byte[]>> payloads = new ArrayList<>();
    private long totalSamples;
    private long activeSeries;
    private long bytes;

    RemoteWriteLoad(String name, int series, int samplesPerSeries, int seriesPerRequest, int rounds, double churn,
                    boolean v2, int concurrency, int generationBase) {
        this.name = name;
        this.series = series;
        this.samplesPerSeries = samplesPerSeries;
        this.seriesPerRequest = seriesPerRequest;
        this.rounds = rounds;
        this.churn = churn;
        this.v2 = v2;
        this.concurrency = concurrency;
        this.generationBase = generationBase;
    }

    /** Encodes every request of every round; timestamps end a minute before now. */
    RemoteWriteLoad build() {
        long span = (long) rounds * samplesPerSeries * STEP_MS;
        long t0 = System.currentTimeMillis() - 60_000 - span;
        int churned = (int) Math.round(series * churn);
        activeSeries = series;
        for (int r = 0; r < rounds; r++) {
            List<byte[]> round = new ArrayList<>();
            long rt0 = t0 + (long) r * samplesPerSeries * STEP_MS;
            for (int from = 0; from < series; from += seriesPerRequest) {
                int to = Math.min(series, from + seriesPerRequest);
                // The churned prefix gets this round's generation, the rest keeps generation 0.
                if (r > 0 && from < churned) {
                    int mid = Math.min(to, churned);
                    round.add(BenchPayloads.encode(v2, from, mid, generationBase + r, samplesPerSeries, rt0, STEP_MS));
                    if (mid < to) {
                        round.add(BenchPayloads.encode(v2, mid, to, generationBase, samplesPerSeries, rt0, STEP_MS));
                    }
                } else {
                    round.add(BenchPayloads.encode(v2, from, to, generationBase, samplesPerSeries, rt0, STEP_MS));
                }
            }
            if (r > 0) {
                activeSeries += churned;
            }
            payloads.add(round);
        }
        totalSamples = (long) rounds * series * samplesPerSeries;
        for (List<byte[]> round : payloads) {
            for (byte[] b : round) {
                bytes += b.length;
            }
        }
        return this;
    }

    long totalSamples() {
        return totalSamples;
    }

    /** Series created by the load (all of them stay in the head for the run). */
    long activeSeries() {
        return activeSeries;
    }

    long compressedBytes() {
        return bytes;
    }

    int requests() {
        return payloads.stream().mapToInt(List::size).sum();
    }

    /** Outcome of sending the load once. */
    record Result(long nanos, long requests, long errors, String firstError) {
    }

    /** Sends every round to {@code url}; returns wall time and the count of non-2xx answers. */
    Result send(HttpClient client, String url, boolean sendV2Headers) throws InterruptedException {
        AtomicLong errors = new AtomicLong();
        AtomicLong requests = new AtomicLong();
        String[] firstError = {null};
        long start = System.nanoTime();
        for (List<byte[]> round : payloads) {
            AtomicInteger next = new AtomicInteger();
            Thread[] senders = new Thread[concurrency];
            for (int c = 0; c < concurrency; c++) {
                senders[c] = new Thread(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < round.size()) {
                        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", sendV2Headers
                                ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf")
                            .header("Content-Encoding", "snappy")
                            .header("X-Prometheus-Remote-Write-Version", sendV2Headers ? "2.0.0" : "0.1.0")
                            .header("User-Agent", "gnomon-bench")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(round.get(i)))
                            .build();
                        requests.incrementAndGet();
                        try {
                            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
                            if (resp.statusCode() / 100 != 2) {
                                errors.incrementAndGet();
                                synchronized (firstError) {
                                    if (firstError[0] == null) {
                                        firstError[0] = resp.statusCode() + " " + resp.body().strip();
                                    }
                                }
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = e.toString();
                                }
                            }
                        }
                    }
                }, "sender-" + c);
                senders[c].start();
            }
            for (Thread t : senders) {
                t.join();
            }
        }
        return new Result(System.nanoTime() - start, requests.get(), errors.get(), firstError[0]);
    }
}
