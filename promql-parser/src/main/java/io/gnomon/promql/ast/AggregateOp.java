package io.gnomon.promql.ast;

/** The aggregation operators; {@link #hasParam()} for those taking a first parameter. */
public enum AggregateOp {
    SUM, AVG, COUNT, MIN, MAX, GROUP, STDDEV, STDVAR, TOPK, BOTTOMK, COUNT_VALUES, QUANTILE,
    LIMITK, LIMIT_RATIO;

    public String symbol() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean hasParam() {
        return this == TOPK || this == BOTTOMK || this == COUNT_VALUES || this == QUANTILE
                || this == LIMITK || this == LIMIT_RATIO;
    }

    /** Experimental in Prometheus 3.14 (enabled by default in Gnomon). */
    public boolean isExperimental() {
        return this == LIMITK || this == LIMIT_RATIO;
    }
}
