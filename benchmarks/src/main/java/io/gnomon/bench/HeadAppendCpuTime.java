package io.gnomon.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link HeadAppendBench}'s loop timed by the thread's CPU time instead of the wall clock, for a
 * machine shared with other work: samples per CPU-second on one thread. Prints the best round
 * after warm-up (the least disturbed by cache pollution from the other work).
 *
 * <p>Run: {@code java -Xms4g -Xmx4g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar
 * io.gnomon.bench.HeadAppendCpuTime}
 */
public final class HeadAppendCpuTime {

    private HeadAppendCpuTime() {
    }

    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        HeadAppendBench b = new HeadAppendBench();
        double best = 0;
        for (int round = 0; round < 8; round++) {
            b.setup();
            long samples = 0;
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 30; i++) {
                samples += b.appendOneRound();
            }
            double secs = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double rate = samples / secs;
            System.out.printf("round %d: %.1fM samples per CPU-second%n", round, rate / 1e6);
            if (round >= 3) {
                best = Math.max(best, rate);
            }
        }
        System.out.printf("best after warm-up: %.1fM samples per CPU-second%n", best / 1e6);
    }
}
