package io.gnomon.http.api;

import io.gnomon.http.JsonOut;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.QueryStats;
import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.promql.engine.value.Scalar;
import io.gnomon.promql.engine.value.StringValue;
import io.gnomon.promql.engine.value.Value;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.tsdb.labels.Labels;
import java.util.List;

/**
 * Writes query results in the shapes of Prometheus's API, straight into the response buffer:
 * samples as {@code [<seconds>, "<value>"]}, seconds as the shortest decimal ({@code 1150},
 * {@code 1150.5}, {@code 1150.05}) and values with the fewest digits that read back exactly:
 * what Prometheus 2.42 answers for the same queries (checked against the real server).
 *
 * <p>Prometheus prints floats in two ways. A scalar result ({@code promql.Scalar.MarshalJSON})
 * uses Go's {@code strconv.FormatFloat(v, 'f', -1, 64)} whatever the magnitude
 * ({@code 0.0000001}, {@code 3000000000000000000000}). Sample values of vectors, matrices and
 * exemplars ({@code util/jsonutil.MarshalFloat}) and the timings of {@code stats} (jsoniter's
 * {@code WriteFloat64}) switch to {@code 'e'} below {@code 1e-6} and from {@code 1e21}
 * ({@code 1e-07}, {@code 3e+21}); both print {@code NaN}, {@code +Inf}, {@code -Inf} and
 * {@code -0}.
 */
public final class ApiJson {

    private ApiJson() {
    }

    /**
     * {@code {"resultType":...,"result":...[,"stats":...]}} for a query result, the result cut to
     * its first {@code limit} series when {@code limit > 0}.
     */
    public static void data(JsonOut out, Value v, int limit, QueryStats stats) {
        out.raw("{\"resultType\":\"").raw(v.typeName()).raw("\",\"result\":");
        if (v instanceof Matrix m) {
            out.raw('[');
            int n = limit > 0 ? Math.min(limit, m.size()) : m.size();
            TimestampCache times = new TimestampCache();
            for (int i = 0; i < n; i++) {
                Matrix.Series s = m.series(i);
                if (i > 0) {
                    out.raw(',');
                }
                out.raw("{\"metric\":");
                labels(out, s.labels());
                out.raw(",\"values\":[");
                long[] t = s.t();
                double[] val = s.v();
                for (int k = 0; k < s.count(); k++) {
                    out.raw(k > 0 ? ",[" : "[").raw(times.encoded(t[k])).raw(",\"");
                    value(out, val[k]);
                    out.raw("\"]");
                }
                out.raw("]}");
            }
            out.raw(']');
        } else if (v instanceof Vector vec) {
            out.raw('[');
            int n = limit > 0 ? Math.min(limit, vec.size()) : vec.size();
            for (int i = 0; i < n; i++) {
                if (i > 0) {
                    out.raw(',');
                }
                out.raw("{\"metric\":");
                labels(out, vec.labels(i));
                out.raw(",\"value\":");
                point(out, vec.t(i), vec.v(i));
                out.raw('}');
            }
            out.raw(']');
        } else if (v instanceof Scalar s) {
            out.raw('[');
            timestamp(out, s.t());
            out.raw(",\"").goFloat(s.v(), 'f').raw("\"]");
        } else if (v instanceof StringValue s) {
            out.raw('[');
            timestamp(out, s.t());
            out.raw(',').string(s.v()).raw(']');
        }
        if (stats != null) {
            stats(out, stats);
        }
        out.raw('}');
    }

    /**
     * The series of a range query share one step grid, so each timestamp is formatted once and
     * copied afterwards: a direct-mapped cache of encoded timestamps.
     */
    private static final class TimestampCache {
        private static final int SLOTS = 1024;
        private final long[] keys = new long[SLOTS];
        private final byte[][] values = new byte[SLOTS][];

        byte[] encoded(long t) {
            int slot = (int) ((t / 1000) ^ (t % 1000)) & (SLOTS - 1);
            byte[] e = values[slot];
            if (e != null && keys[slot] == t) {
                return e;
            }
            JsonOut one = JsonOut.allocate(24);
            timestamp(one, t);
            e = one.bytes();
            keys[slot] = t;
            values[slot] = e;
            return e;
        }
    }

    /** A guess at the encoded size of {@code v}, so the writer rarely grows (and copies) its array. */
    public static int estimateSize(Value v) {
        long bytes = 256;
        if (v instanceof Matrix m) {
            for (Matrix.Series s : m.series()) {
                bytes += 160 + 24L * s.count();
            }
        } else if (v instanceof Vector vec) {
            bytes += 190L * vec.size();
        }
        return (int) Math.min(bytes, 1 << 30);
    }

    /** True when {@link #data} with this limit drops series (and the answer needs the truncation warning). */
    public static boolean truncates(Value v, int limit) {
        int size = v instanceof Matrix m ? m.size() : v instanceof Vector vec ? vec.size() : 0;
        return limit > 0 && size > limit;
    }

    /** Prometheus 2.42's {@code "stats"} object: phase timings in seconds and sample counts. */
    private static void stats(JsonOut out, QueryStats s) {
        out.raw(",\"stats\":{\"timings\":{\"evalTotalTime\":");
        seconds(out, s.evalTotalNanos());
        out.raw(",\"resultSortTime\":");
        seconds(out, s.resultSortNanos());
        out.raw(",\"queryPreparationTime\":");
        seconds(out, s.preparationNanos());
        out.raw(",\"innerEvalTime\":");
        seconds(out, s.innerEvalNanos());
        out.raw(",\"execQueueTime\":");
        seconds(out, s.queueNanos());
        out.raw(",\"execTotalTime\":");
        seconds(out, s.execTotalNanos());
        out.raw("},\"samples\":{\"totalQueryableSamples\":").number(s.totalQueryableSamples())
            .raw(",\"peakSamples\":").number(s.peakSamples()).raw("}}");
    }

    /** A timing as jsoniter's {@code WriteFloat64} prints a Go {@code float64} field. */
    private static void seconds(JsonOut out, long nanos) {
        double s = nanos / 1e9;
        out.goFloat(s, format(s));
    }

    public static void labels(JsonOut out, Labels l) {
        out.raw('{');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.string(l.name(i)).raw(':').string(l.value(i));
        }
        out.raw('}');
    }

    static void point(JsonOut out, long t, double v) {
        out.raw('[');
        timestamp(out, t);
        out.raw(",\"");
        value(out, v);
        out.raw("\"]");
    }

    /** Milliseconds as seconds with the fewest decimals. */
    public static void timestamp(JsonOut out, long t) {
        if (t >= 0 && t % 1000 == 0) {
            out.number(t / 1000);
            return;
        }
        if (t < 0) {
            out.raw('-');
            t = -t;
        }
        out.number(t / 1000);
        long frac = t % 1000;
        if (frac != 0) {
            out.raw('.').raw((char) ('0' + frac / 100));
            if (frac % 100 != 0) {
                out.raw((char) ('0' + frac / 10 % 10));
                if (frac % 10 != 0) {
                    out.raw((char) ('0' + frac % 10));
                }
            }
        }
    }

    /**
     * A sample value as Prometheus's {@code jsonutil.MarshalFloat} writes it (without the quotes):
     * Go's {@code strconv.AppendFloat} in {@code 'f'}, or {@code 'e'} below 1e-6 and from 1e21.
     */
    public static void value(JsonOut out, double v) {
        if (v != 0 && v == Math.rint(v) && Math.abs(v) < 1e15) {
            // Whole numbers (counters, most gauges) print the same in both formats; JsonOut.number
            // is inlined where GoFloat.write is a call: 130-144 against 164-170 ms per answer of
            // ApiJsonBench values=integer, alternating runs on the shared VM.
            out.number((long) v);
        } else {
            out.goFloat(v, format(v));
        }
    }

    /** {@code 'e'} when {@code 0 < |v| < 1e-6} or {@code |v| >= 1e21}, else {@code 'f'} (NaN included). */
    private static char format(double v) {
        double abs = Math.abs(v);
        return abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
    }

    /** {@code ,"warnings":[...],"infos":[...]} when there are any; {@code extraWarning} may be null. */
    public static void annotations(JsonOut out, List<Annotation> warnings, List<Annotation> infos, String extraWarning) {
        if (!warnings.isEmpty() || extraWarning != null) {
            out.raw(",\"warnings\":[");
            for (int i = 0; i < warnings.size(); i++) {
                if (i > 0) {
                    out.raw(',');
                }
                out.string(warnings.get(i).toString());
            }
            if (extraWarning != null) {
                if (!warnings.isEmpty()) {
                    out.raw(',');
                }
                out.string(extraWarning);
            }
            out.raw(']');
        }
        if (!infos.isEmpty()) {
            out.raw(",\"infos\":");
            strings(out, infos.stream().map(Annotation::toString).toList());
        }
    }

    public static void strings(JsonOut out, List<String> list) {
        out.raw('[');
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.string(list.get(i));
        }
        out.raw(']');
    }
}
