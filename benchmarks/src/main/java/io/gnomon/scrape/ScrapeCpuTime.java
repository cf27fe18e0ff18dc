package io.gnomon.scrape;

import io.gnomon.scrape.config.ConfigLoader;
import io.gnomon.scrape.config.ScrapeConfig;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * CPU per scraped sample of one scrape loop's work after the body arrived (parse, cache lookup,
 * append, staleness, synthetic series, commit), on the calling thread: into a storage that only
 * counts, and into the head (no WAL). Bodies like the side-by-side fixture's: 1,000
 * node_cpu_seconds_total series per target, values advancing every scrape.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.gnomon.scrape.ScrapeCpuTime [targets=200] [rounds=8]</pre>
 */
public final class ScrapeCpuTime {

    private ScrapeCpuTime() {
    }

    public static void main(String[] args) {
        int targets = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        for (String sink : new String[] {"counting", "head"}) {
            Appendable storage = sink.equals("head") ? new Head(new HeadOptions(HeadOptions.DEFAULT_CHUNK_RANGE, 0)) : new Counting();
            ScrapeConfig c = ConfigLoader.parse("b.yml", "scrape_configs:\n  - job_name: fixture\n    scrape_interval: 15s\n",
                Path.of(".")).scrapeConfigs().get(0);
            ScrapeLoop[] loops = new ScrapeLoop[targets];
            BufferPool pool = new BufferPool();
            for (int i = 0; i < targets; i++) {
                io.gnomon.scrape.config.TargetGroup g = new io.gnomon.scrape.config.TargetGroup(java.util.List.of("127.0.0.1:1"),
                    java.util.Map.of("shard", Integer.toString(i)), "b");
                Target t = new TargetBuilder().build(c, g, "127.0.0.1:1").target();
                loops[i] = new ScrapeLoop(t, c, null, storage, Runnable::run, timer, new ScrapeStats(), 0, 64 << 20, pool);
            }
            for (int r = 1; r <= rounds; r++) {
                byte[] body = body(r);
                long cpu0 = mx.getCurrentThreadCpuTime();
                long ts = 1_700_000_000_000L + r * 15_000L;
                for (ScrapeLoop l : loops) {
                    l.process(new Body(body, body.length, "text/plain; version=0.0.4", ""), null, ts, System.nanoTime(), ts);
                }
                long ns = mx.getCurrentThreadCpuTime() - cpu0;
                System.out.printf(Locale.ROOT, "%s round %d: %.0f ns/sample%n", sink, r, (double) ns / (targets * 1000.0));
            }
        }
        timer.shutdownNow();
    }

    static byte[] body(long n) {
        String[] modes = {"user", "system", "idle", "iowait", "irq", "softirq", "steal", "nice"};
        StringBuilder sb = new StringBuilder(80_000);
        sb.append("# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.\n# TYPE node_cpu_seconds_total counter\n");
        for (int s = 0; s < 1000; s++) {
            sb.append("node_cpu_seconds_total{cpu=\"").append(s / 8).append("\",mode=\"").append(modes[s % 8]).append("\"} ")
                .append(n * (s % 7 + 1)).append('.').append(s % 100).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static final class Counting implements Appendable {
        @Override
        public Appender appender() {
            return new Appender() {
                long n;

                @Override
                public long append(long ref, Labels labels, long t, double v) {
                    n++;
                    return ref == 0 ? labels.hash() | 1 : ref;
                }

                @Override
                public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
                    return ref;
                }

                @Override
                public long updateMetadata(long ref, Labels labels, Metadata metadata) {
                    return ref;
                }

                @Override
                public AppendResult commit() {
                    return new AppendResult(n, 0, new long[io.gnomon.tsdb.storage.Rejection.values().length], null, null, null);
                }

                @Override
                public void rollback() {
                }
            };
        }
    }
}
