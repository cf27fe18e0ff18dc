package io.gnomon.ingest.remotewrite;

/**
 * Field numbers and wire types of the remote-write protobuf messages, shared by the decoders and
 * the tests that build payloads by hand.
 *
 * <p>Remote-write 1.0 ({@code prometheus.WriteRequest}, prompb {@code remote.proto} and
 * {@code types.proto}):
 * <pre>
 * WriteRequest   { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
 * TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2;
 *                  repeated Exemplar exemplars = 3; repeated Histogram histograms = 4; }
 * Label          { string name = 1; string value = 2; }
 * Sample         { double value = 1; int64 timestamp = 2; }
 * Exemplar       { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
 * MetricMetadata { MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5; }
 * </pre>
 *
 * <p>Remote-write 2.0 ({@code io.prometheus.write.v2.Request}):
 * <pre>
 * Request    { reserved 1 to 3; repeated string symbols = 4; repeated TimeSeries timeseries = 5; }
 * TimeSeries { repeated uint32 labels_refs = 1; repeated Sample samples = 2; repeated Histogram histograms = 3;
 *              repeated Exemplar exemplars = 4; Metadata metadata = 5; int64 created_timestamp = 6; }
 * Exemplar   { repeated uint32 labels_refs = 1; double value = 2; int64 timestamp = 3; }
 * Sample     { double value = 1; int64 timestamp = 2; }
 * Metadata   { MetricType type = 1; uint32 help_ref = 3; uint32 unit_ref = 4; }
 * </pre>
 *
 * <p>Both versions share {@code Histogram} (count_int = 1 or count_float = 2, sum = 3,
 * sint32 schema = 4, zero_threshold = 5, zero_count_int = 6 or zero_count_float = 7, spans = 8
 * and 11, sint64 deltas = 9 and 12, double counts = 10 and 13, reset_hint = 14,
 * int64 timestamp = 15, custom_values = 16) and {@code MetricType} (0 unknown/unspecified,
 * 1 counter, 2 gauge, 3 histogram, 4 gaugehistogram, 5 summary, 6 info, 7 stateset).
 *
 * <p>The body is one message, compressed with the snappy <em>block</em> format (no framing):
 * a varint of the uncompressed length followed by the compressed elements.
 */
public final class RemoteWriteDescriptor {

    /** Content type of 1.0; also 2.0's media type, which then carries {@code proto=}. */
    public static final String MEDIA_TYPE = "application/x-protobuf";
    /** {@code proto} parameter value naming the 1.0 message. */
    public static final String PROTO_V1 = "prometheus.WriteRequest";
    /** {@code proto} parameter value naming the 2.0 message. */
    public static final String PROTO_V2 = "io.prometheus.write.v2.Request";
    /** The 2.0 content type as senders write it. */
    public static final String CONTENT_TYPE_V2 = MEDIA_TYPE + ";proto=" + PROTO_V2;
    /** The only content encoding the specifications allow. */
    public static final String ENCODING_SNAPPY = "snappy";

    public static final String HEADER_VERSION = "X-Prometheus-Remote-Write-Version";
    public static final String HEADER_SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";
    public static final String HEADER_HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";
    public static final String HEADER_EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";

    // Wire types.
    public static final int WT_VARINT = 0;
    public static final int WT_FIXED64 = 1;
    public static final int WT_LEN = 2;
    public static final int WT_FIXED32 = 5;

    // 1.0 WriteRequest.
    public static final int V1_REQUEST_TIMESERIES = 1;
    public static final int V1_REQUEST_METADATA = 3;
    // 1.0 TimeSeries.
    public static final int V1_SERIES_LABELS = 1;
    public static final int V1_SERIES_SAMPLES = 2;
    public static final int V1_SERIES_EXEMPLARS = 3;
    public static final int V1_SERIES_HISTOGRAMS = 4;
    // 1.0 Label.
    public static final int V1_LABEL_NAME = 1;
    public static final int V1_LABEL_VALUE = 2;
    // 1.0 Exemplar.
    public static final int V1_EXEMPLAR_LABELS = 1;
    public static final int V1_EXEMPLAR_VALUE = 2;
    public static final int V1_EXEMPLAR_TIMESTAMP = 3;
    // 1.0 MetricMetadata.
    public static final int V1_METADATA_TYPE = 1;
    public static final int V1_METADATA_FAMILY_NAME = 2;
    public static final int V1_METADATA_HELP = 4;
    public static final int V1_METADATA_UNIT = 5;

    // Sample, both versions.
    public static final int SAMPLE_VALUE = 1;
    public static final int SAMPLE_TIMESTAMP = 2;
    /** io.prometheus.write.v2.Sample start_timestamp (ms; 0 = none), newer than created_timestamp. */
    public static final int SAMPLE_START_TIMESTAMP = 3;

    // 2.0 Request.
    public static final int V2_REQUEST_SYMBOLS = 4;
    public static final int V2_REQUEST_TIMESERIES = 5;
    // 2.0 TimeSeries.
    public static final int V2_SERIES_LABELS_REFS = 1;
    public static final int V2_SERIES_SAMPLES = 2;
    public static final int V2_SERIES_HISTOGRAMS = 3;
    public static final int V2_SERIES_EXEMPLARS = 4;
    public static final int V2_SERIES_METADATA = 5;
    public static final int V2_SERIES_CREATED_TIMESTAMP = 6;
    // 2.0 Exemplar.
    public static final int V2_EXEMPLAR_LABELS_REFS = 1;
    public static final int V2_EXEMPLAR_VALUE = 2;
    public static final int V2_EXEMPLAR_TIMESTAMP = 3;
    // 2.0 Metadata.
    public static final int V2_METADATA_TYPE = 1;
    public static final int V2_METADATA_HELP_REF = 3;
    public static final int V2_METADATA_UNIT_REF = 4;

    // Histogram, both versions.
    public static final int HISTOGRAM_TIMESTAMP = 15;
    /** Highest field number of Histogram we know; fields 1..16 are checked for their wire type. */
    public static final int HISTOGRAM_MAX_FIELD = 16;

    /** Metric types by enum number, as the metadata API names them. */
    private static final String[] METRIC_TYPES = {
        "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"
    };

    private RemoteWriteDescriptor() {
    }

    /** The metadata API name of a MetricType enum number; unknown numbers are {@code unknown}. */
    public static String metricType(long number) {
        return number >= 0 && number < METRIC_TYPES.length ? METRIC_TYPES[(int) number] : "unknown";
    }

    /** The enum number of a metadata API type name, 0 when unknown. */
    public static int metricTypeNumber(String type) {
        for (int i = 0; i < METRIC_TYPES.length; i++) {
            if (METRIC_TYPES[i].equals(type)) {
                return i;
            }
        }
        return 0;
    }
}
