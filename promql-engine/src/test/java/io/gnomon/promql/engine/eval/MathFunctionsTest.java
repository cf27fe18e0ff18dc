package io.gnomon.promql.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Where Java's obvious formula differs from Go's math package. */
class MathFunctionsTest {
    @Test
    void log2IsExactForPowersOfTwo() {
        for (int e = -1000; e <= 1000; e += 7) {
            assertEquals(e, FunctionCalls.log2(Math.scalb(1.0, e)));
        }
        assertEquals(Math.log(10) / Math.log(2), FunctionCalls.log2(10), 1e-15);
        assertTrue(Double.isNaN(FunctionCalls.log2(-1)));
        assertEquals(Double.NEGATIVE_INFINITY, FunctionCalls.log2(0));
    }

    @Test
    void asinhIsAccurateNearZero() {
        assertEquals(1e-10, FunctionCalls.asinh(1e-10), 1e-25);
        assertEquals(-FunctionCalls.asinh(3), FunctionCalls.asinh(-3));
        assertEquals(Math.log(3 + Math.sqrt(10)), FunctionCalls.asinh(3), 1e-15);
    }

    @Test
    void goFormatting() {
        assertEquals("1.1", GoFormat.g(1.1));
        assertEquals("1e+06", GoFormat.g(1e6));
        assertEquals("123456", GoFormat.g(123456));
        assertEquals("1e-05", GoFormat.g(0.00001));
        assertEquals("9.999999999e+09", GoFormat.g(9.999999999e9));
        assertEquals("2", GoFormat.g2(2));
        assertEquals("1.2e+02", GoFormat.g2(123));
        assertEquals("\"a\\xc5z\"", GoFormat.quote("a\uDCC5z"));
        assertEquals("0.5", Aggregations.formatValue(0.5));
        assertEquals("100000000000000000000", Aggregations.formatValue(1e20));
    }
}
