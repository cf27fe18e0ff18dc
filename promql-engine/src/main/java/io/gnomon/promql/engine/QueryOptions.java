package io.gnomon.promql.engine;

import java.time.Duration;

/**
 * Per-query limits and settings, with Prometheus's defaults in {@link #defaults()}:
 * {@code --query.lookback-delta} 5m, {@code --query.timeout} 2m, {@code --query.max-samples}
 * 50,000,000, a 1m step for subqueries written without one ({@code x[5m:]}), and start
 * timestamps not used ({@code useStartTimestamps}, Prometheus's
 * {@code --enable-feature=use-start-timestamps}, off by default).
 *
 * <p>With {@code useStartTimestamps}, {@code rate}, {@code increase}, {@code irate} and
 * {@code resets} over a matrix selector read the samples' start timestamps (a start timestamp
 * after the previous sample is a counter reset; the start of the first sample in the window
 * replaces extrapolation to the left), and {@code start_timestamp()} returns them; see
 * {@code docs/engine.md}. Without it they behave as if no sample had one.
 */
public record QueryOptions(Duration lookbackDelta, Duration timeout, long maxSamples, Duration defaultSubqueryStep,
        boolean useStartTimestamps) {
    public QueryOptions {
        if (lookbackDelta.isNegative() || lookbackDelta.isZero()) {
            throw new IllegalArgumentException("lookback delta must be positive [lookbackDelta=" + lookbackDelta + "]");
        }
        if (maxSamples <= 0) {
            throw new IllegalArgumentException("max samples must be positive [maxSamples=" + maxSamples + "]");
        }
    }

    /** Options that do not use start timestamps. */
    public QueryOptions(Duration lookbackDelta, Duration timeout, long maxSamples, Duration defaultSubqueryStep) {
        this(lookbackDelta, timeout, maxSamples, defaultSubqueryStep, false);
    }

    public static QueryOptions defaults() {
        return new QueryOptions(Duration.ofMinutes(5), Duration.ofMinutes(2), 50_000_000L, Duration.ofMinutes(1), false);
    }

    public QueryOptions withLookbackDelta(Duration d) {
        return new QueryOptions(d, timeout, maxSamples, defaultSubqueryStep, useStartTimestamps);
    }

    public QueryOptions withTimeout(Duration d) {
        return new QueryOptions(lookbackDelta, d, maxSamples, defaultSubqueryStep, useStartTimestamps);
    }

    public QueryOptions withMaxSamples(long n) {
        return new QueryOptions(lookbackDelta, timeout, n, defaultSubqueryStep, useStartTimestamps);
    }

    public QueryOptions withStartTimestamps(boolean use) {
        return new QueryOptions(lookbackDelta, timeout, maxSamples, defaultSubqueryStep, use);
    }
}
