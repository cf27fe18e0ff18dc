package io.gnomon.promql.functions;

import static io.gnomon.promql.ast.ValueType.MATRIX;
import static io.gnomon.promql.ast.ValueType.SCALAR;
import static io.gnomon.promql.ast.ValueType.STRING;
import static io.gnomon.promql.ast.ValueType.VECTOR;

import io.gnomon.promql.ast.ValueType;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one table of PromQL functions (Prometheus 3.14: 90 functions, 17 experimental). The
 * parser type-checks calls against it and the engine looks implementations up by the same
 * names. Experimental functions are enabled by default in Gnomon.
 *
 * <p>Columns of {@code def}: name, variadic (see {@link Function}), return type,
 * experimental, argument types.
 */
public final class Functions {
    private static final Map<String, Function> TABLE;

    static {
        TABLE = new TreeMap<>();
        def("abs", 0, VECTOR, false, VECTOR);
        def("absent", 0, VECTOR, false, VECTOR);
        def("absent_over_time", 0, VECTOR, false, MATRIX);
        def("acos", 0, VECTOR, false, VECTOR);
        def("acosh", 0, VECTOR, false, VECTOR);
        def("asin", 0, VECTOR, false, VECTOR);
        def("asinh", 0, VECTOR, false, VECTOR);
        def("atan", 0, VECTOR, false, VECTOR);
        def("atanh", 0, VECTOR, false, VECTOR);
        def("avg_over_time", 0, VECTOR, false, MATRIX);
        def("ceil", 0, VECTOR, false, VECTOR);
        def("changes", 0, VECTOR, false, MATRIX);
        def("clamp", 0, VECTOR, false, VECTOR, SCALAR, SCALAR);
        def("clamp_max", 0, VECTOR, false, VECTOR, SCALAR);
        def("clamp_min", 0, VECTOR, false, VECTOR, SCALAR);
        def("cos", 0, VECTOR, false, VECTOR);
        def("cosh", 0, VECTOR, false, VECTOR);
        def("count_over_time", 0, VECTOR, false, MATRIX);
        def("day_of_month", 1, VECTOR, false, VECTOR);
        def("day_of_week", 1, VECTOR, false, VECTOR);
        def("day_of_year", 1, VECTOR, false, VECTOR);
        def("days_in_month", 1, VECTOR, false, VECTOR);
        def("deg", 0, VECTOR, false, VECTOR);
        def("delta", 0, VECTOR, false, MATRIX);
        def("deriv", 0, VECTOR, false, MATRIX);
        def("double_exponential_smoothing", 0, VECTOR, true, MATRIX, SCALAR, SCALAR);
        def("end", 0, SCALAR, true);
        def("exp", 0, VECTOR, false, VECTOR);
        def("first_over_time", 0, VECTOR, false, MATRIX);
        def("floor", 0, VECTOR, false, VECTOR);
        def("histogram_avg", 0, VECTOR, false, VECTOR);
        def("histogram_count", 0, VECTOR, false, VECTOR);
        def("histogram_fraction", 0, VECTOR, false, SCALAR, SCALAR, VECTOR);
        def("histogram_quantile", 0, VECTOR, false, SCALAR, VECTOR);
        def("histogram_quantiles", 9, VECTOR, true, VECTOR, STRING, SCALAR, SCALAR);
        def("histogram_stddev", 0, VECTOR, false, VECTOR);
        def("histogram_stdvar", 0, VECTOR, false, VECTOR);
        def("histogram_sum", 0, VECTOR, false, VECTOR);
        def("hour", 1, VECTOR, false, VECTOR);
        def("idelta", 0, VECTOR, false, MATRIX);
        def("increase", 0, VECTOR, false, MATRIX);
        def("info", 1, VECTOR, true, VECTOR, VECTOR);
        def("irate", 0, VECTOR, false, MATRIX);
        def("label_join", -1, VECTOR, false, VECTOR, STRING, STRING, STRING);
        def("label_replace", 0, VECTOR, false, VECTOR, STRING, STRING, STRING, STRING);
        def("last_over_time", 0, VECTOR, false, MATRIX);
        def("ln", 0, VECTOR, false, VECTOR);
        def("log10", 0, VECTOR, false, VECTOR);
        def("log2", 0, VECTOR, false, VECTOR);
        def("mad_over_time", 0, VECTOR, true, MATRIX);
        def("max_of", 0, SCALAR, true, SCALAR, SCALAR);
        def("max_over_time", 0, VECTOR, false, MATRIX);
        def("min_of", 0, SCALAR, true, SCALAR, SCALAR);
        def("min_over_time", 0, VECTOR, false, MATRIX);
        def("minute", 1, VECTOR, false, VECTOR);
        def("month", 1, VECTOR, false, VECTOR);
        def("pi", 0, SCALAR, false);
        def("predict_linear", 0, VECTOR, false, MATRIX, SCALAR);
        def("present_over_time", 0, VECTOR, false, MATRIX);
        def("quantile_over_time", 0, VECTOR, false, SCALAR, MATRIX);
        def("rad", 0, VECTOR, false, VECTOR);
        def("range", 0, SCALAR, true);
        def("rate", 0, VECTOR, false, MATRIX);
        def("resets", 0, VECTOR, false, MATRIX);
        def("round", 1, VECTOR, false, VECTOR, SCALAR);
        def("scalar", 0, SCALAR, false, VECTOR);
        def("sgn", 0, VECTOR, false, VECTOR);
        def("sin", 0, VECTOR, false, VECTOR);
        def("sinh", 0, VECTOR, false, VECTOR);
        def("sort", 0, VECTOR, false, VECTOR);
        def("sort_by_label", -1, VECTOR, true, VECTOR, STRING);
        def("sort_by_label_desc", -1, VECTOR, true, VECTOR, STRING);
        def("sort_desc", 0, VECTOR, false, VECTOR);
        def("sqrt", 0, VECTOR, false, VECTOR);
        def("start", 0, SCALAR, true);
        def("start_timestamp", 0, VECTOR, true, VECTOR);
        def("stddev_over_time", 0, VECTOR, false, MATRIX);
        def("stdvar_over_time", 0, VECTOR, false, MATRIX);
        def("step", 0, SCALAR, true);
        def("sum_over_time", 0, VECTOR, false, MATRIX);
        def("tan", 0, VECTOR, false, VECTOR);
        def("tanh", 0, VECTOR, false, VECTOR);
        def("time", 0, SCALAR, false);
        def("timestamp", 0, VECTOR, false, VECTOR);
        def("ts_of_first_over_time", 0, VECTOR, true, MATRIX);
        def("ts_of_last_over_time", 0, VECTOR, true, MATRIX);
        def("ts_of_max_over_time", 0, VECTOR, true, MATRIX);
        def("ts_of_min_over_time", 0, VECTOR, true, MATRIX);
        def("vector", 0, VECTOR, false, SCALAR);
        def("year", 1, VECTOR, false, VECTOR);    }

    private Functions() {
    }

    private static void def(String name, int variadic, ValueType ret, boolean experimental, ValueType... args) {
        TABLE.put(name, new Function(name, List.of(args), variadic, ret, experimental));
    }

    /** The function called {@code name} (case-sensitive), or null. */
    public static Function get(String name) {
        return TABLE.get(name);
    }

    /** All functions, sorted by name. */
    public static Map<String, Function> all() {
        return Collections.unmodifiableMap(TABLE);
    }
}
