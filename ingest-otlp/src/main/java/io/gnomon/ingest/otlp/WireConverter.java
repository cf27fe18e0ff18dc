package io.gnomon.ingest.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.gnomon.tsdb.storage.Metadata;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * The protobuf fast path: walks an {@code ExportMetricsServiceRequest} on the wire instead of
 * materializing it, because a parsed request is about forty objects per data point. Resources,
 * scopes and every metric other than Gauge and Sum are parsed with the generated classes and
 * handed to {@link MetricsConverter} as before; Gauge and Sum points are decoded field by field,
 * and a point whose raw attribute bytes were seen before (same metric, same resource and scope)
 * reuses its series without decoding the attributes at all. A point seen for the first time, or
 * with exemplars, is parsed with the generated class and converted by {@link MetricsConverter}.
 *
 * <p>Field numbers (opentelemetry-proto 1.3, {@code metrics.proto}, {@code metrics_service.proto}):
 * <pre>
 * ExportMetricsServiceRequest  1 resource_metrics
 * ResourceMetrics              1 resource, 2 scope_metrics, 3 schema_url
 * ScopeMetrics                 1 scope, 2 metrics, 3 schema_url
 * Metric                       1 name, 2 description, 3 unit, 5 gauge, 7 sum, 9 histogram,
 *                              10 exponential_histogram, 11 summary, 12 metadata
 * Gauge                        1 data_points
 * Sum                          1 data_points, 2 aggregation_temporality, 3 is_monotonic
 * NumberDataPoint              7 attributes, 2 start_time_unix_nano (fixed64), 3 time_unix_nano (fixed64),
 *                              4 as_double (double), 6 as_int (sfixed64), 5 exemplars, 8 flags
 * </pre>
 * Malformed input throws {@link MalformedOtlpException}; the caller rolls the batch back, so a
 * 400 still writes nothing.
 */
final class WireConverter {

    private final MetricsConverter conv;
    private final HashMap<PointKey, MetricsConverter.Cached> cache = new HashMap<>();
    private final Probe probe = new Probe();
    private final int[] attrRanges = new int[2 * 1024];
    /**
     * The attribute ranges of the previous cached point of the current metric and its series:
     * consecutive points with byte-identical attributes (a series' points in a batch) reuse it
     * without hashing or a map lookup.
     */
    private final int[] prevRanges = new int[2 * 1024];
    private int prevN = -1;
    private MetricsConverter.Cached prevCached;
    /**
     * The previous cached point's attributes as one contiguous byte span (tags and lengths
     * included), or length 0: a point whose bytes at its first attribute equal it has the same
     * attributes, found with one comparison and no parsing.
     */
    private int prevSpanStart;
    private int prevSpanLen;
    /** The current point's span, kept by {@link #remember}. */
    private int curSpanStart;
    private int curSpanLen;
    private static final java.lang.invoke.VarHandle LONG_LE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    WireConverter(MetricsConverter conv) {
        this.conv = conv;
    }

    private byte[] b;

    void convert(byte[] buf, int off, int len) {
        this.b = buf;
        int end = off + len;
        int p = off;
        while (p < end) {
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (field == 1 && wt == 2) {
                int l = length(p, end);
                p = pos;
                resourceMetrics(p, p + l);
                p += l;
            } else {
                p = skip(wt, p, end);
            }
        }
    }

    // ---------------------------------------------------------------- structure

    private void resourceMetrics(int off, int end) {
        int[] resource = new int[2];
        List<int[]> scopes = new ArrayList<>(2);
        envelope(off, end, resource, scopes); // the resource's schema_url is validated, not used
        int resOff = resource[0];
        int resLen = resource[1];
        Resource res;
        try {
            res = resOff < 0 ? Resource.getDefaultInstance() : Resource.parseFrom(java.nio.ByteBuffer.wrap(b, resOff, resLen));
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.protobuf(e.getMessage());
        }
        List<KeyValue> ra = res.getAttributesList();
        String baseError = conv.beginResource(ra);
        for (int[] s : scopes) {
            scopeMetrics(s[0], s[0] + s[1], baseError);
        }
        conv.endResource(ra);
    }

    /**
     * Reads a ResourceMetrics or ScopeMetrics message, which share a shape: field 1 one message
     * (its offset and length into {@code single}, offset -1 when absent), field 2 repeated messages
     * (appended to {@code repeated}), field 3 the schema url (returned, validated as proto3 does).
     */
    private String envelope(int off, int end, int[] single, List<int[]> repeated) {
        single[0] = -1;
        single[1] = 0;
        String schema = "";
        int p = off;
        while (p < end) {
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (wt == 2 && field >= 1 && field <= 3) {
                int l = length(p, end);
                p = pos;
                if (field == 1) {
                    single[0] = p;
                    single[1] = l;
                } else if (field == 2) {
                    repeated.add(new int[] {p, l});
                } else {
                    schema = string(p, l);
                }
                p += l;
            } else {
                p = skip(wt, p, end);
            }
        }
        return schema;
    }

    private void scopeMetrics(int off, int end, String baseError) {
        int[] scopeRange = new int[2];
        List<int[]> metrics = new ArrayList<>();
        String schema = envelope(off, end, scopeRange, metrics);
        int scOff = scopeRange[0];
        int scLen = scopeRange[1];
        InstrumentationScope scope;
        try {
            scope = scOff < 0 ? InstrumentationScope.getDefaultInstance()
                : InstrumentationScope.parseFrom(java.nio.ByteBuffer.wrap(b, scOff, scLen));
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.protobuf(e.getMessage());
        }
        conv.beginScope(scope, schema);
        for (int[] m : metrics) {
            metric(m[0], m[0] + m[1], scope, schema, baseError);
        }
    }

    private void metric(int off, int end, InstrumentationScope scope, String schema, String baseError) {
        String name = "";
        String description = "";
        String unit = "";
        int dataField = 0;
        int dataOff = 0;
        int dataLen = 0;
        int dataCount = 0;
        int p = off;
        while (p < end) {
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (wt == 2) {
                int l = length(p, end);
                p = pos;
                switch (field) {
                    case 1 -> name = string(p, l);
                    case 2 -> description = string(p, l);
                    case 3 -> unit = string(p, l);
                    case 5, 7, 9, 10, 11 -> {
                        dataField = field;
                        dataOff = p;
                        dataLen = l;
                        dataCount++;
                    }
                    default -> {
                    }
                }
                p += l;
            } else {
                p = skip(wt, p, end);
            }
        }
        if (baseError != null || dataCount != 1 || (dataField != 5 && dataField != 7)) {
            slow(off, end, scope, schema, baseError);
            return;
        }
        numberMetric(name, description, unit, dataField == 7, dataOff, dataOff + dataLen, scope, schema, off, end);
    }

    private void slow(int off, int end, InstrumentationScope scope, String schema, String baseError) {
        Metric m;
        try {
            m = Metric.parseFrom(java.nio.ByteBuffer.wrap(b, off, end - off));
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.protobuf(e.getMessage());
        }
        conv.metric(m, scope, schema, baseError);
    }

    /** Gauge (field 5) or Sum (field 7): first the Sum's temporality and monotonicity, then the points. */
    private void numberMetric(String name, String description, String unit, boolean isSum, int off, int end,
                              InstrumentationScope scope, String schema, int metricOff, int metricEnd) {
        int temporality = 0;
        boolean monotonic = false;
        int points = 0;
        int p = off;
        while (p < end) {
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (field == 1 && wt == 2) {
                int l = length(p, end);
                p = pos + l;
                points++;
            } else if (isSum && field == 2 && wt == 0) {
                temporality = (int) varint(p, end);
                p = pos;
            } else if (isSum && field == 3 && wt == 0) {
                monotonic = varint(p, end) != 0;
                p = pos;
            } else {
                p = skip(wt, p, end);
            }
        }
        if (isSum && temporality != 1 && temporality != 2) {
            slow(metricOff, metricEnd, scope, schema, null); // unspecified temporality: refused there
            return;
        }
        Outcome o = conv.outcome();
        o.points += Math.max(1, points);
        Names.Kind kind = isSum && monotonic ? Names.Kind.COUNTER : Names.Kind.GAUGE;
        Metadata md = conv.prepareNumberMetric(name, unit, description, kind, points);
        if (md == null) {
            return;
        }
        boolean delta = isSum && temporality == 1;
        boolean counter = kind == Names.Kind.COUNTER;
        String metricName = conv.metricName();
        String context = conv.context();
        prevN = -1; // the previous point's series belongs to another metric
        prevCached = null;
        prevSpanLen = 0;
        p = off;
        while (p < end) {
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            if (field == 1 && wt == 2) {
                int l = length(p, end);
                p = pos;
                point(p, p + l, metricName, context, counter, delta, md, scope, schema);
                p += l;
            } else {
                p = skip(wt, p, end);
            }
        }
    }

    private void point(int off, int end, String metricName, String context, boolean counter, boolean delta,
                       Metadata md, InstrumentationScope scope, String schema) {
        long start = 0;
        long time = 0;
        double v = 0;
        boolean hasValue = false;
        boolean exemplars = false;
        int flags = 0;
        int nAttrs = 0;
        int spanStart = -1; // where the attributes start, while they are one contiguous run
        int spanEnd = -1;
        boolean contiguous = true;
        boolean spanReused = false;
        int p = off;
        while (p < end) {
            int tagAt = p;
            long tag = varint(p, end);
            p = pos;
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            switch (field) {
                case 7 -> {
                    if (wt != 2) {
                        throw MalformedOtlpException.protobuf("wrong wire type for NumberDataPoint.attributes");
                    }
                    if (nAttrs == 0 && prevSpanLen > 0 && tagAt + prevSpanLen <= end
                        && Arrays.equals(b, tagAt, tagAt + prevSpanLen, b, prevSpanStart, prevSpanStart + prevSpanLen)) {
                        // The previous point's attributes, byte for byte (tags and lengths included):
                        // the same entries at the same offsets, so take their ranges and skip them.
                        int shift = tagAt - prevSpanStart;
                        for (int i = 0; i < 2 * prevN; i += 2) {
                            attrRanges[i] = prevRanges[i] + shift;
                            attrRanges[i + 1] = prevRanges[i + 1];
                        }
                        nAttrs = prevN;
                        spanStart = tagAt;
                        spanEnd = tagAt + prevSpanLen;
                        spanReused = true;
                        p = spanEnd;
                        continue;
                    }
                    int l = length(p, end);
                    p = pos;
                    if (nAttrs < attrRanges.length / 2) {
                        attrRanges[2 * nAttrs] = p;
                        attrRanges[2 * nAttrs + 1] = l;
                    }
                    if (nAttrs == 0) {
                        spanStart = tagAt;
                    } else if (tagAt != spanEnd) {
                        contiguous = false; // another field between two attributes
                    }
                    nAttrs++;
                    p += l;
                    spanEnd = p;
                }
                case 2, 3, 4, 6 -> {
                    if (wt != 1) {
                        throw MalformedOtlpException.protobuf("wrong wire type for NumberDataPoint field " + field);
                    }
                    if (p + 8 > end) {
                        throw MalformedOtlpException.protobuf("truncated fixed64");
                    }
                    long x = fixed64(p);
                    p += 8;
                    if (field == 2) {
                        start = x;
                    } else if (field == 3) {
                        time = x;
                    } else {
                        v = field == 4 ? Double.longBitsToDouble(x) : (double) x;
                        hasValue = true;
                    }
                }
                case 5 -> {
                    exemplars = true;
                    p = skip(wt, p, end);
                }
                case 8 -> {
                    if (wt != 0) {
                        throw MalformedOtlpException.protobuf("wrong wire type for NumberDataPoint.flags");
                    }
                    flags = (int) varint(p, end);
                    p = pos;
                }
                default -> p = skip(wt, p, end);
            }
        }
        boolean cacheable = !exemplars && hasValue && time != 0 && nAttrs <= attrRanges.length / 2;
        curSpanStart = contiguous ? spanStart : -1;
        curSpanLen = contiguous && spanStart >= 0 ? spanEnd - spanStart : 0;
        if (cacheable && nAttrs == prevN && prevCached != null && (spanReused || sameAsPrevious(nAttrs))) {
            conv.appendNumber(prevCached, start, time, v, flags, counter, delta);
            return;
        }
        MetricsConverter.Cached c = null;
        int h = 0;
        if (cacheable) {
            h = hash(metricName.hashCode() * 31 + context.hashCode(), nAttrs);
            probe.set(metricName, context, b, attrRanges, nAttrs, h);
            c = cache.get(probe);
        }
        if (c != null) {
            remember(c, nAttrs);
            conv.appendNumber(c, start, time, v, flags, counter, delta);
            return;
        }
        NumberDataPoint np;
        try {
            np = NumberDataPoint.parseFrom(java.nio.ByteBuffer.wrap(b, off, end - off));
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.protobuf(e.getMessage());
        }
        MetricsConverter.Cached fresh = conv.number(np, scope, schema, counter, delta, md);
        if (fresh != null && cacheable) {
            if (cache.size() >= MetricsConverter.CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(PointKey.copyOf(metricName, context, b, attrRanges, nAttrs, h), fresh);
            remember(fresh, nAttrs);
        }
    }

    /** Whether the point's attributes are byte for byte those of the previous cached point. */
    private boolean sameAsPrevious(int n) {
        for (int i = 0; i < n; i++) {
            int off = attrRanges[2 * i];
            int len = attrRanges[2 * i + 1];
            int prevOff = prevRanges[2 * i];
            if (len != prevRanges[2 * i + 1] || !Arrays.equals(b, off, off + len, b, prevOff, prevOff + len)) {
                return false;
            }
        }
        return true;
    }

    private void remember(MetricsConverter.Cached c, int n) {
        System.arraycopy(attrRanges, 0, prevRanges, 0, 2 * n);
        prevN = n;
        prevCached = c;
        prevSpanStart = curSpanStart;
        prevSpanLen = curSpanLen;
    }

    /**
     * A hash of the point's attribute bytes, eight at a time (a byte-at-a-time multiply chain
     * cost about 2 ns per attribute byte, which the batch shape pays on every point). The ranges'
     * lengths are mixed in so that moving a byte between two attributes changes it.
     */
    private int hash(int seed, int n) {
        long x = seed;
        for (int i = 0; i < n; i++) {
            int p = attrRanges[2 * i];
            int end = p + attrRanges[2 * i + 1];
            x = (x ^ (end - p)) * 0x9E3779B97F4A7C15L;
            for (; p + 8 <= end; p += 8) {
                x = (x ^ (long) LONG_LE.get(b, p)) * 0x9E3779B97F4A7C15L;
            }
            long tail = 0;
            for (int k = 0; p < end; p++, k += 8) {
                tail |= (b[p] & 0xFFL) << k;
            }
            x = (x ^ tail) * 0x9E3779B97F4A7C15L;
        }
        x ^= x >>> 29;
        return (int) (x ^ (x >>> 32));
    }

    // ---------------------------------------------------------------- cache keys

    /** Metric name, context and the raw bytes of each attribute, in order. */
    static class PointKey {
        String name;
        String context;
        byte[] bytes;
        int[] lengths;
        int hash;

        static PointKey copyOf(String name, String context, byte[] b, int[] ranges, int n, int hash) {
            PointKey k = new PointKey();
            k.name = name;
            k.context = context;
            k.lengths = new int[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                k.lengths[i] = ranges[2 * i + 1];
                total += k.lengths[i];
            }
            k.bytes = new byte[total];
            int at = 0;
            for (int i = 0; i < n; i++) {
                System.arraycopy(b, ranges[2 * i], k.bytes, at, ranges[2 * i + 1]);
                at += ranges[2 * i + 1];
            }
            k.hash = hash;
            return k;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (o instanceof Probe p) {
                return p.equals(this);
            }
            return o instanceof PointKey k && hash == k.hash && name.equals(k.name) && context.equals(k.context)
                && Arrays.equals(lengths, k.lengths) && Arrays.equals(bytes, k.bytes);
        }
    }

    /** A lookup key over the request buffer, without copying. */
    static final class Probe extends PointKey {
        byte[] buf;
        int[] ranges;
        int n;

        void set(String name, String context, byte[] buf, int[] ranges, int n, int hash) {
            this.name = name;
            this.context = context;
            this.buf = buf;
            this.ranges = ranges;
            this.n = n;
            this.hash = hash;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof PointKey k) || o instanceof Probe || k.hash != hash || k.lengths.length != n
                || !k.name.equals(name) || !k.context.equals(context)) {
                return false;
            }
            int at = 0;
            for (int i = 0; i < n; i++) {
                int len = ranges[2 * i + 1];
                if (k.lengths[i] != len || !Arrays.equals(k.bytes, at, at + len, buf, ranges[2 * i], ranges[2 * i] + len)) {
                    return false;
                }
                at += len;
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    // ---------------------------------------------------------------- wire primitives

    private int pos;

    private long varint(int p, int end) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) {
                throw MalformedOtlpException.protobuf("truncated varint at offset " + p);
            }
            byte x = b[p++];
            result |= (long) (x & 0x7f) << shift;
            if (x >= 0) {
                pos = p;
                return result;
            }
        }
        throw MalformedOtlpException.protobuf("malformed varint at offset " + p);
    }

    private int length(int p, int end) {
        long l = varint(p, end);
        if (l < 0 || l > end - pos) {
            throw MalformedOtlpException.protobuf("length " + l + " exceeds the message at offset " + pos);
        }
        return (int) l;
    }

    private long fixed64(int p) {
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24
            | (b[p + 4] & 0xffL) << 32 | (b[p + 5] & 0xffL) << 40 | (b[p + 6] & 0xffL) << 48 | (b[p + 7] & 0xffL) << 56;
    }

    private int skip(int wt, int p, int end) {
        switch (wt) {
            case 0 -> {
                varint(p, end);
                return pos;
            }
            case 1 -> {
                if (p + 8 > end) {
                    throw MalformedOtlpException.protobuf("truncated fixed64 at offset " + p);
                }
                return p + 8;
            }
            case 2 -> {
                int l = length(p, end);
                return pos + l;
            }
            case 5 -> {
                if (p + 4 > end) {
                    throw MalformedOtlpException.protobuf("truncated fixed32 at offset " + p);
                }
                return p + 4;
            }
            default -> throw MalformedOtlpException.protobuf("unsupported wire type " + wt + " at offset " + p);
        }
    }

    private final java.nio.charset.CharsetDecoder utf8 = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);

    /** A string field (name, description, unit, schema url), validated as protobuf does for proto3. */
    private String string(int p, int l) {
        boolean ascii = true;
        for (int i = p; i < p + l && ascii; i++) {
            ascii = b[i] >= 0;
        }
        if (ascii) {
            return new String(b, p, l, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        try {
            return utf8.reset().decode(java.nio.ByteBuffer.wrap(b, p, l)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw MalformedOtlpException.protobuf("invalid UTF-8 in a string field at offset " + p);
        }
    }
}
