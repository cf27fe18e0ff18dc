package io.gnomon.promql.engine.eval;

import io.gnomon.tsdb.text.GoFloat;
import io.gnomon.tsdb.labels.Labels;
import java.math.BigDecimal;

/** Go's text forms that Prometheus messages contain: {@code %g} of a float and {@code %q}. */
final class GoFormat {
    private GoFormat() {
    }

    /** Go's {@code %g} (shortest digits; exponent form when the decimal exponent is below -4 or at least 6). */
    static String g(double v) {
        return GoFloat.format(v, 'g');
    }

    /** Go's {@code %.2g}: two significant digits, exponent form below 1e-4 or from 1e2. */
    static String g2(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v) || v == 0) {
            return g(v);
        }
        BigDecimal d = new BigDecimal(v).round(new java.math.MathContext(2, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exp < -4 || exp >= 2) {
            String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
            String es = Integer.toString(Math.abs(exp));
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (es.length() < 2 ? "0" + es : es);
        }
        return sign + d.abs().toPlainString();
    }

    /** Go's {@code %q}; bytes kept as lone surrogates U+DC80..U+DCFF print as {@code \xNN}. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF) {
                sb.append(String.format("\\x%02x", c - 0xDC00));
            } else {
                sb.append(Labels.quote(String.valueOf(c)), 1, Labels.quote(String.valueOf(c)).length() - 1);
            }
        }
        return "\"" + sb + "\"";
    }
}
