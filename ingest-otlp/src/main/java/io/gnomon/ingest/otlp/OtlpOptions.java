package io.gnomon.ingest.otlp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that shapes OTLP ingest: the {@code otlp:} section of {@code prometheus.yml} (same
 * names and defaults as Prometheus), the delta-to-cumulative bounds, and the request limits.
 * Immutable; build with {@link #builder()} or start from {@link #defaults()}.
 *
 * <table>
 * <caption>Options</caption>
 * <tr><th>option</th><th>{@code prometheus.yml} key</th><th>default</th></tr>
 * <tr><td>{@link #translationStrategy()}</td><td>{@code translation_strategy}</td><td>UnderscoreEscapingWithSuffixes</td></tr>
 * <tr><td>{@link #promoteResourceAttributes()}</td><td>{@code promote_resource_attributes}</td><td>none</td></tr>
 * <tr><td>{@link #promoteAllResourceAttributes()}</td><td>{@code promote_all_resource_attributes}</td><td>false</td></tr>
 * <tr><td>{@link #ignoreResourceAttributes()}</td><td>{@code ignore_resource_attributes}</td><td>none (only with promote-all)</td></tr>
 * <tr><td>{@link #keepIdentifyingResourceAttributes()}</td><td>{@code keep_identifying_resource_attributes}</td><td>false</td></tr>
 * <tr><td>{@link #promoteScopeMetadata()}</td><td>{@code promote_scope_metadata}</td><td>false</td></tr>
 * <tr><td>{@link #deltaStalenessPeriod()}</td><td>(Gnomon) {@code delta_staleness_period}</td><td>5m</td></tr>
 * <tr><td>{@link #maxDeltaStreams()}</td><td>(Gnomon) {@code max_delta_streams}</td><td>1,000,000</td></tr>
 * </table>
 *
 * @param maxBodySize            bytes of the body as received (compressed or not); more is a 413
 * @param maxDecompressedSize    bytes after gzip; more is a 413
 * @param maxAttributesPerPoint  attributes of one resource, scope or data point after promotion; more
 *                               rejects that data point (partial success)
 * @param maxNameLength          UTF-8 bytes of a metric or attribute name; longer rejects the point
 * @param maxValueLength         UTF-8 bytes of an attribute value; longer rejects the point
 * @param maxInflight            requests admitted at once; more are answered 429 / UNAVAILABLE
 */
public record OtlpOptions(TranslationStrategy translationStrategy,
                          List<String> promoteResourceAttributes,
                          boolean promoteAllResourceAttributes,
                          List<String> ignoreResourceAttributes,
                          boolean keepIdentifyingResourceAttributes,
                          boolean promoteScopeMetadata,
                          Duration deltaStalenessPeriod,
                          int maxDeltaStreams,
                          int maxBodySize,
                          int maxDecompressedSize,
                          int maxAttributesPerPoint,
                          int maxNameLength,
                          int maxValueLength,
                          int maxInflight) {

    public static final Duration DEFAULT_DELTA_STALENESS = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_DELTA_STREAMS = 1_000_000;
    public static final int DEFAULT_MAX_BODY_SIZE = 32 << 20;
    public static final int DEFAULT_MAX_DECOMPRESSED_SIZE = 64 << 20;
    public static final int DEFAULT_MAX_ATTRIBUTES = 128;
    public static final int DEFAULT_MAX_NAME_LENGTH = 1024;
    public static final int DEFAULT_MAX_VALUE_LENGTH = 8192;

    public OtlpOptions {
        Objects.requireNonNull(translationStrategy, "translationStrategy");
        promoteResourceAttributes = List.copyOf(promoteResourceAttributes);
        ignoreResourceAttributes = List.copyOf(ignoreResourceAttributes);
        Objects.requireNonNull(deltaStalenessPeriod, "deltaStalenessPeriod");
        if (promoteAllResourceAttributes && !promoteResourceAttributes.isEmpty()) {
            // Prometheus refuses this combination in its config validation; so do we.
            throw new IllegalArgumentException("'promote_all_resource_attributes' and 'promote_resource_attributes' "
                + "cannot be configured simultaneously");
        }
        if (!promoteAllResourceAttributes && !ignoreResourceAttributes.isEmpty()) {
            throw new IllegalArgumentException("'ignore_resource_attributes' is only valid with "
                + "'promote_all_resource_attributes: true'");
        }
        if (deltaStalenessPeriod.isNegative() || deltaStalenessPeriod.isZero() || maxDeltaStreams < 0
            || maxBodySize <= 0 || maxDecompressedSize <= 0 || maxAttributesPerPoint <= 0 || maxNameLength <= 0
            || maxValueLength <= 0 || maxInflight <= 0) {
            throw new IllegalArgumentException("OTLP limits must be positive [options=" + this + "]");
        }
    }

    /** Prometheus's defaults plus Gnomon's limits. */
    public static OtlpOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.translationStrategy = translationStrategy;
        b.promoteResourceAttributes = promoteResourceAttributes;
        b.promoteAllResourceAttributes = promoteAllResourceAttributes;
        b.ignoreResourceAttributes = ignoreResourceAttributes;
        b.keepIdentifyingResourceAttributes = keepIdentifyingResourceAttributes;
        b.promoteScopeMetadata = promoteScopeMetadata;
        b.deltaStalenessPeriod = deltaStalenessPeriod;
        b.maxDeltaStreams = maxDeltaStreams;
        b.maxBodySize = maxBodySize;
        b.maxDecompressedSize = maxDecompressedSize;
        b.maxAttributesPerPoint = maxAttributesPerPoint;
        b.maxNameLength = maxNameLength;
        b.maxValueLength = maxValueLength;
        b.maxInflight = maxInflight;
        return b;
    }

    /** 16 requests per core, at least 32, as for remote-write. */
    public static int defaultMaxInflight() {
        return Math.max(32, 16 * Runtime.getRuntime().availableProcessors());
    }

    /** Mutable builder with the defaults preset. */
    public static final class Builder {
        private TranslationStrategy translationStrategy = TranslationStrategy.UnderscoreEscapingWithSuffixes;
        private List<String> promoteResourceAttributes = List.of();
        private boolean promoteAllResourceAttributes;
        private List<String> ignoreResourceAttributes = List.of();
        private boolean keepIdentifyingResourceAttributes;
        private boolean promoteScopeMetadata;
        private Duration deltaStalenessPeriod = DEFAULT_DELTA_STALENESS;
        private int maxDeltaStreams = DEFAULT_MAX_DELTA_STREAMS;
        private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private int maxDecompressedSize = DEFAULT_MAX_DECOMPRESSED_SIZE;
        private int maxAttributesPerPoint = DEFAULT_MAX_ATTRIBUTES;
        private int maxNameLength = DEFAULT_MAX_NAME_LENGTH;
        private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;
        private int maxInflight = defaultMaxInflight();

        private Builder() {
        }

        public Builder translationStrategy(TranslationStrategy v) {
            translationStrategy = v;
            return this;
        }

        public Builder promoteResourceAttributes(List<String> v) {
            promoteResourceAttributes = v;
            return this;
        }

        public Builder promoteAllResourceAttributes(boolean v) {
            promoteAllResourceAttributes = v;
            return this;
        }

        public Builder ignoreResourceAttributes(List<String> v) {
            ignoreResourceAttributes = v;
            return this;
        }

        public Builder keepIdentifyingResourceAttributes(boolean v) {
            keepIdentifyingResourceAttributes = v;
            return this;
        }

        public Builder promoteScopeMetadata(boolean v) {
            promoteScopeMetadata = v;
            return this;
        }

        public Builder deltaStalenessPeriod(Duration v) {
            deltaStalenessPeriod = v;
            return this;
        }

        /** Delta streams held at once; 0 refuses delta data altogether. */
        public Builder maxDeltaStreams(int v) {
            maxDeltaStreams = v;
            return this;
        }

        public Builder maxBodySize(int v) {
            maxBodySize = v;
            return this;
        }

        public Builder maxDecompressedSize(int v) {
            maxDecompressedSize = v;
            return this;
        }

        public Builder maxAttributesPerPoint(int v) {
            maxAttributesPerPoint = v;
            return this;
        }

        public Builder maxNameLength(int v) {
            maxNameLength = v;
            return this;
        }

        public Builder maxValueLength(int v) {
            maxValueLength = v;
            return this;
        }

        public Builder maxInflight(int v) {
            maxInflight = v;
            return this;
        }

        /** @throws IllegalArgumentException on a contradiction or a non-positive limit */
        public OtlpOptions build() {
            return new OtlpOptions(translationStrategy, promoteResourceAttributes, promoteAllResourceAttributes,
                ignoreResourceAttributes, keepIdentifyingResourceAttributes, promoteScopeMetadata,
                deltaStalenessPeriod, maxDeltaStreams, maxBodySize, maxDecompressedSize, maxAttributesPerPoint,
                maxNameLength, maxValueLength, maxInflight);
        }
    }
}
