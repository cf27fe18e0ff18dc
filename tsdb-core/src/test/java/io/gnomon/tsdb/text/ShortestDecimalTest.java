package io.gnomon.tsdb.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link ShortestDecimal} against its definition, checked with exact {@link BigDecimal}
 * arithmetic: the decimal lies in the rounding interval of the double, no decimal with fewer
 * significant digits does, and among the decimals of its length in the interval it is the
 * closest (ties to the even digit). Random doubles come from {@code -Dgnomon.test.seed}.
 */
class ShortestDecimalTest {

    private static final BigInteger TWO = BigInteger.TWO;

    @Test
    void logarithmApproximationsAreExactOverTheRangeUsed() {
        for (int e = -1100; e <= 1100; e++) {
            BigDecimal pow2 = new BigDecimal(BigInteger.ONE).multiply(powerOfTwo(e));
            assertEquals(floorLog10(pow2), ShortestDecimal.floorLog10Pow2(e), "floorLog10Pow2 e=" + e);
            BigDecimal threeQuarters = pow2.multiply(new BigDecimal("0.75"));
            assertEquals(floorLog10(threeQuarters), ShortestDecimal.floorLog10ThreeQuartersPow2(e), "floorLog10ThreeQuartersPow2 e=" + e);
        }
        for (int e = -400; e <= 400; e++) {
            BigInteger p = BigInteger.TEN.pow(Math.abs(e));
            // floor(log2(10^e)): 10^|e| is a power of two only for e = 0.
            int expected = e >= 0 ? p.bitLength() - 1 : -p.bitLength();
            assertEquals(expected, ShortestDecimal.floorLog2Pow10(e), "floorLog2Pow10 e=" + e);
        }
    }

    @Test
    void tableHoldsAnOverApproximationOfEachPowerOfTen() {
        for (int k = ShortestDecimal.K_MIN; k <= ShortestDecimal.K_MAX; k++) {
            long[] entry = ShortestDecimal.tableEntry(k);
            BigInteger g = BigInteger.valueOf(entry[0]).shiftLeft(63).or(BigInteger.valueOf(entry[1]));
            assertTrue(entry[0] >= 0 && entry[1] >= 0, "k=" + k);
            assertTrue(g.compareTo(BigInteger.ONE.shiftLeft(125)) > 0 && g.compareTo(BigInteger.ONE.shiftLeft(126)) <= 0, "k=" + k);
            // g - 1 <= 10^-k · 2^-r < g, with r = floor(log2(10^-k)) - 125
            int r = ShortestDecimal.floorLog2Pow10(-k) - 125;
            BigDecimal exact = BigDecimal.ONE.scaleByPowerOfTen(-k).multiply(powerOfTwo(-r));
            assertTrue(new BigDecimal(g.subtract(BigInteger.ONE)).compareTo(exact) <= 0, "k=" + k);
            assertTrue(new BigDecimal(g).compareTo(exact) > 0, "k=" + k);
        }
    }

    @Test
    void shiftKeepsTheScaledOperandsBelow2To61() {
        for (int q = ShortestDecimal.Q_MIN; q <= ShortestDecimal.Q_MAX; q++) {
            int[] ks = q > ShortestDecimal.Q_MIN
                ? new int[] {ShortestDecimal.floorLog10Pow2(q), ShortestDecimal.floorLog10ThreeQuartersPow2(q)}
                : new int[] {ShortestDecimal.floorLog10Pow2(q)};
            for (int k : ks) {
                assertTrue(k >= ShortestDecimal.K_MIN && k <= ShortestDecimal.K_MAX, "q=" + q);
                int h = q + ShortestDecimal.floorLog2Pow10(-k) + 2;
                assertTrue(h >= 2 && h <= 5, "q=" + q + " h=" + h); // (4c + 2) << h < 2^55 · 2^5
            }
        }
    }

    @Test
    void edgeCasesAreShortestAndClosest() {
        for (double v : edgeCases()) {
            assertShortestAndClosest(v);
        }
    }

    @Test
    void randomDoublesAreShortestAndClosest() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("ShortestDecimalTest seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 20_000; i++) {
            double v = Math.abs(Double.longBitsToDouble(rnd.nextLong()));
            if (Double.isFinite(v) && v != 0) {
                assertShortestAndClosest(v);
            }
            // values like the ones monitoring produces: rates and ratios of modest magnitude
            assertShortestAndClosest(rnd.nextInt(1, 1_000_000) / (double) rnd.nextInt(1, 100_000));
        }
    }

    @Test
    void randomDoublesReadBack() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < 1_000_000; i++) {
            double v = Math.abs(Double.longBitsToDouble(rnd.nextLong()));
            if (!Double.isFinite(v) || v == 0) {
                continue;
            }
            long decimal = ShortestDecimal.decimal(v);
            long d = ShortestDecimal.digits(decimal);
            int e = ShortestDecimal.exponent(v, decimal);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(Double.parseDouble(d + "e" + e)),
                () -> "v=" + v + " decimal=" + d + "e" + e + " seed=" + seed);
        }
    }

    @Test
    void signIsIgnored() {
        assertEquals(ShortestDecimal.decimal(0.3), ShortestDecimal.decimal(-0.3));
    }

    @Test
    void knownDigits() {
        assertDecimal(5, -324, Double.MIN_VALUE);
        assertDecimal(17976931348623157L, 292, Double.MAX_VALUE);
        assertDecimal(22250738585072014L, -324, Double.MIN_NORMAL);
        assertDecimal(30000000000000004L, -17, 0.1 + 0.2);
        assertDecimal(1, 2, 100);
        assertDecimal(25, -2, 0.25);
        assertDecimal(1, 23, 1e23);
        assertDecimal(9223372036854776L, 3, 0x1p63);
        // Java 17's Double.toString prints 8.7961369762781706E18 (one digit too many, JDK-4511638).
        assertDecimal(8796136976278171L, 3, Double.longBitsToDouble(0x43de8489fe76af4bL));
    }

    private static void assertDecimal(long digits, int exponent, double v) {
        long decimal = ShortestDecimal.decimal(v);
        assertEquals(digits + "e" + exponent, ShortestDecimal.digits(decimal) + "e" + ShortestDecimal.exponent(v, decimal), "v=" + v);
    }

    /** Subnormals, normals at both ends, powers of two (lower gap half the upper) and of ten, and their neighbours. */
    static List<Double> edgeCases() {
        List<Double> list = new ArrayList<>();
        for (long bits = 1; bits < 64; bits++) {
            list.add(Double.longBitsToDouble(bits)); // smallest subnormals
        }
        list.add(Double.longBitsToDouble(0x000fffffffffffffL)); // largest subnormal
        list.add(Double.MIN_NORMAL);
        list.add(Double.MAX_VALUE);
        list.add(Math.nextDown(Double.MAX_VALUE));
        for (int e = -1074; e <= 1023; e++) {
            double p = Math.scalb(1.0, e);
            list.add(p);
            list.add(Math.nextUp(p));
            if (p > Double.MIN_VALUE) {
                list.add(Math.nextDown(p));
            }
        }
        for (int e = -323; e <= 308; e++) {
            double p = Double.parseDouble("1e" + e);
            list.add(p);
            list.add(Math.nextUp(p));
            list.add(Math.nextDown(p));
            list.add(Double.parseDouble("5e" + e));
            list.add(Double.parseDouble("9.5e" + e));
        }
        list.add(0.1 + 0.2);
        list.add(Double.longBitsToDouble(0x43de8489fe76af4bL));
        list.removeIf(v -> !Double.isFinite(v) || v == 0);
        return list;
    }

    /** The definition, with exact arithmetic. */
    static void assertShortestAndClosest(double v) {
        long decimal = ShortestDecimal.decimal(v);
        long d = ShortestDecimal.digits(decimal);
        int e = ShortestDecimal.exponent(v, decimal);
        String what = "v=" + v + " (bits 0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + ") gave " + d + "e" + e;
        assertTrue(d > 0 && d % 10 != 0, what);
        BigDecimal produced = BigDecimal.valueOf(d, -e);
        int n = Long.toString(d).length();

        BigDecimal exact = new BigDecimal(v);
        BigDecimal lower = exact.subtract(exact.subtract(new BigDecimal(Math.nextDown(v))).divide(BigDecimal.valueOf(2)));
        BigDecimal upper = Math.nextUp(v) == Double.POSITIVE_INFINITY
            ? exact.add(exact.subtract(new BigDecimal(Math.nextDown(v))).divide(BigDecimal.valueOf(2)))
            : exact.add(new BigDecimal(Math.nextUp(v)).subtract(exact).divide(BigDecimal.valueOf(2)));
        boolean closed = (Double.doubleToRawLongBits(v) & 1) == 0; // halfway parses to the even significand
        java.util.function.Predicate<BigDecimal> inside = x -> closed
            ? x.compareTo(lower) >= 0 && x.compareTo(upper) <= 0
            : x.compareTo(lower) > 0 && x.compareTo(upper) < 0;

        assertTrue(inside.test(produced), what + ": not in the rounding interval");
        if (n > 1) {
            BigDecimal down = exact.round(new MathContext(n - 1, RoundingMode.FLOOR));
            BigDecimal up = exact.round(new MathContext(n - 1, RoundingMode.CEILING));
            assertFalse(inside.test(down) || inside.test(up), what + ": a decimal of " + (n - 1) + " digits reads back too");
        }
        BigDecimal down = exact.round(new MathContext(n, RoundingMode.FLOOR));
        BigDecimal up = exact.round(new MathContext(n, RoundingMode.CEILING));
        BigDecimal best;
        if (inside.test(down) && inside.test(up)) {
            int cmp = exact.subtract(down).compareTo(up.subtract(exact));
            if (cmp != 0) {
                best = cmp < 0 ? down : up;
            } else {
                int lastPlace = exact.precision() - exact.scale() - n; // 10^lastPlace: the unit of an n-digit neighbour
                best = down.scaleByPowerOfTen(-lastPlace).toBigIntegerExact().testBit(0) ? up : down;
            }
        } else {
            best = inside.test(down) ? down : up;
        }
        assertEquals(0, best.compareTo(produced), what + ": " + best + " is closer");
    }

    private static BigDecimal powerOfTwo(int e) {
        return e >= 0 ? new BigDecimal(TWO.pow(e)) : BigDecimal.ONE.divide(new BigDecimal(TWO.pow(-e)));
    }

    private static int floorLog10(BigDecimal x) {
        return x.precision() - x.scale() - 1;
    }
}
