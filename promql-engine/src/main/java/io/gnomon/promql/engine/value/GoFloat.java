package io.gnomon.promql.engine.value;

import java.math.BigDecimal;

/**
 * Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}: how Prometheus prints sample values in the
 * HTTP API and in {@code count_values} labels ({@code 0.25}, {@code 0.0000001},
 * {@code 3000000000000000000000}, {@code NaN}, {@code +Inf}, {@code -Inf}).
 *
 * <p>Digits come from {@link Double#toString}, which on Java 17 is not always the shortest
 * representation (JDK-4511638, fixed in Java 19), so a rare value may print one digit longer
 * than Go would.
 */
public final class GoFloat {

    private GoFloat() {
    }

    public static String format(double v) {
        StringBuilder sb = new StringBuilder(24);
        append(sb, v);
        return sb.toString();
    }

    public static void append(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (Double.isInfinite(v)) {
            sb.append(v > 0 ? "+Inf" : "-Inf");
        } else if (v == 0) {
            sb.append(1 / v < 0 ? "-0" : "0");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v); // integers: no BigDecimal on the common path
        } else if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) {
            sb.append(Double.toString(v)); // Java prints this range in plain notation already
        } else {
            sb.append(new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString());
        }
    }
}
