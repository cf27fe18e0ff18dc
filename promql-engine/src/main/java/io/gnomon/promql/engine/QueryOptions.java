package io.gnomon.promql.engine;

import java.time.Duration;

/**
 * Per-query limits and settings, with Prometheus's defaults in {@link #defaults()}:
 * {@code --query.lookback-delta} 5m, {@code --query.timeout} 2m, {@code --query.max-samples}
 * 50,000,000, and a 1m step for subqueries written without one ({@code x[5m:]}).
 */
public record QueryOptions(Duration lookbackDelta, Duration timeout, long maxSamples, Duration defaultSubqueryStep) {
    public QueryOptions {
        if (lookbackDelta.isNegative() || lookbackDelta.isZero()) {
            throw new IllegalArgumentException("lookback delta must be positive [lookbackDelta=" + lookbackDelta + "]");
        }
        if (maxSamples <= 0) {
            throw new IllegalArgumentException("max samples must be positive [maxSamples=" + maxSamples + "]");
        }
    }

    public static QueryOptions defaults() {
        return new QueryOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 50_000_000L, Duration.ofMinutes(1));
    }

    public QueryOptions withLookbackDelta(Duration d) {
        return new QueryOptions(d, timeout, maxSamples, defaultSubqueryStep);
    }

    public QueryOptions withTimeout(Duration d) {
        return new QueryOptions(lookbackDelta, d, maxSamples, defaultSubqueryStep);
    }

    public QueryOptions withMaxSamples(long n) {
        return new QueryOptions(lookbackDelta, timeout, n, defaultSubqueryStep);
    }
}
