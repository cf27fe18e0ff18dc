package io.gnomon.ingest.otlp;

import com.google.protobuf.ByteString;
import io.gnomon.tsdb.labels.InvalidLabelsException;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.StaleNaN;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.DataPointFlags;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Translates one decoded OTLP request into appends, the way Prometheus's OTLP endpoint does:
 *
 * <ul>
 * <li>Resource: {@code service.namespace/service.name} -> {@code job}, {@code service.instance.id}
 *     -> {@code instance}; promoted attributes become labels of every series; the other attributes
 *     form one {@code target_info} series per resource (value 1 at the resource's newest
 *     timestamp).
 * <li>Scope ({@code promote_scope_metadata}): {@code otel_scope_name}, {@code otel_scope_version},
 *     {@code otel_scope_schema_url} and {@code otel_scope_<attribute>}.
 * <li>Gauge -> gauge; Sum monotonic -> counter ({@code _total}), non-monotonic -> gauge; Histogram
 *     -> {@code _bucket{le}}, {@code _sum}, {@code _count}; Summary -> {@code {quantile}},
 *     {@code _sum}, {@code _count}; ExponentialHistogram -> refused (until native histograms).
 * <li>Cumulative start time -> a zero at the start ({@link Appender#appendCreatedTimestamp}) and
 *     the start timestamp of the point's samples ({@link Appender#appendWithStartTimestamp}) for
 *     monotonic sums, histograms and summaries (_sum, _count).
 *     Delta sums and histograms go through the {@link DeltaStore}.
 * <li>{@code FLAG_NO_RECORDED_VALUE} -> a stale marker on every series of the point.
 * <li>Exemplars with {@code trace_id}/{@code span_id} labels (hex) and their filtered attributes,
 *     on the series (sum, gauge) or on the bucket they fall into (histogram).
 * </ul>
 * Refusals are counted per data point in the {@link Outcome}; nothing is dropped silently.
 * One instance per thread; reused.
 */
final class MetricsConverter {

    private static final String SERVICE_NAME = "service.name";
    private static final String SERVICE_NAMESPACE = "service.namespace";
    private static final String SERVICE_INSTANCE_ID = "service.instance.id";

    private final OtlpOptions options;
    private final TranslationStrategy strategy;
    private final DeltaStore delta;
    private final Set<String> promote;
    private final Set<String> ignore;

    private final TreeMap<String, String> attrs = new TreeMap<>();
    private final List<String> base = new ArrayList<>();
    private final DeltaStore.SumResult sumResult = new DeltaStore.SumResult();
    private final DeltaStore.HistogramResult histResult = new DeltaStore.HistogramResult();

    /**
     * Series of recently seen points: translating attributes and building (interning) labels is
     * most of a point's cost, and senders repeat the same series every interval. Keyed by the
     * metric name, the resource/scope context and the raw attribute strings; bounded, cleared
     * when full. Also remembers series refs and whether metadata was written.
     */
    private final java.util.HashMap<SeriesKey, Cached> cache = new java.util.HashMap<>();
    static final int CACHE_LIMIT = 100_000;
    private String context;

    private record SeriesKey(String name, String context, String[] kv, double[] bounds, int hash) {
        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesKey k && hash == k.hash && name.equals(k.name) && context.equals(k.context)
                && java.util.Arrays.equals(kv, k.kv) && java.util.Arrays.equals(bounds, k.bounds);
        }
    }

    /** Labels of a point's series (one, or a histogram's buckets, sum, count) and their refs. */
    static final class Cached {
        final Labels[] labels;
        final long[] refs;
        /**
         * The start time (ns) whose created-timestamp zero this request already handled for the
         * series, and the request it was in: later points of the stream in the same request skip
         * the call. Scoped to one request, because a refused request is rolled back whole.
         */
        long ctStartNanos;
        int ctRequest = -1;

        Cached(Labels[] labels) {
            this.labels = labels;
            this.refs = new long[labels.length];
        }
    }

    private Appender app;
    /** Counts requests, for {@link Cached#ctRequest}. */
    private int request;
    private Outcome outcome;
    private DeltaStore.Undo undo;
    private long nowMillis;
    private String job;
    private String instance;
    private long resourceHash;
    private long scopeHash;
    private long resourceMaxT;
    private String metricName;
    private String pointError;

    MetricsConverter(OtlpOptions options, DeltaStore delta) {
        this.options = options;
        this.strategy = options.translationStrategy();
        this.delta = delta;
        this.promote = new HashSet<>(options.promoteResourceAttributes());
        this.ignore = new HashSet<>(options.ignoreResourceAttributes());
    }

    /** Appends everything of {@code req}; refusals go to {@code outcome}, delta changes to {@code undo}. */
    void convert(ExportMetricsServiceRequest req, Appender app, Outcome outcome, DeltaStore.Undo undo, long nowMillis) {
        this.app = app;
        this.request++;
        this.outcome = outcome;
        this.undo = undo;
        this.nowMillis = nowMillis;
        for (ResourceMetrics rm : req.getResourceMetricsList()) {
            resource(rm);
        }
    }

    /** Starts a request decoded by {@link WireConverter}. */
    void begin(Appender app, Outcome outcome, DeltaStore.Undo undo, long nowMillis) {
        this.app = app;
        this.request++;
        this.outcome = outcome;
        this.undo = undo;
        this.nowMillis = nowMillis;
    }

    private void resource(ResourceMetrics rm) {
        List<KeyValue> ra = rm.getResource().getAttributesList();
        String baseError = beginResource(ra);
        for (ScopeMetrics sm : rm.getScopeMetricsList()) {
            beginScope(sm.getScope(), sm.getSchemaUrl());
            for (Metric m : sm.getMetricsList()) {
                metric(m, sm.getScope(), sm.getSchemaUrl(), baseError);
            }
        }
        endResource(ra);
    }

    /** Resource state for the series that follow; returns why its promoted attributes are invalid, or null. */
    String beginResource(List<KeyValue> ra) {
        String name = null;
        String namespace = null;
        instance = null;
        for (KeyValue kv : ra) {
            switch (kv.getKey()) {
                case SERVICE_NAME -> name = stringOf(kv.getValue());
                case SERVICE_NAMESPACE -> namespace = stringOf(kv.getValue());
                case SERVICE_INSTANCE_ID -> instance = stringOf(kv.getValue());
                default -> {
                }
            }
        }
        job = name == null ? null : (namespace == null || namespace.isEmpty() ? name : namespace + "/" + name);
        resourceHash = hashAttributes(ra, 0x9E3779B97F4A7C15L);
        resourceMaxT = Long.MIN_VALUE;
        // Promoted resource attributes, as label name/value pairs, shared by every series.
        base.clear();
        String baseError = null;
        if (options.promoteAllResourceAttributes() || !promote.isEmpty()) {
            for (KeyValue kv : ra) {
                String k = kv.getKey();
                boolean selected = options.promoteAllResourceAttributes()
                    ? !ignore.contains(k) && !isIdentifying(k) : promote.contains(k);
                if (!selected) {
                    continue;
                }
                String ln = Names.labelName(k, strategy);
                if (ln.isEmpty()) {
                    baseError = "resource attribute \"" + k + "\" is not a valid label name";
                    continue;
                }
                base.add(ln);
                base.add(stringOf(kv.getValue()));
            }
        }
        return baseError;
    }

    /** Writes the resource's target_info when any of its series was written. */
    void endResource(List<KeyValue> ra) {
        if (resourceMaxT != Long.MIN_VALUE) {
            targetInfo(ra);
        }
    }

    private static boolean isIdentifying(String k) {
        return k.equals(SERVICE_NAME) || k.equals(SERVICE_NAMESPACE) || k.equals(SERVICE_INSTANCE_ID);
    }

    private void targetInfo(List<KeyValue> ra) {
        attrs.clear();
        int n = 0;
        for (KeyValue kv : ra) {
            if (!options.keepIdentifyingResourceAttributes() && isIdentifying(kv.getKey())) {
                continue;
            }
            String ln = Names.labelName(kv.getKey(), strategy);
            if (ln.isEmpty()) {
                continue;
            }
            n++;
            merge(ln, stringOf(kv.getValue()));
        }
        if (n == 0 || (job == null && instance == null)) {
            return;
        }
        Labels.Builder b = Labels.builder();
        attrs.forEach(b::add);
        b.set(Labels.METRIC_NAME, "target_info");
        if (job != null) {
            b.set("job", job);
        }
        if (instance != null) {
            b.set("instance", instance);
        }
        Labels l;
        try {
            l = b.build();
        } catch (InvalidLabelsException e) {
            outcome.add(Reason.INVALID_NAME, 1, "target_info", e.getMessage());
            return;
        }
        app.updateMetadata(app.append(0, l, resourceMaxT, 1), l, new Metadata("gauge", "", "Target metadata"));
    }

    /** Scope state for the metrics that follow. */
    void beginScope(InstrumentationScope scope, String schemaUrl) {
        StringBuilder ctx = new StringBuilder(64).append(job).append('\0').append(instance);
        for (String b : base) {
            ctx.append('\0').append(b);
        }
        if (options.promoteScopeMetadata()) {
            ctx.append('\1').append(scope.getName()).append('\0').append(scope.getVersion()).append('\0')
                .append(schemaUrl);
            for (KeyValue kv : scope.getAttributesList()) {
                ctx.append('\0').append(kv.getKey()).append('\0').append(stringOf(kv.getValue()));
            }
        }
        context = ctx.toString();
        scopeHash = hashAttributes(scope.getAttributesList(), resourceHash * 31 + scope.getName().hashCode())
            * 31 + scope.getVersion().hashCode();
    }

    /** Counts and converts one metric of the current scope. */
    void metric(Metric m, InstrumentationScope scope, String schemaUrl, String baseError) {
        int points = pointCount(m);
        outcome.points += Math.max(1, points);
        if (baseError != null) {
            outcome.pointsRejected += Math.max(1, points);
            outcome.add(Reason.INVALID_NAME, Math.max(1, points), "metric \"" + m.getName() + "\"", baseError);
            return;
        }
        metric(m, scope, schemaUrl);
    }

    private static int pointCount(Metric m) {
        return switch (m.getDataCase()) {
            case GAUGE -> m.getGauge().getDataPointsCount();
            case SUM -> m.getSum().getDataPointsCount();
            case HISTOGRAM -> m.getHistogram().getDataPointsCount();
            case SUMMARY -> m.getSummary().getDataPointsCount();
            case EXPONENTIAL_HISTOGRAM -> m.getExponentialHistogram().getDataPointsCount();
            default -> 0;
        };
    }

    private void metric(Metric m, InstrumentationScope scope, String schemaUrl) {
        String what = "metric \"" + m.getName() + "\"";
        Names.Kind kind;
        switch (m.getDataCase()) {
            case GAUGE -> kind = Names.Kind.GAUGE;
            case SUM -> kind = m.getSum().getIsMonotonic() ? Names.Kind.COUNTER : Names.Kind.GAUGE;
            case HISTOGRAM -> kind = Names.Kind.HISTOGRAM;
            case SUMMARY -> kind = Names.Kind.SUMMARY;
            case EXPONENTIAL_HISTOGRAM -> {
                int n = m.getExponentialHistogram().getDataPointsCount();
                outcome.pointsRejected += n;
                outcome.add(Reason.EXPONENTIAL_HISTOGRAM, n, what, null);
                return;
            }
            default -> {
                outcome.rejectPoint(Reason.EMPTY_METRIC, what, null);
                return;
            }
        }
        if (utf8Length(m.getName()) > options.maxNameLength()) {
            rejectAll(m, Reason.LABEL_LIMITS, "metric \"" + m.getName().substring(0, 64) + "...\"",
                "name longer than " + options.maxNameLength() + " bytes");
            return;
        }
        metricName = translatedName(m.getName(), m.getUnit(), kind);
        if (metricName.isEmpty()) {
            rejectAll(m, Reason.INVALID_NAME, what, "nothing is left of the name after translation");
            return;
        }
        Metadata md = new Metadata(switch (kind) {
            case COUNTER -> "counter";
            case GAUGE -> "gauge";
            case HISTOGRAM -> "histogram";
            case SUMMARY -> "summary";
        }, Names.unitWords(m.getUnit())[0], m.getDescription());
        switch (m.getDataCase()) {
            case GAUGE -> {
                for (NumberDataPoint p : m.getGauge().getDataPointsList()) {
                    number(p, scope, schemaUrl, false, false, md);
                }
            }
            case SUM -> {
                AggregationTemporality t = m.getSum().getAggregationTemporality();
                if (t != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                    && t != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
                    rejectAll(m, Reason.UNSPECIFIED_TEMPORALITY, what, null);
                    return;
                }
                boolean deltaT = t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                    number(p, scope, schemaUrl, kind == Names.Kind.COUNTER, deltaT, md);
                }
            }
            case HISTOGRAM -> {
                AggregationTemporality t = m.getHistogram().getAggregationTemporality();
                if (t != AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE
                    && t != AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
                    rejectAll(m, Reason.UNSPECIFIED_TEMPORALITY, what, null);
                    return;
                }
                boolean deltaT = t == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
                for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                    histogram(p, scope, schemaUrl, deltaT, md);
                }
            }
            case SUMMARY -> {
                for (SummaryDataPoint p : m.getSummary().getDataPointsList()) {
                    summary(p, scope, schemaUrl, md);
                }
            }
            default -> throw new AssertionError(m.getDataCase());
        }
    }

    /**
     * Prepares a Gauge or Sum metric for the wire path: checks and translates the name. Returns the
     * metadata, or null when the metric was refused (counted, {@code points} data points).
     */
    Metadata prepareNumberMetric(String name, String unit, String description, Names.Kind kind, int points) {
        if (utf8Length(name) > options.maxNameLength()) {
            outcome.pointsRejected += Math.max(1, points);
            outcome.add(Reason.LABEL_LIMITS, Math.max(1, points), "metric \"" + name.substring(0, 64) + "...\"",
                "name longer than " + options.maxNameLength() + " bytes");
            return null;
        }
        metricName = translatedName(name, unit, kind);
        if (metricName.isEmpty()) {
            outcome.pointsRejected += Math.max(1, points);
            outcome.add(Reason.INVALID_NAME, Math.max(1, points), "metric \"" + name + "\"",
                "nothing is left of the name after translation");
            return null;
        }
        return new Metadata(kind == Names.Kind.COUNTER ? "counter" : "gauge", Names.unitWords(unit)[0], description);
    }

    /** The current resource/scope context (part of every series key). */
    String context() {
        return context;
    }

    String metricName() {
        return metricName;
    }

    Outcome outcome() {
        return outcome;
    }

    private record NameKey(String name, String unit, Names.Kind kind) {
    }

    private final java.util.HashMap<NameKey, String> names = new java.util.HashMap<>();

    /** Translated metric names, cached: every export repeats the same few hundred names. */
    private String translatedName(String name, String unit, Names.Kind kind) {
        NameKey k = new NameKey(name, unit, kind);
        String n = names.get(k);
        if (n == null) {
            n = Names.metricName(name, unit, kind, strategy);
            if (names.size() >= 10_000) {
                names.clear();
            }
            names.put(k, n);
        }
        return n;
    }

    private void rejectAll(Metric m, Reason r, String what, String detail) {
        int n = Math.max(1, pointCount(m));
        outcome.pointsRejected += n;
        outcome.add(r, n, what, detail);
    }

    // ---------------------------------------------------------------- labels

    /**
     * Collects the labels of a point (without {@code __name__}) into {@link #attrs}: point
     * attributes, promoted resource attributes that the point does not set, scope labels, job and
     * instance. Returns false (with {@link #pointError}) when a limit or name is violated.
     */
    private boolean pointLabels(List<KeyValue> pointAttrs, InstrumentationScope scope, String schemaUrl) {
        attrs.clear();
        pointError = null;
        if (pointAttrs.size() + base.size() / 2 > options.maxAttributesPerPoint()) {
            pointError = "more than " + options.maxAttributesPerPoint() + " attributes";
            return false;
        }
        for (KeyValue kv : pointAttrs) {
            if (!addAttr(kv.getKey(), stringOf(kv.getValue()))) {
                return false;
            }
        }
        for (int i = 0; i < base.size(); i += 2) {
            if (!attrs.containsKey(base.get(i))) {
                attrs.put(base.get(i), base.get(i + 1));
            }
        }
        if (options.promoteScopeMetadata()) {
            putIfNotEmpty("otel_scope_name", scope.getName());
            putIfNotEmpty("otel_scope_version", scope.getVersion());
            putIfNotEmpty("otel_scope_schema_url", schemaUrl);
            for (KeyValue kv : scope.getAttributesList()) {
                String ln = Names.labelName("otel_scope_" + kv.getKey(), strategy);
                if (!ln.isEmpty()) {
                    attrs.put(ln, stringOf(kv.getValue()));
                }
            }
        }
        if (job != null) {
            attrs.put("job", job);
        }
        if (instance != null) {
            attrs.put("instance", instance);
        }
        return true;
    }

    private void putIfNotEmpty(String k, String v) {
        if (v != null && !v.isEmpty()) {
            attrs.put(k, v);
        }
    }

    private boolean addAttr(String key, String value) {
        if (utf8Length(key) > options.maxNameLength()) {
            pointError = "attribute name longer than " + options.maxNameLength() + " bytes";
            return false;
        }
        if (utf8Length(value) > options.maxValueLength()) {
            pointError = "value of attribute \"" + key + "\" longer than " + options.maxValueLength() + " bytes";
            return false;
        }
        String ln = Names.labelName(key, strategy);
        if (ln.isEmpty()) {
            pointError = "attribute \"" + key + "\" is not a valid label name";
            return false;
        }
        merge(ln, value);
        return true;
    }

    /** Two attributes that translate to one name: values joined with {@code ;} in key order (Prometheus). */
    private void merge(String ln, String value) {
        String prev = attrs.get(ln);
        attrs.put(ln, prev == null ? value : prev + ";" + value);
    }

    /** The labels of one series: {@link #attrs} plus the name and, optionally, one more label. */
    private Labels series(String name, String extraName, String extraValue) {
        Labels.Builder b = Labels.builder();
        for (var e : attrs.entrySet()) {
            if (!e.getValue().isEmpty()) {
                b.add(e.getKey(), e.getValue());
            }
        }
        b.set(Labels.METRIC_NAME, name);
        if (extraName != null) {
            b.set(extraName, extraValue);
        }
        return b.build();
    }

    // ---------------------------------------------------------------- points

    private boolean checkPoint(List<KeyValue> pa, InstrumentationScope scope, String schemaUrl, long timeNanos) {
        if (timeNanos == 0) {
            outcome.rejectPoint(Reason.MISSING_TIMESTAMP, "metric \"" + metricName + "\"", null);
            return false;
        }
        if (!pointLabels(pa, scope, schemaUrl)) {
            outcome.rejectPoint(pointError.startsWith("attribute \"") ? Reason.INVALID_NAME : Reason.LABEL_LIMITS,
                "metric \"" + metricName + "\"", pointError);
            return false;
        }
        return true;
    }

    private void seen(long t) {
        if (t > resourceMaxT) {
            resourceMaxT = t;
        }
    }

    /**
     * Converts one number point; returns its cached series (for {@link WireConverter}'s byte-keyed
     * cache) or null when the point was refused.
     */
    Cached number(NumberDataPoint p, InstrumentationScope scope, String schemaUrl, boolean counter,
                  boolean deltaT, Metadata md) {
        if (p.getTimeUnixNano() == 0) {
            outcome.rejectPoint(Reason.MISSING_TIMESTAMP, "metric \"" + metricName + "\"", null);
            return null;
        }
        double v;
        switch (p.getValueCase()) {
            case AS_DOUBLE -> v = p.getAsDouble();
            case AS_INT -> v = p.getAsInt();
            default -> {
                if ((p.getFlags() & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) == 0) {
                    outcome.rejectPoint(Reason.MISSING_VALUE, "metric \"" + metricName + "\"", null);
                    return null;
                }
                v = 0;
            }
        }
        SeriesKey key = key(p.getAttributesList(), null);
        Cached c = key == null ? null : cache.get(key);
        boolean fresh = c == null;
        if (fresh) {
            if (!checkPoint(p.getAttributesList(), scope, schemaUrl, p.getTimeUnixNano())) {
                return null;
            }
            try {
                c = new Cached(new Labels[] {series(metricName, null, null)});
            } catch (InvalidLabelsException e) {
                outcome.rejectPoint(Reason.INVALID_NAME, "metric \"" + metricName + "\"", e.getMessage());
                return null;
            }
            remember(key, c);
        }
        long ref = appendNumber(c, p.getStartTimeUnixNano(), p.getTimeUnixNano(), v, p.getFlags(), counter, deltaT);
        if (ref == Long.MIN_VALUE) {
            return c;
        }
        if (fresh) {
            app.updateMetadata(ref, c.labels[0], md);
        }
        for (io.opentelemetry.proto.metrics.v1.Exemplar e : p.getExemplarsList()) {
            exemplar(ref, c.labels[0], e);
        }
        return c;
    }

    /**
     * Appends a number point of a known series: stale marker, delta accumulation, created
     * timestamp, value. Returns the series ref, or {@code Long.MIN_VALUE} when the point ended in a
     * stale marker or a delta refusal (counted).
     */
    long appendNumber(Cached c, long startNanos, long timeNanos, double v, int flags, boolean counter, boolean deltaT) {
        Labels l = c.labels[0];
        long t = millis(timeNanos);
        seen(t);
        if (noRecordedValue(flags)) {
            c.refs[0] = app.append(c.refs[0], l, t, StaleNaN.VALUE);
            return Long.MIN_VALUE;
        }
        long ref;
        if (deltaT) {
            long skey = streamKey(l.hash());
            delta.addSum(skey, l, startNanos, timeNanos, v, nowMillis, undo, sumResult);
            if (!deltaAccepted(sumResult.status, l)) {
                return Long.MIN_VALUE;
            }
            ref = sumResult.ref != 0 ? sumResult.ref : c.refs[0];
            if (sumResult.status == DeltaStore.Status.NEW_RUN && sumResult.runStartMillis != Long.MIN_VALUE) {
                ref = app.appendCreatedTimestamp(ref, l, t, sumResult.runStartMillis);
            }
            ref = app.append(ref, l, t, sumResult.total);
            if (ref != sumResult.ref) {
                sumResult.setRef(ref);
            }
        } else {
            ref = c.refs[0];
            if (counter && startNanos != 0) {
                // The start time is both a created-timestamp zero and the sample's start timestamp.
                long ct = millis(startNanos);
                if (c.ctRequest != request || c.ctStartNanos != startNanos) {
                    ref = app.appendCreatedTimestamp(ref, l, t, ct);
                    if (ct < t) {
                        // Handled: from here on the series holds a sample after ct in this batch,
                        // so the same start time is a no-op for the stream's later points.
                        c.ctStartNanos = startNanos;
                        c.ctRequest = request;
                    }
                }
                ref = app.appendWithStartTimestamp(ref, l, ct, t, v);
            } else {
                ref = app.append(ref, l, t, v);
            }
        }
        c.refs[0] = ref;
        return ref;
    }

    /** The cache key of a point, or null when it has too many attributes to be worth one (refused later). */
    private SeriesKey key(List<KeyValue> pa, double[] bounds) {
        if (pa.size() + base.size() / 2 > options.maxAttributesPerPoint()) {
            return null;
        }
        String[] kv = new String[pa.size() * 2];
        int h = metricName.hashCode() * 31 + context.hashCode();
        for (int i = 0; i < pa.size(); i++) {
            KeyValue a = pa.get(i);
            kv[2 * i] = a.getKey();
            kv[2 * i + 1] = stringOf(a.getValue());
            h = h * 31 + kv[2 * i].hashCode();
            h = h * 31 + kv[2 * i + 1].hashCode();
        }
        if (bounds != null) {
            h = h * 31 + java.util.Arrays.hashCode(bounds);
        }
        return new SeriesKey(metricName, context, kv, bounds, h);
    }

    private void remember(SeriesKey k, Cached c) {
        if (k == null) {
            return;
        }
        if (cache.size() >= CACHE_LIMIT) {
            cache.clear();
        }
        cache.put(k, c);
    }

    private boolean deltaAccepted(DeltaStore.Status st, Labels l) {
        if (st == DeltaStore.Status.OVERLAP) {
            outcome.rejectPoint(Reason.DELTA_OVERLAP, "series " + l, "start_time_unix_nano is before the end of "
                + "the previous delta of this stream; was it sent twice?");
            return false;
        }
        if (st == DeltaStore.Status.LIMIT) {
            outcome.rejectPoint(Reason.DELTA_STREAM_LIMIT, "series " + l, "limit=" + delta.maxStreams()
                + "; streams idle for the staleness period are released");
            return false;
        }
        return true;
    }

    private long streamKey(long labelsHash) {
        long h = labelsHash * 0xC2B2AE3D27D4EB4FL + scopeHash;
        h ^= h >>> 29;
        h *= 0x165667B19E3779F9L;
        return h ^ (h >>> 32);
    }

    private void histogram(HistogramDataPoint p, InstrumentationScope scope, String schemaUrl, boolean deltaT,
                           Metadata md) {
        if (p.getTimeUnixNano() == 0) {
            outcome.rejectPoint(Reason.MISSING_TIMESTAMP, "metric \"" + metricName + "\"", null);
            return;
        }
        int nb = p.getExplicitBoundsCount();
        int nc = p.getBucketCountsCount();
        if (nc != 0 && nc != nb + 1) {
            outcome.rejectPoint(Reason.INVALID_HISTOGRAM, "metric \"" + metricName + "\"",
                "bucket_counts=" + nc + ", explicit_bounds=" + nb);
            return;
        }
        double[] bounds = new double[nc == 0 ? 0 : nb];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = p.getExplicitBounds(i);
            if (Double.isNaN(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
                outcome.rejectPoint(Reason.INVALID_HISTOGRAM, "metric \"" + metricName + "\"",
                    "explicit_bounds must increase");
                return;
            }
        }
        SeriesKey key = key(p.getAttributesList(), bounds);
        Cached cached = key == null ? null : cache.get(key);
        boolean fresh = cached == null;
        if (fresh) {
            if (!checkPoint(p.getAttributesList(), scope, schemaUrl, p.getTimeUnixNano())) {
                return;
            }
            try {
                cached = new Cached(histogramSeries(bounds, nc));
            } catch (InvalidLabelsException e) {
                outcome.rejectPoint(Reason.INVALID_NAME, "metric \"" + metricName + "\"", e.getMessage());
                return;
            }
            remember(key, cached);
        }
        Labels[] ls = cached.labels.clone();
        long t = millis(p.getTimeUnixNano());
        seen(t);
        int buckets = nc == 0 ? 0 : nb + 1;
        Labels[] full = ls.clone();
        if (!p.hasSum()) {
            ls[buckets] = null; // Prometheus writes no _sum series for a histogram without sum
        }
        // ls: buckets (le ascending, +Inf last), then _sum (null without sum), then _count.
        if (noRecordedValue(p.getFlags())) {
            for (Labels l : ls) {
                if (l != null) {
                    app.append(0, l, t, StaleNaN.VALUE);
                }
            }
            return;
        }
        double[] counts = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            counts[i] = unsigned(p.getBucketCounts(i));
        }
        double sum = p.hasSum() ? p.getSum() : Double.NaN;
        double count = unsigned(p.getCount());
        long[] refs = cached.refs.clone();
        long ctMillis = Long.MIN_VALUE;
        // Start timestamp of the samples: a cumulative point's start time; not for delta points,
        // which are accumulated into a cumulative series here.
        long stMillis = 0;
        double[] values;
        if (deltaT) {
            long skey = streamKey(ls[ls.length - 1].hash());
            delta.addHistogram(skey, () -> full, p.getStartTimeUnixNano(), p.getTimeUnixNano(), bounds, counts,
                p.hasSum() ? sum : 0, count, nowMillis, undo, histResult);
            if (!deltaAccepted(histResult.status, ls[ls.length - 1])) {
                return;
            }
            values = histResult.values;
            if (histResult.refs != null && histResult.refs.length == refs.length) {
                System.arraycopy(histResult.refs, 0, refs, 0, refs.length);
            }
            if (histResult.status == DeltaStore.Status.NEW_RUN) {
                ctMillis = histResult.runStartMillis;
            }
        } else {
            values = new double[buckets + 2];
            System.arraycopy(counts, 0, values, 0, buckets);
            values[buckets] = sum;
            values[buckets + 1] = count;
            if (p.getStartTimeUnixNano() != 0) {
                ctMillis = millis(p.getStartTimeUnixNano());
                stMillis = ctMillis;
            }
        }
        double cumulative = 0;
        for (int i = 0; i < ls.length; i++) {
            Labels l = ls[i];
            if (l == null) {
                continue;
            }
            double v;
            if (i < buckets) {
                cumulative += values[i];
                v = cumulative;
            } else {
                v = values[i];
            }
            long ref = refs[i];
            if (ctMillis != Long.MIN_VALUE) {
                ref = app.appendCreatedTimestamp(ref, l, t, ctMillis);
            }
            refs[i] = stMillis != 0 ? app.appendWithStartTimestamp(ref, l, stMillis, t, v) : app.append(ref, l, t, v);
        }
        if (deltaT) {
            histResult.setRefs(refs);
        }
        System.arraycopy(refs, 0, cached.refs, 0, refs.length);
        Labels countSeries = ls[ls.length - 1];
        if (fresh) {
            app.updateMetadata(refs[ls.length - 1], countSeries, md);
        }
        for (io.opentelemetry.proto.metrics.v1.Exemplar e : p.getExemplarsList()) {
            double ev = e.getValueCase() == io.opentelemetry.proto.metrics.v1.Exemplar.ValueCase.AS_INT
                ? e.getAsInt() : e.getAsDouble();
            int bucket = buckets - 1;
            for (int i = 0; i < bounds.length; i++) {
                if (ev <= bounds[i]) {
                    bucket = i;
                    break;
                }
            }
            if (bucket >= 0) {
                exemplar(refs[bucket], ls[bucket], e);
            } else {
                exemplar(refs[ls.length - 1], countSeries, e);
            }
        }
    }

    /** Buckets ({@code le} ascending then {@code +Inf}), {@code _sum} (always present), {@code _count}. */
    private Labels[] histogramSeries(double[] bounds, int nc) {
        int buckets = nc == 0 ? 0 : bounds.length + 1;
        Labels[] ls = new Labels[buckets + 2];
        String bucketName = metricName + "_bucket";
        for (int i = 0; i < buckets; i++) {
            ls[i] = series(bucketName, "le", i < bounds.length ? Names.formatFloat(bounds[i]) : "+Inf");
        }
        ls[buckets] = series(metricName + "_sum", null, null);
        ls[buckets + 1] = series(metricName + "_count", null, null);
        return ls;
    }

    private void summary(SummaryDataPoint p, InstrumentationScope scope, String schemaUrl, Metadata md) {
        if (!checkPoint(p.getAttributesList(), scope, schemaUrl, p.getTimeUnixNano())) {
            return;
        }
        int nq = p.getQuantileValuesCount();
        Labels[] ls = new Labels[nq + 2];
        try {
            for (int i = 0; i < nq; i++) {
                ls[i] = series(metricName, "quantile", Names.formatFloat(p.getQuantileValues(i).getQuantile()));
            }
            ls[nq] = series(metricName + "_sum", null, null);
            ls[nq + 1] = series(metricName + "_count", null, null);
        } catch (InvalidLabelsException e) {
            outcome.rejectPoint(Reason.INVALID_NAME, "metric \"" + metricName + "\"", e.getMessage());
            return;
        }
        long t = millis(p.getTimeUnixNano());
        seen(t);
        boolean stale = noRecordedValue(p.getFlags());
        long ct = p.getStartTimeUnixNano() == 0 ? Long.MIN_VALUE : millis(p.getStartTimeUnixNano());
        long ref = 0;
        for (int i = 0; i < ls.length; i++) {
            double v = stale ? StaleNaN.VALUE : i < nq ? p.getQuantileValues(i).getValue()
                : i == nq ? p.getSum() : unsigned(p.getCount());
            ref = 0;
            if (!stale && i >= nq && ct != Long.MIN_VALUE) {
                ref = app.appendCreatedTimestamp(0, ls[i], t, ct);
                ref = ct != 0 ? app.appendWithStartTimestamp(ref, ls[i], ct, t, v) : app.append(ref, ls[i], t, v);
            } else {
                ref = app.append(ref, ls[i], t, v);
            }
        }
        app.updateMetadata(ref, ls[nq + 1], md);
    }

    // ---------------------------------------------------------------- exemplars

    private void exemplar(long ref, Labels series, io.opentelemetry.proto.metrics.v1.Exemplar e) {
        Labels.Builder b = Labels.builder();
        ByteString trace = e.getTraceId();
        ByteString span = e.getSpanId();
        if ((!trace.isEmpty() && trace.size() != 16) || (!span.isEmpty() && span.size() != 8)) {
            outcome.add(Reason.INVALID_EXEMPLAR, 1, "series " + series,
                "trace_id must be 16 bytes and span_id 8 bytes [trace_id=" + trace.size() + ", span_id=" + span.size() + "]");
            return;
        }
        if (!trace.isEmpty()) {
            b.add("trace_id", hex(trace));
        }
        if (!span.isEmpty()) {
            b.add("span_id", hex(span));
        }
        int budget = Exemplar.MAX_LABELS_UTF8_LENGTH - (trace.isEmpty() ? 0 : 40) - (span.isEmpty() ? 0 : 23);
        for (KeyValue kv : e.getFilteredAttributesList()) {
            String ln = Names.labelName(kv.getKey(), strategy);
            String v = stringOf(kv.getValue());
            int len = utf8Length(ln) + utf8Length(v);
            if (ln.isEmpty() || len > budget || ln.equals("trace_id") || ln.equals("span_id")) {
                continue; // Filtered attributes are extra context; the ids are what matters.
            }
            budget -= len;
            b.set(ln, v);
        }
        Labels el;
        try {
            el = b.build();
        } catch (InvalidLabelsException ex) {
            outcome.add(Reason.INVALID_EXEMPLAR, 1, "series " + series, ex.getMessage());
            return;
        }
        double v = e.getValueCase() == io.opentelemetry.proto.metrics.v1.Exemplar.ValueCase.AS_INT
            ? e.getAsInt() : e.getAsDouble();
        boolean hasT = e.getTimeUnixNano() != 0;
        app.appendExemplar(ref, series, new Exemplar(el, v, hasT ? millis(e.getTimeUnixNano()) : 0, hasT));
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String hex(ByteString b) {
        char[] c = new char[b.size() * 2];
        for (int i = 0; i < b.size(); i++) {
            int x = b.byteAt(i) & 0xff;
            c[2 * i] = HEX[x >>> 4];
            c[2 * i + 1] = HEX[x & 15];
        }
        return new String(c);
    }

    // ---------------------------------------------------------------- helpers

    private static boolean noRecordedValue(int flags) {
        return (flags & DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK_VALUE) != 0;
    }

    private static long millis(long nanos) {
        return Long.divideUnsigned(nanos, 1_000_000L);
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private static long hashAttributes(List<KeyValue> kvs, long seed) {
        long h = seed;
        for (KeyValue kv : kvs) {
            h = h * 31 + kv.getKey().hashCode();
            h = h * 31 + kv.getValue().hashCode();
        }
        return h;
    }

    static int utf8Length(String s) {
        int n = s.length();
        if (n > 0 && n * 3 <= Integer.MAX_VALUE) {
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (ascii) {
                return n;
            }
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len++;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c)) {
                len += 4;
                i++;
            } else {
                len += 3;
            }
        }
        return len;
    }

    /**
     * An attribute value as a label value: strings as they are, booleans and integers in their
     * usual spelling, doubles as Prometheus formats them, bytes in base64, arrays and maps as JSON.
     */
    static String stringOf(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> Boolean.toString(v.getBoolValue());
            case INT_VALUE -> Long.toString(v.getIntValue());
            case DOUBLE_VALUE -> Names.formatFloat(v.getDoubleValue());
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray());
            case ARRAY_VALUE, KVLIST_VALUE -> {
                StringBuilder sb = new StringBuilder();
                json(v, sb, 0);
                yield sb.toString();
            }
            default -> "";
        };
    }

    private static void json(AnyValue v, StringBuilder sb, int depth) {
        switch (v.getValueCase()) {
            case STRING_VALUE -> quote(v.getStringValue(), sb);
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case INT_VALUE -> sb.append(v.getIntValue());
            case DOUBLE_VALUE -> {
                double d = v.getDoubleValue();
                if (Double.isFinite(d)) {
                    sb.append(Names.formatFloat(d));
                } else {
                    quote(Names.formatFloat(d), sb);
                }
            }
            case BYTES_VALUE -> quote(Base64.getEncoder().encodeToString(v.getBytesValue().toByteArray()), sb);
            case ARRAY_VALUE -> {
                sb.append('[');
                List<AnyValue> vs = v.getArrayValue().getValuesList();
                for (int i = 0; i < vs.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    json(vs.get(i), sb, depth + 1);
                }
                sb.append(']');
            }
            case KVLIST_VALUE -> {
                sb.append('{');
                List<KeyValue> kvs = v.getKvlistValue().getValuesList();
                for (int i = 0; i < kvs.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    quote(kvs.get(i).getKey(), sb);
                    sb.append(':');
                    json(kvs.get(i).getValue(), sb, depth + 1);
                }
                sb.append('}');
            }
            default -> sb.append("null");
        }
    }

    private static void quote(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
