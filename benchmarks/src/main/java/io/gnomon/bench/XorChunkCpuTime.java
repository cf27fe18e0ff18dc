package io.gnomon.bench;

import io.gnomon.tsdb.chunkenc.XorIterator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link XorChunkBench}'s encode and decode loops timed by the thread's CPU time instead of the
 * wall clock, for a machine shared with other work where JMH's wall-clock throughput mostly
 * measures the scheduler. Reports the best of the timed rounds after a warm-up, per mix:
 * {@code java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.XorChunkCpuTime [rounds]}.
 * Other threads on the same core still pollute caches, so this is an upper bound on what the
 * contended machine shows and a lower bound on an idle one.
 */
public final class XorChunkCpuTime {
    private XorChunkCpuTime() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double perRound = (double) XorChunkBench.CHUNKS * XorChunkBench.SAMPLES;
        long sink = 0;
        System.out.printf("%-9s %14s %14s %14s %12s%n", "mix", "decode M/s", "batch M/s", "encode M/s", "bytes/sample");
        long[] tBuf = new long[XorChunkBench.SAMPLES];
        double[] vBuf = new double[XorChunkBench.SAMPLES];
        for (String mix : new String[] {"constant", "counter", "noisy", "mixed", "node"}) {
            XorChunkBench.Corpus corpus = new XorChunkBench.Corpus(mix);
            XorIterator it = new XorIterator();
            double bestDecode = 0;
            double bestEncode = 0;
            double bestBatch = 0;
            for (int round = 0; round < rounds; round++) {
                long c0 = mx.getCurrentThreadCpuTime();
                sink += XorChunkBench.decodeAll(corpus.encoded, it);
                long c1 = mx.getCurrentThreadCpuTime();
                sink += XorChunkBench.encodeAll(corpus.ts, corpus.vs);
                long c2 = mx.getCurrentThreadCpuTime();
                sink += XorChunkBench.decodeBatchAll(corpus.encoded, it, tBuf, vBuf);
                long c3 = mx.getCurrentThreadCpuTime();
                if (round >= rounds / 3) {
                    bestBatch = Math.max(bestBatch, perRound * 1e3 / (c3 - c2));
                    bestDecode = Math.max(bestDecode, perRound * 1e3 / (c1 - c0));
                    bestEncode = Math.max(bestEncode, perRound * 1e3 / (c2 - c1));
                }
            }
            System.out.printf("%-9s %14.1f %14.1f %14.1f %12.3f%n", mix, bestDecode, bestBatch, bestEncode,
                    corpus.bytesPerSample());
        }
        System.out.println("(checksum " + (sink & 0xFF) + ")");
    }
}
