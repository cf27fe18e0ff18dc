package io.gnomon.tsdb.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Outputs of Go's {@code strconv.FormatFloat(v, fmt, -1, 64)}. Each expectation follows from Go's
 * rules: the shortest digits (checked against their definition in {@link ShortestDecimalTest}),
 * {@code 'f'} without exponent, {@code 'e'} with a signed exponent of at least two digits,
 * {@code 'g'} as {@code 'e'} when the exponent is below -4 or at least 6.
 */
class GoFloatTest {

    @Test
    void plain() {
        assertEquals("0.25", GoFloat.format(0.25));
        assertEquals("0.0000001", GoFloat.format(1e-7));
        assertEquals("3000000000000000000000", GoFloat.format(3e21));
        assertEquals("0.30000000000000004", GoFloat.format(0.1 + 0.2));
        assertEquals("100", GoFloat.format(100));
        assertEquals("-2.75", GoFloat.format(-2.75));
        assertEquals("123.456", GoFloat.format(123.456));
        assertEquals("1000000000000000", GoFloat.format(1e15)); // just past the whole-number shortcut
        assertEquals("999999999999999", GoFloat.format(999999999999999.0));
        assertEquals("-999999999999999", GoFloat.format(-999999999999999.0));
        assertEquals("100000000000000000000000", GoFloat.format(1e23));
        assertEquals("9223372036854776000", GoFloat.format(0x1p63)); // shortest digits, then zeros
        assertEquals("0." + "0".repeat(323) + "5", GoFloat.format(Double.MIN_VALUE));
        assertEquals("-0." + "0".repeat(323) + "5", GoFloat.format(-Double.MIN_VALUE));
        assertEquals("17976931348623157" + "0".repeat(292), GoFloat.format(Double.MAX_VALUE));
        assertEquals("0." + "0".repeat(307) + "22250738585072014", GoFloat.format(Double.MIN_NORMAL));
        // Java 17's Double.toString gives 8.7961369762781706E18: one digit more than needed.
        assertEquals("8796136976278171000", GoFloat.format(Double.longBitsToDouble(0x43de8489fe76af4bL)));
        assertEquals(GoFloat.MAX_LENGTH, GoFloat.format(-Double.MIN_VALUE).length());
    }

    @Test
    void specialValues() {
        for (char fmt : new char[] {'f', 'e', 'g'}) {
            assertEquals("NaN", GoFloat.format(Double.NaN, fmt));
            assertEquals("NaN", GoFloat.format(Double.longBitsToDouble(0xfff8000000000001L), fmt)); // NaN with the sign bit
            assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY, fmt));
            assertEquals("-Inf", GoFloat.format(Double.NEGATIVE_INFINITY, fmt));
        }
        assertEquals("0", GoFloat.format(0.0));
        assertEquals("-0", GoFloat.format(-0.0));
        assertEquals("0", GoFloat.format(0.0, 'g'));
        assertEquals("-0", GoFloat.format(-0.0, 'g'));
        assertEquals("0e+00", GoFloat.format(0.0, 'e'));
        assertEquals("-0e+00", GoFloat.format(-0.0, 'e'));
    }

    @Test
    void exponent() {
        assertEquals("1e-07", GoFloat.format(1e-7, 'e'));
        assertEquals("3e+21", GoFloat.format(3e21, 'e'));
        assertEquals("5e-324", GoFloat.format(Double.MIN_VALUE, 'e'));
        assertEquals("1.7976931348623157e+308", GoFloat.format(Double.MAX_VALUE, 'e'));
        assertEquals("-1.5e-10", GoFloat.format(-1.5e-10, 'e'));
        assertEquals("1.23456e+02", GoFloat.format(123.456, 'e'));
        assertEquals("1e+00", GoFloat.format(1, 'e'));
        assertEquals("1e+100", GoFloat.format(1e100, 'e'));
        assertEquals("4.2e-100", GoFloat.format(4.2e-100, 'e'));
    }

    @Test
    void general() {
        assertEquals("1.1", GoFloat.format(1.1, 'g'));
        assertEquals("100000", GoFloat.format(1e5, 'g'));
        assertEquals("123456.7", GoFloat.format(123456.7, 'g'));
        assertEquals("1e+06", GoFloat.format(1e6, 'g'));
        assertEquals("1.234567e+06", GoFloat.format(1234567, 'g'));
        assertEquals("0.0001", GoFloat.format(1e-4, 'g'));
        assertEquals("1e-05", GoFloat.format(1e-5, 'g'));
        assertEquals("-0.00012", GoFloat.format(-1.2e-4, 'g'));
        assertEquals("9.999999999e+09", GoFloat.format(9.999999999e9, 'g'));
        assertEquals("5e-324", GoFloat.format(Double.MIN_VALUE, 'g'));
    }

    @Test
    void unknownFormatIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GoFloat.format(1, 'x'));
    }

    @Test
    void writesAtAnOffsetAndReportsTheEnd() {
        byte[] b = new byte[4 + GoFloat.MAX_LENGTH];
        b[0] = 'x';
        int end = GoFloat.write(b, 1, -0.25, 'f');
        assertEquals(6, end);
        assertEquals("x-0.25", new String(b, 0, end, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(4 + 5, GoFloat.write(b, 4, 1e-7, 'e'));
        assertEquals(1 + GoFloat.MAX_LENGTH, GoFloat.write(b, 1, -Double.MIN_VALUE, 'f'));
    }

    /** Every r below 10^8 against a decimal odometer counting alongside. */
    @Test
    void eightDigitsOfEveryNumberBelow10To8() {
        byte[] expected = "00000000".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] actual = new byte[8];
        for (int r = 0; r < 100_000_000; r++) {
            GoFloat.putEight(actual, 0, r);
            if (!java.util.Arrays.equals(expected, actual)) {
                assertEquals(new String(expected, java.nio.charset.StandardCharsets.US_ASCII),
                    new String(actual, java.nio.charset.StandardCharsets.US_ASCII), "r=" + r);
            }
            for (int i = 7; i >= 0 && ++expected[i] > '9'; i--) {
                expected[i] = '0';
            }
        }
    }

    @Test
    void digitCountAroundPowersOfTen() {
        long p = 1;
        for (int digits = 1; digits <= 18; digits++) {
            assertEquals(digits, GoFloat.digitCount(p));
            assertEquals(digits, GoFloat.digitCount(p * 10 - 1));
            if (digits > 1) {
                assertEquals(digits - 1, GoFloat.digitCount(p - 1));
            }
            p *= 10;
        }
        assertEquals(19, GoFloat.digitCount(Long.MAX_VALUE));
    }

    /** Every format reads back bit for bit (Go's forms parse in Java once {@code Inf} is spelled out). */
    @Test
    void randomDoublesReadBackInEveryFormat() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("GoFloatTest seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[GoFloat.MAX_LENGTH];
        for (int i = 0; i < 300_000; i++) {
            double v = switch (i % 3) {
                case 0 -> Double.longBitsToDouble(rnd.nextLong());
                case 1 -> rnd.nextInt(-1_000_000, 1_000_000) / 1000.0;
                default -> (double) rnd.nextLong(-(1L << 53), 1L << 53);
            };
            if (Double.isNaN(v)) {
                continue;
            }
            for (char fmt : new char[] {'f', 'e', 'g'}) {
                int n = GoFloat.write(buf, 0, v, fmt);
                String s = new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
                double back = Double.parseDouble(s.replace("Inf", "Infinity"));
                assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(back), () -> s + " fmt=" + fmt + " seed=" + seed);
            }
        }
        for (double v : ShortestDecimalTest.edgeCases()) {
            assertEquals(v, Double.parseDouble(GoFloat.format(v)));
            assertEquals(-v, Double.parseDouble(GoFloat.format(-v, 'e')));
            assertEquals(v, Double.parseDouble(GoFloat.format(v, 'g')));
        }
    }
}
