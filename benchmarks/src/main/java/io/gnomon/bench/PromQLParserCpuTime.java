package io.gnomon.bench;

import io.gnomon.promql.parser.PromQLParser;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Companion to {@link PromQLParserBench} for shared machines: reports the thread CPU time per
 * parse (ThreadMXBean) next to wall-clock time, so a result can be read apart from time the
 * thread spent waiting for a core. Not a JMH benchmark; JMH numbers stay the reference.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.gnomon.bench.PromQLParserCpuTime [iterations]</pre>
 */
public final class PromQLParserCpuTime {
    private PromQLParserCpuTime() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int round = 0; round < 3; round++) {
            boolean report = round == 2; // two warm-up rounds
            for (String q : PromQLParserBench.QUERIES) {
                long cpu0 = tm.getCurrentThreadCpuTime();
                long wall0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    sink += PromQLParser.parse(q).pos().end();
                }
                if (report) {
                    System.out.printf("cpu %6.2f us/op  wall %6.2f us/op  %s%n", (tm.getCurrentThreadCpuTime() - cpu0) / 1e3 / n,
                            (System.nanoTime() - wall0) / 1e3 / n, q);
                }
            }
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
