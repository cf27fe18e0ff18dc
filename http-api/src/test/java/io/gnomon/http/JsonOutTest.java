package io.gnomon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JsonOutTest {

    private static String text(JsonOut o) {
        return new String(o.bytes(), StandardCharsets.UTF_8);
    }

    @Test
    void numbersMatchLongToString() {
        long[] edge = {0, 1, 9, 10, 99, 100, 101, 999_999_999_999_999_999L, Long.MAX_VALUE, Long.MIN_VALUE, -1, -10, -100,
            1_718_003_445L};
        for (long v : edge) {
            assertEquals(Long.toString(v), text(JsonOut.allocate(1).number(v)));
        }
        SplittableRandom r = new SplittableRandom(20261122L);
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong() >> r.nextInt(64);
            assertEquals(Long.toString(v), text(JsonOut.allocate(1).number(v)));
        }
    }

    @Test
    void floatsAsGoWritesThem() {
        assertEquals("0.25,1e-07,-0,NaN,+Inf,1e+06",
            text(JsonOut.allocate(1).goFloat(0.25, 'f').raw(',').goFloat(1e-7, 'e').raw(',').goFloat(-0.0, 'f').raw(',')
                .goFloat(Double.NaN, 'e').raw(',').goFloat(Double.POSITIVE_INFINITY, 'f').raw(',').goFloat(1e6, 'g')));
        // Grows from a small array, also for the longest form.
        assertEquals("-0." + "0".repeat(323) + "5", text(JsonOut.allocate(1).goFloat(-Double.MIN_VALUE, 'f')));
        // Close to the end of the array a short value still fits without growing it.
        JsonOut nearlyFull = JsonOut.allocate(64);
        nearlyFull.raw("x".repeat(60)).goFloat(0.5, 'f');
        assertEquals("x".repeat(60) + "0.5", text(nearlyFull));
        assertEquals(64, nearlyFull.capacity());
    }

    @Test
    void stringsEscapedAsPrometheusDoes() {
        assertEquals("\"plain\"", text(JsonOut.allocate(1).string("plain")));
        assertEquals("\"a\\\"b\\\\c\\n\\t\\u0001\"", text(JsonOut.allocate(1).string("a\"b\\c\n\t\u0001")));
        assertEquals("\"\\u003c\\u0026\\u003e\\u2028\"", text(JsonOut.allocate(1).string("<&>\u2028")));
        assertEquals("\"h\u00e9llo \ud83d\ude00 \\\"x\\\"\"", text(JsonOut.allocate(1).string("h\u00e9llo \ud83d\ude00 \"x\"")));
        // Grows past the initial capacity without losing bytes.
        String big = "x".repeat(100_000) + "\u00e9";
        assertEquals("\"" + big + "\"", text(JsonOut.allocate(4).string(big)));
        StringBuilder sb = new StringBuilder();
        Json.appendQuoted(sb, "a\"<\u00e9\n");
        assertEquals(sb.toString(), text(JsonOut.allocate(1).string("a\"<\u00e9\n")));
    }
}
