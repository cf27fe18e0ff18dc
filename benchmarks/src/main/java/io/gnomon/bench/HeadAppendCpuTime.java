package io.gnomon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link HeadAppendBench}'s loop timed by the thread's CPU time instead of the wall clock, for a
 * machine shared with other work: samples per CPU-second on one thread. Prints the best round
 * after warm-up (the least disturbed by cache pollution from the other work) and the median of
 * the rounds after warm-up.
 *
 * <p>Run: {@code java -Xms4g -Xmx4g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.gnomon.bench.HeadAppendCpuTime}
 */
public final class HeadAppendCpuTime {

    private static final int ROUNDS = 12;
    private static final int WARMUP = 3;

    private HeadAppendCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        HeadAppendBench b = new HeadAppendBench();
        double best = 0;
        double[] warm = new double[ROUNDS - WARMUP];
        for (int round = 0; round < ROUNDS; round++) {
            b.setup();
            long samples = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 30; i++) {
                samples += b.appendOneRound();
            }
            double secs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double rate = samples / secs;
            System.out.printf("round %d: %.1fM samples per CPU-second%n", round, rate / 1e6);
            if (round >= WARMUP) {
                best = Math.max(best, rate);
                warm[round - WARMUP] = rate;
            }
        }
        java.util.Arrays.sort(warm);
        System.out.printf("best after warm-up: %.1fM, median %.1fM samples per CPU-second%n",
            best / 1e6, warm[warm.length / 2] / 1e6);
    }
}
