package io.gnomon.bench;

import io.gnomon.tsdb.index.MemIndexReader;
import io.gnomon.tsdb.index.MemPostings;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.index.PostingsForMatchers;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Selecting series through {@link PostingsForMatchers} over a {@link MemPostings} of 1M
 * node-exporter-like series: 1000 instances ({@code host-0..host-999}) in 10 jobs (every tenth
 * instance in {@code job="node"}), each exporting the same 1000 metric names, with 7 more
 * low-cardinality labels (10 labels per series). Refs are assigned instance by instance, the
 * order in which scrapes create series. Each benchmark computes the postings and drains them.
 *
 * <p>The trial setup prints the index's memory per series, measured two ways: the heap growth
 * across building the index (labels built beforehand, full GCs around it) and
 * {@link MemPostings#estimatedBytes()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class PostingsBench {
    static final int INSTANCES = 1000;
    static final int METRICS = 1000;
    static final String[] JOBS = {"node", "api", "db", "cache", "queue", "web", "auth", "search", "batch", "proxy"};

    MemIndexReader ix;
    Matcher[] threeMatchers;
    Matcher[] nameAndJob;
    Matcher[] regexSet;
    Matcher[] negated;

    @Setup(Level.Trial)
    public void setUp() {
        String[] metrics = new String[METRICS];
        for (int m = 0; m < METRICS; m++) {
            metrics[m] = m == 0 ? "node_cpu_seconds_total" : "node_metric_" + m + "_total";
        }
        Labels[] series = new Labels[INSTANCES * METRICS];
        int i = 0;
        for (int h = 0; h < INSTANCES; h++) {
            for (int m = 0; m < METRICS; m++) {
                series[i++] = Labels.of("__name__", metrics[m], "job", JOBS[h % JOBS.length], "instance", "host-" + h,
                        "env", h % 4 == 0 ? "dev" : "prod", "region", "region-" + (h % 5), "az", "az-" + (h % 3),
                        "team", "team-" + (h % 20), "version", "v1." + (h % 4), "os", "linux", "arch", h % 7 == 0 ? "arm64" : "amd64");
            }
        }
        long before = usedHeap();
        MemPostings postings = new MemPostings();
        for (int r = 0; r < series.length; r++) {
            postings.add(r + 1, series[r]);
        }
        long after = usedHeap();
        System.out.printf("%nMemPostings over %d series with 10 labels: measured heap %.1f B/series, estimatedBytes %.1f B/series%n",
                series.length, (after - before) / (double) series.length, postings.estimatedBytes() / (double) series.length);
        ix = new MemIndexReader(postings, ref -> ref >= 1 && ref <= series.length ? series[(int) ref - 1] : null);

        threeMatchers = new Matcher[] {
            Matcher.eq("__name__", "node_cpu_seconds_total"),
            Matcher.eq("job", "node"),
            Matcher.create(MatchType.RE, "instance", "host-1.*"),
        };
        nameAndJob = new Matcher[] {Matcher.eq("__name__", "node_cpu_seconds_total"), Matcher.eq("job", "node")};
        regexSet = new Matcher[] {
            Matcher.eq("__name__", "node_cpu_seconds_total"),
            Matcher.create(MatchType.RE, "instance", "host-1|host-2|host-3|host-42"),
        };
        negated = new Matcher[] {
            Matcher.eq("__name__", "node_cpu_seconds_total"),
            Matcher.create(MatchType.NEQ, "env", "dev"),
            Matcher.create(MatchType.NRE, "region", "region-[12]"),
        };
        int n = drain(threeMatchers);
        if (n != 11) {
            throw new IllegalStateException("expected 11 series, got " + n);
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private int drain(Matcher[] ms) {
        Postings p = PostingsForMatchers.postings(ix, ms);
        int n = 0;
        while (p.next()) {
            n++;
        }
        return n;
    }

    /** {@code {__name__="node_cpu_seconds_total", job="node", instance=~"host-1.*"}}: 11 series. */
    @Benchmark
    public int nameJobInstanceRegex() {
        return drain(threeMatchers);
    }

    /** {@code {__name__="node_cpu_seconds_total", job="node"}}: 100 series. */
    @Benchmark
    public int nameJob() {
        return drain(nameAndJob);
    }

    /** {@code {__name__="node_cpu_seconds_total", instance=~"host-1|host-2|host-3|host-42"}}: 4 series. */
    @Benchmark
    public int nameInstanceSet() {
        return drain(regexSet);
    }

    /** {@code {__name__="node_cpu_seconds_total", env!="dev", region!~"region-[12]"}}: 450 series. */
    @Benchmark
    public int nameNegations() {
        return drain(negated);
    }
}
