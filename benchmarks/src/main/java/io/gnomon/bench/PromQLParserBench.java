package io.gnomon.bench;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.parser.PromQLParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Parse plus type check of typical Grafana dashboard queries (Node Exporter Full,
 * Kubernetes compute resources, RED dashboards), as Grafana sends them: template
 * variables already substituted, {@code $__rate_interval} expanded to a compound duration.
 * Target (issue 5): at most 20 µs per query on one core.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar PromQLParserBench -f 1 -wi 3 -i 5</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PromQLParserBench {

    static final String Q1 = "up{job=\"prometheus\"} == 0";
    static final String Q2 = "sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\",instance=~\"host-1:9100\"}[1m0s]))";
    static final String Q3 = "100 - (avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\",instance=\"host-1:9100\",job=\"node\"}[1m0s])) * 100)";
    static final String Q4 = "histogram_quantile(0.95, sum by (le, handler) (rate(http_request_duration_seconds_bucket{job=\"api\",handler=~\"/api/.*\"}[5m])))";
    static final String Q5 = "sum(container_memory_working_set_bytes{namespace=\"default\", pod=~\"web-.*\", container!=\"\", image!=\"\"}) by (pod)";
    static final String Q6 = "node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\",mountpoint=\"/\"} / node_filesystem_size_bytes{fstype!~\"tmpfs|overlay\",mountpoint=\"/\"} * 100 < 10";
    static final String Q7 = "topk(10, sum by (route) (increase(http_requests_total{status=~\"5..\"}[1h])))";
    static final String Q8 = "sum(rate(http_requests_total{job=\"api\"}[1m0s])) by (code) / ignoring(code) group_left sum(rate(http_requests_total{job=\"api\"}[1m0s]))";

    /** All benchmark queries, in {@code @Param} order. */
    static final String[] QUERIES = {Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8};

    @Param({Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8})
    public String query;

    @Benchmark
    public Expr parse() {
        return PromQLParser.parse(query);
    }
}
