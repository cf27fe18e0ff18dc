package io.gnomon.bench.sidebyside;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPOutputStream;

/**
 * OTLP export requests carrying the same series and samples as {@link BenchPayloads}: each
 * {@link NodeSeries} series is a monotonic Sum named after its {@code __name__} (translation keeps
 * the name), its other labels are point attributes, one metric per series, {@code samples} points
 * per series at {@code t0 + k * step}. Cumulative points carry the value of
 * {@link BenchPayloads} and a fixed start time; delta points carry the increment over
 * {@code (t0 + (k-1) * step, t0 + k * step]}, so both store the same cumulative series.
 */
public final class OtlpPayloads {

    private OtlpPayloads() {
    }

    public static ExportMetricsServiceRequest request(boolean delta, int from, int to, int gen, int samples, long t0,
                                                      long step, long kOffset) {
        ScopeMetrics.Builder scope = ScopeMetrics.newBuilder().setScope(InstrumentationScope.newBuilder().setName("bench"));
        for (int i = from; i < to; i++) {
            String[] kv = NodeSeries.labels(i, gen);
            NumberDataPoint.Builder proto = NumberDataPoint.newBuilder();
            for (int l = 2; l < kv.length; l += 2) {
                proto.addAttributes(KeyValue.newBuilder().setKey(kv[l]).setValue(AnyValue.newBuilder().setStringValue(kv[l + 1])));
            }
            Sum.Builder sum = Sum.newBuilder().setIsMonotonic(true).setAggregationTemporality(delta
                ? AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA : AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            for (int k = 0; k < samples; k++) {
                long kk = kOffset + k;
                long t = t0 + k * step;
                double v = cumulative(i, kk);
                NumberDataPoint.Builder p = proto.clone().setTimeUnixNano(t * 1_000_000L);
                if (delta) {
                    p.setStartTimeUnixNano((t - step) * 1_000_000L).setAsDouble(v - cumulative(i, kk - 1));
                } else {
                    p.setStartTimeUnixNano((t0 - kOffset * step - step) * 1_000_000L).setAsDouble(v);
                }
                sum.addDataPoints(p);
            }
            scope.addMetrics(Metric.newBuilder().setName(kv[1]).setSum(sum));
        }
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
            .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                .setValue(AnyValue.newBuilder().setStringValue("bench"))))
            .addScopeMetrics(scope)).build();
    }

    /** A counter that grows by 1..10 per step; 0 before the first step. */
    static double cumulative(int series, long k) {
        if (k < 0) {
            return 0;
        }
        return (k + 1) * (1 + series % 10);
    }

    public static byte[] gzip(byte[] raw) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream(raw.length / 4);
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(raw);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
