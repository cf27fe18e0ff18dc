package io.gnomon.http.api;

import io.gnomon.http.Json;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.value.GoFloat;
import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.promql.engine.value.Scalar;
import io.gnomon.promql.engine.value.StringValue;
import io.gnomon.promql.engine.value.Value;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.tsdb.labels.Labels;
import java.util.List;

/**
 * Writes query results in the shapes of Prometheus's API: samples as
 * {@code [<seconds>, "<value>"]}, seconds as the shortest decimal ({@code 1150}, {@code 1150.5},
 * {@code 1150.05}) and values in Go's {@code 'f'} format with the fewest digits
 * ({@code 0.0000001}, {@code 3000000000000000000000}), {@code NaN}, {@code +Inf}, {@code -Inf}:
 * what Prometheus 2.42 answers for the same queries (checked against the real server).
 */
public final class ApiJson {

    private ApiJson() {
    }

    /** {@code {"resultType":...,"result":...}} for a query result. */
    public static void data(StringBuilder sb, Value v) {
        sb.append("{\"resultType\":\"").append(v.typeName()).append("\",\"result\":");
        if (v instanceof Matrix m) {
            sb.append('[');
            for (int i = 0; i < m.size(); i++) {
                Matrix.Series s = m.series(i);
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"metric\":");
                labels(sb, s.labels());
                sb.append(",\"values\":[");
                for (int k = 0; k < s.count(); k++) {
                    if (k > 0) {
                        sb.append(',');
                    }
                    point(sb, s.t()[k], s.v()[k]);
                }
                sb.append("]}");
            }
            sb.append(']');
        } else if (v instanceof Vector vec) {
            sb.append('[');
            for (int i = 0; i < vec.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append("{\"metric\":");
                labels(sb, vec.labels(i));
                sb.append(",\"value\":");
                point(sb, vec.t(i), vec.v(i));
                sb.append('}');
            }
            sb.append(']');
        } else if (v instanceof Scalar s) {
            point(sb, s.t(), s.v());
        } else if (v instanceof StringValue s) {
            sb.append('[');
            timestamp(sb, s.t());
            sb.append(',');
            Json.appendQuoted(sb, s.v());
            sb.append(']');
        }
        sb.append('}');
    }

    public static void labels(StringBuilder sb, Labels l) {
        sb.append('{');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.appendQuoted(sb, l.name(i));
            sb.append(':');
            Json.appendQuoted(sb, l.value(i));
        }
        sb.append('}');
    }

    static void point(StringBuilder sb, long t, double v) {
        sb.append('[');
        timestamp(sb, t);
        sb.append(",\"");
        value(sb, v);
        sb.append("\"]");
    }

    /** Milliseconds as seconds with the fewest decimals. */
    public static void timestamp(StringBuilder sb, long t) {
        if (t < 0) {
            sb.append('-');
            t = -t;
        }
        sb.append(t / 1000);
        long frac = t % 1000;
        if (frac != 0) {
            sb.append('.').append((char) ('0' + frac / 100));
            if (frac % 100 != 0) {
                sb.append((char) ('0' + frac / 10 % 10));
                if (frac % 10 != 0) {
                    sb.append((char) ('0' + frac % 10));
                }
            }
        }
    }

    /** Go's {@code strconv.FormatFloat(v, 'f', -1, 64)}, as Prometheus writes sample values. */
    public static void value(StringBuilder sb, double v) {
        GoFloat.append(sb, v);
    }

    /** {@code ,"warnings":[...],"infos":[...]} when there are any. */
    public static void annotations(StringBuilder sb, List<Annotation> warnings, List<Annotation> infos) {
        if (!warnings.isEmpty()) {
            sb.append(",\"warnings\":");
            strings(sb, warnings.stream().map(Annotation::toString).toList());
        }
        if (!infos.isEmpty()) {
            sb.append(",\"infos\":");
            strings(sb, infos.stream().map(Annotation::toString).toList());
        }
    }

    public static void strings(StringBuilder sb, List<String> list) {
        sb.append('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Json.appendQuoted(sb, list.get(i));
        }
        sb.append(']');
    }
}
