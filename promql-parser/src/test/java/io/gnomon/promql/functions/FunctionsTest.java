package io.gnomon.promql.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.ast.ValueType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The function table matches Prometheus 3.14: 90 functions, 17 of them experimental. */
class FunctionsTest {

    @Test
    void tableHasEveryPrometheusFunction() {
        assertEquals(90, Functions.all().size());
        long experimental = Functions.all().values().stream().filter(Function::experimental).count();
        assertEquals(17, experimental);
        for (String name : List.of("info", "sort_by_label", "sort_by_label_desc", "ts_of_first_over_time",
                "ts_of_last_over_time", "ts_of_min_over_time", "ts_of_max_over_time", "double_exponential_smoothing",
                "mad_over_time", "histogram_quantiles", "start", "end", "range", "step", "min_of", "max_of", "start_timestamp")) {
            assertTrue(Functions.get(name).experimental(), name);
        }
        for (String name : List.of("sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
                "atanh", "deg", "rad", "pi", "sgn")) {
            assertTrue(Functions.all().containsKey(name), name);
        }
        assertNull(Functions.get("RATE"), "names are case-sensitive");
    }

    @Test
    void signatures() {
        Function rate = Functions.get("rate");
        assertEquals(List.of(ValueType.MATRIX), rate.argTypes());
        assertEquals(ValueType.VECTOR, rate.returnType());
        assertEquals(0, rate.variadic());

        Function labelJoin = Functions.get("label_join");
        assertEquals(-1, labelJoin.variadic());
        assertEquals(ValueType.STRING, labelJoin.argType(10));

        Function round = Functions.get("round");
        assertEquals(1, round.variadic());
        assertEquals(ValueType.SCALAR, round.argType(1));

        Function hq = Functions.get("histogram_quantiles");
        assertEquals(List.of(ValueType.VECTOR, ValueType.STRING, ValueType.SCALAR, ValueType.SCALAR), hq.argTypes());
        assertEquals(9, hq.variadic());

        assertEquals(ValueType.SCALAR, Functions.get("time").returnType());
        assertEquals(ValueType.SCALAR, Functions.get("scalar").returnType());
        assertNull(Functions.get("rate").argType(1));
    }
}
