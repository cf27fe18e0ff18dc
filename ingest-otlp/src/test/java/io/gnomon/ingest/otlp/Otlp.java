package io.gnomon.ingest.otlp;

import com.google.protobuf.ByteString;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Request builders and storage readers for the tests. Times in milliseconds. */
final class Otlp {

    static final long MS = 1_000_000L;

    private Otlp() {
    }

    static KeyValue kv(String k, String v) {
        return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
    }

    static Resource resource(String... kvs) {
        Resource.Builder b = Resource.newBuilder();
        for (int i = 0; i < kvs.length; i += 2) {
            b.addAttributes(kv(kvs[i], kvs[i + 1]));
        }
        return b.build();
    }

    static ExportMetricsServiceRequest request(Resource r, Metric... metrics) {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(r)
            .addScopeMetrics(ScopeMetrics.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("lib").setVersion("1.0"))
                .addAllMetrics(List.of(metrics)))).build();
    }

    static ExportMetricsServiceRequest request(Metric... metrics) {
        return request(resource("service.name", "svc", "service.instance.id", "i1", "host.name", "h"), metrics);
    }

    static NumberDataPoint point(long startMs, long tMs, double v, String... attrs) {
        NumberDataPoint.Builder b = NumberDataPoint.newBuilder().setStartTimeUnixNano(startMs * MS)
            .setTimeUnixNano(tMs * MS).setAsDouble(v);
        for (int i = 0; i < attrs.length; i += 2) {
            b.addAttributes(kv(attrs[i], attrs[i + 1]));
        }
        return b.build();
    }

    static Metric gauge(String name, String unit, NumberDataPoint... ps) {
        return Metric.newBuilder().setName(name).setUnit(unit)
            .setGauge(Gauge.newBuilder().addAllDataPoints(List.of(ps))).build();
    }

    static Metric sum(String name, String unit, boolean monotonic, boolean delta, NumberDataPoint... ps) {
        return Metric.newBuilder().setName(name).setUnit(unit).setSum(Sum.newBuilder().setIsMonotonic(monotonic)
            .setAggregationTemporality(delta ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addAllDataPoints(List.of(ps))).build();
    }

    static HistogramDataPoint hpoint(long startMs, long tMs, double[] bounds, long[] counts, double sum) {
        HistogramDataPoint.Builder b = HistogramDataPoint.newBuilder().setStartTimeUnixNano(startMs * MS)
            .setTimeUnixNano(tMs * MS).setSum(sum);
        long c = 0;
        for (double x : bounds) {
            b.addExplicitBounds(x);
        }
        for (long x : counts) {
            b.addBucketCounts(x);
            c += x;
        }
        return b.setCount(c).build();
    }

    static Metric histogram(String name, String unit, boolean delta, HistogramDataPoint... ps) {
        return Metric.newBuilder().setName(name).setUnit(unit).setHistogram(Histogram.newBuilder()
            .setAggregationTemporality(delta ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
                : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
            .addAllDataPoints(List.of(ps))).build();
    }

    static Exemplar exemplar(double v, long tMs, String traceHex, String spanHex) {
        return Exemplar.newBuilder().setAsDouble(v).setTimeUnixNano(tMs * MS)
            .setTraceId(ByteString.fromHex(traceHex)).setSpanId(ByteString.fromHex(spanHex)).build();
    }

    /** Every series with this metric name and its samples as [t, v] pairs, by labels. */
    static Map<Labels, List<double[]>> read(Head head, String name) {
        Map<Labels, List<double[]>> out = new TreeMap<>();
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(true, SelectHints.NONE, Matcher.eq("__name__", name));
            while (set.next()) {
                List<double[]> samples = new ArrayList<>();
                SampleIterator it = set.at().iterator(null);
                while (it.next() == ValueType.FLOAT) {
                    samples.add(new double[] {it.atT(), it.atV()});
                }
                out.put(set.at().labels(), samples);
            }
        }
        return out;
    }

    static List<double[]> samples(Head head, Labels l) {
        List<double[]> s = read(head, l.metricName()).get(l);
        return s == null ? List.of() : s;
    }
}
