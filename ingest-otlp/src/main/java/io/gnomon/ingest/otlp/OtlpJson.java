package io.gnomon.ingest.otlp;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.Base64;
import java.util.List;

/**
 * OTLP/JSON request bodies. OTLP JSON is proto3 JSON with three rules of its own
 * (opentelemetry-proto {@code docs/specification.md}, "JSON Protobuf Encoding"):
 * <ol>
 * <li>{@code traceId} and {@code spanId} are hex strings, not base64;
 * <li>enums are integers (names accepted too);
 * <li>field names are lowerCamelCase (original names accepted too), unknown fields are ignored.
 * </ol>
 * {@link JsonFormat} handles 2 and 3 and 64-bit integers as strings or numbers. For 1 we rely on
 * an exact property of the two encodings: every hex digit is a base64 letter, and a 32- or
 * 16-digit id is a whole number of base64 quanta, so JsonFormat's base64 decoding of a hex id is
 * lossless; re-encoding those bytes in base64 gives the hex text back, which is then decoded as
 * hex and checked (exactly 32 / 16 hex digits, or empty). Anything else is a 400 naming the id.
 *
 * <p>Why not a JSON parser of our own: JsonFormat is the reference proto3 JSON reader (field-name
 * variants, enum forms, number forms, nesting limits), and the only OTLP deviation is this one
 * bytes field pair.
 */
final class OtlpJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private OtlpJson() {
    }

    /** @throws MalformedOtlpException on bad JSON, a type mismatch or a bad trace/span id */
    static ExportMetricsServiceRequest parse(String json) {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        try {
            PARSER.merge(json, b);
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.json(e.getMessage());
        } catch (RuntimeException e) {
            // Gson's parse errors and number format errors surface unchecked.
            throw MalformedOtlpException.json(String.valueOf(e.getMessage()));
        }
        for (ResourceMetrics.Builder rm : b.getResourceMetricsBuilderList()) {
            for (ScopeMetrics.Builder sm : rm.getScopeMetricsBuilderList()) {
                for (Metric.Builder m : sm.getMetricsBuilderList()) {
                    switch (m.getDataCase()) {
                        case GAUGE -> fixNumbers(m.getGaugeBuilder().getDataPointsBuilderList());
                        case SUM -> fixNumbers(m.getSumBuilder().getDataPointsBuilderList());
                        case HISTOGRAM -> {
                            for (HistogramDataPoint.Builder p : m.getHistogramBuilder().getDataPointsBuilderList()) {
                                fix(p.getExemplarsBuilderList());
                            }
                        }
                        case EXPONENTIAL_HISTOGRAM -> {
                            for (var p : m.getExponentialHistogramBuilder().getDataPointsBuilderList()) {
                                fix(p.getExemplarsBuilderList());
                            }
                        }
                        default -> {
                        }
                    }
                }
            }
        }
        return b.build();
    }

    private static void fixNumbers(List<NumberDataPoint.Builder> points) {
        for (NumberDataPoint.Builder p : points) {
            fix(p.getExemplarsBuilderList());
        }
    }

    private static void fix(List<Exemplar.Builder> exemplars) {
        for (Exemplar.Builder e : exemplars) {
            e.setTraceId(hexId(e.getTraceId(), 16, "traceId"));
            e.setSpanId(hexId(e.getSpanId(), 8, "spanId"));
        }
    }

    /** The id JsonFormat read as base64, turned back into its hex text and decoded as hex. */
    static ByteString hexId(ByteString asBase64, int bytes, String field) {
        if (asBase64.isEmpty()) {
            return asBase64;
        }
        String text = Base64.getEncoder().encodeToString(asBase64.toByteArray());
        if (text.length() != bytes * 2) {
            throw MalformedOtlpException.json("bad " + field + ": expected " + (bytes * 2) + " hex digits");
        }
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            int hi = Character.digit(text.charAt(2 * i), 16);
            int lo = Character.digit(text.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw MalformedOtlpException.json("bad " + field + ": not hex [value=" + text + "]");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return ByteString.copyFrom(out);
    }
}
