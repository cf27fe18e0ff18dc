package io.gnomon.tsdb.text;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as a given double, and among the decimals of that length
 * the one closest to the double's exact value (an exact tie goes to the even last digit): the
 * digits of Go's {@code strconv.FormatFloat(v, fmt, -1, 64)}, of JDK 19+'s {@code Double.toString}
 * (apart from Java's two-digit minimum) and of Ryu.
 *
 * <p>The algorithm is Schubfach (R. Giulietti, "The Schubfach way to render doubles", 2020). A
 * positive finite double is {@code v = c·2^q} and reads back from every decimal in its rounding
 * interval {@code R = [vl, vr]}, the midpoints to its neighbours, closed when {@code c} is even
 * (a halfway decimal parses to the even significand) and open otherwise. With
 * {@code k = floor(log10(vr - vl))} the interval is between 1 and 10 units of {@code 10^k} wide,
 * so it holds at most one multiple of {@code 10^(k+1)} (if one, it is the shortest answer) and
 * at least one multiple of {@code 10^k}: then the answer is {@code s} or {@code s + 1} units,
 * {@code s = floor(v / 10^k)}, whichever is inside, or the nearer of the two. Deciding this
 * needs {@code v}, {@code vl} and {@code vr} scaled by {@code 10^-k} to within a quarter unit;
 * they are computed as {@code 4·x·10^-k}, each from one 64×126-bit product with a 126-bit
 * over-approximation {@code g} of {@code 10^-k}, truncated and rounded to odd (the lowest bit set
 * when anything was cut off), which the paper proves is exact enough to tell on which side of a
 * candidate each bound lies and to recognise exact ties.
 *
 * <p>The table of {@code g} is computed with {@link BigInteger} when the class loads (617
 * entries, about a millisecond).
 *
 * <p>The result is packed in a {@code long} so that nothing is allocated per value: read it with
 * {@link #digits(long)} and {@link #exponent(double, long)}.
 */
public final class ShortestDecimal {

    private static final int SIGNIFICAND_BITS = 52;
    private static final long FRACTION_MASK = (1L << SIGNIFICAND_BITS) - 1;
    private static final long HIDDEN_BIT = 1L << SIGNIFICAND_BITS;
    /** Binary exponent {@code q} of {@code v = c·2^q} for subnormals and the smallest normals. */
    static final int Q_MIN = -1074;
    /** Binary exponent of the largest doubles. */
    static final int Q_MAX = 971;

    /** Smallest and largest {@code k} over all doubles: the range of the table. */
    static final int K_MIN = floorLog10Pow2(Q_MIN);
    static final int K_MAX = floorLog10Pow2(Q_MAX);

    /**
     * {@code g(k)} for {@code k} in {@code [K_MIN, K_MAX]}: {@code floor(10^-k · 2^-r) + 1} with
     * {@code r = floorLog2Pow10(-k) - 125}, so that {@code 2^125 < g <= 2^126}. Entry
     * {@code 2·(k - K_MIN)} holds bits 63..125, the next one bits 0..62.
     */
    private static final long[] G = table();

    /** The digits of a packed decimal sit in its low 57 bits ({@code 10^17 < 2^57}). */
    private static final int DIGIT_BITS = 57;
    private static final long DIGIT_MASK = (1L << DIGIT_BITS) - 1;
    private static final long MASK_63 = Long.MAX_VALUE;

    private ShortestDecimal() {
    }

    /**
     * The shortest decimal {@code d·10^e} that parses back to {@code |v|}, packed: {@code d} (1 to
     * 17 digits, no trailing zero) by {@link #digits(long)}, {@code e} by
     * {@link #exponent(double, long)}.
     *
     * @param v finite and not zero (the sign is ignored)
     */
    public static long decimal(double v) {
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> SIGNIFICAND_BITS) & 0x7ff;
        long fraction = bits & FRACTION_MASK;
        long c;
        int q;
        if (biased != 0) {
            c = fraction | HIDDEN_BIT;
            q = biased - 1075;
        } else {
            c = fraction;
            q = Q_MIN;
        }
        // The lower neighbour is only half as far away at a power of two, except at the smallest
        // normal, whose lower neighbour is a subnormal at the same spacing.
        boolean narrowBelow = fraction == 0 && biased > 1;
        int k = narrowBelow ? floorLog10ThreeQuartersPow2(q) : floorLog10Pow2(q);
        int h = q + floorLog2Pow10(-k) + 2; // 2 <= h <= 5, see the test
        int index = 2 * (k - K_MIN);
        long g1 = G[index];
        long g0 = G[index + 1];

        // v, vl and vr in units of 2^(q-2), then scaled to 4·x·10^-k.
        long cb = c << 2;
        long vb = scaleRoundOdd(g1, g0, cb << h);
        long vbl = scaleRoundOdd(g1, g0, (cb - (narrowBelow ? 1 : 2)) << h);
        long vbr = scaleRoundOdd(g1, g0, (cb + 2) << h);
        // A candidate x (in units of 10^k) is inside R when lo <= 4x <= hi. The bounds are odd
        // whenever inexact, so equality with 4x means an exact bound, excluded for odd c.
        long open = c & 1;
        long lo = vbl + open;
        long hi = vbr - open;

        long s = vb >> 2;
        long d;
        int e;
        long down = s / 10 * 10;
        long up = down + 10;
        if (lo <= down << 2) {
            d = down / 10;
            e = k + 1;
        } else if (up << 2 <= hi) {
            d = up / 10;
            e = k + 1;
        } else {
            long t = s + 1;
            boolean sIn = lo <= s << 2;
            boolean tIn = t << 2 <= hi;
            if (sIn && tIn) {
                long cmp = vb - (s + t << 1); // v against the midpoint s + 1/2, times 4
                d = cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : t;
            } else {
                d = sIn ? s : t;
            }
            e = k;
        }
        // Strip trailing zeros: by 10^8 first, since 0.25 arrives as 25 followed by 13 zeros.
        while (d % 100_000_000 == 0) {
            d /= 100_000_000;
            e += 8;
        }
        if (d % 10_000 == 0) {
            d /= 10_000;
            e += 4;
        }
        if (d % 100 == 0) {
            d /= 100;
            e += 2;
        }
        if (d % 10 == 0) {
            d /= 10;
            e += 1;
        }
        return (long) (e - k) << DIGIT_BITS | d;
    }

    /** The significant digits of a result of {@link #decimal}: 1 to 17 digits, the last not 0. */
    public static long digits(long decimal) {
        return decimal & DIGIT_MASK;
    }

    /** The power of ten of a result of {@link #decimal} for {@code v}: {@code |v| ≈ digits·10^exponent}. */
    public static int exponent(double v, long decimal) {
        long bits = Double.doubleToRawLongBits(v);
        int biased = (int) (bits >>> SIGNIFICAND_BITS) & 0x7ff;
        int q = biased != 0 ? biased - 1075 : Q_MIN;
        boolean narrowBelow = (bits & FRACTION_MASK) == 0 && biased > 1;
        int k = narrowBelow ? floorLog10ThreeQuartersPow2(q) : floorLog10Pow2(q);
        return k + (int) (decimal >>> DIGIT_BITS);
    }

    /**
     * {@code floor(g·x / 2^127)} rounded to odd, where only the bits from {@code 2^64} up count
     * as remainder. {@code g} exceeds {@code 10^-k·2^-r} by at most 1, so its error in the product
     * is below {@code x < 2^61} and stays in the low 64 bits that are left out: were they taken
     * into account, every product would look inexact and exact ties would be missed (the
     * paper's {@code rop} and its proof work with this truncated product). {@code g = g1·2^63 + g0}
     * with {@code g1, g0 < 2^63} and {@code 0 <= x < 2^61}, so the partial products are below
     * {@code 2^124} and signed {@link Math#multiplyHigh} is exact.
     */
    private static long scaleRoundOdd(long g1, long g0, long x) {
        long x1 = Math.multiplyHigh(g0, x);
        long y1 = Math.multiplyHigh(g1, x);
        long y0 = g1 * x;
        // g·x = y1·2^127 + y0·2^63 + x1·2^64 + (low bits); in units of 2^64 below 2^127:
        long z = (y0 >>> 1) + x1; // < 2^63 + 2^60: no unsigned overflow
        long floor = y1 + (z >>> 63);
        return floor | ((z & MASK_63) + MASK_63 >>> 63); // | 1 when z's low 63 bits are not all 0
    }

    /** {@code floor(e·log10(2))} for {@code |e| <= 1100} (checked over that range by the test). */
    static int floorLog10Pow2(int e) {
        return (int) (e * 661_971_961_083L >> 41); // floor(log10(2)·2^41)
    }

    /** {@code floor(e·log10(2) + log10(3/4))} for {@code |e| <= 1100} (checked over that range by the test). */
    static int floorLog10ThreeQuartersPow2(int e) {
        return (int) (e * 661_971_961_083L - 274_743_187_321L >> 41); // floor(log10(4/3)·2^41)
    }

    /** {@code floor(e·log2(10))} for {@code |e| <= 400} (checked over that range by the test). */
    static int floorLog2Pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38); // floor(log2(10)·2^38)
    }

    /** {@code g(k)} as a {@link BigInteger}, for the table and its test. */
    static BigInteger g(int k) {
        int r = floorLog2Pow10(-k) - 125;
        BigInteger floor;
        if (k <= 0) {
            BigInteger p = BigInteger.TEN.pow(-k);
            floor = r <= 0 ? p.shiftLeft(-r) : p.shiftRight(r);
        } else {
            // 10^-k · 2^-r with r < 0 here: 2^-r / 10^k.
            floor = BigInteger.ONE.shiftLeft(-r).divide(BigInteger.TEN.pow(k));
        }
        return floor.add(BigInteger.ONE);
    }

    /** The entry of the table for {@code k}, as the two longs the scaling uses, for the test. */
    static long[] tableEntry(int k) {
        int i = 2 * (k - K_MIN);
        return new long[] {G[i], G[i + 1]};
    }

    private static long[] table() {
        int kMin = Math.min(floorLog10Pow2(Q_MIN), floorLog10ThreeQuartersPow2(Q_MIN + 1));
        int kMax = Math.max(floorLog10Pow2(Q_MAX), floorLog10ThreeQuartersPow2(Q_MAX));
        if (kMin != K_MIN || kMax != K_MAX) {
            throw new IllegalStateException("table range [kMin=" + kMin + ", kMax=" + kMax + "]");
        }
        long[] t = new long[2 * (K_MAX - K_MIN + 1)];
        BigInteger low63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
        for (int k = K_MIN; k <= K_MAX; k++) {
            BigInteger g = g(k);
            if (g.bitLength() != 126) {
                throw new IllegalStateException("g(k) out of range [k=" + k + ", bits=" + g.bitLength() + "]");
            }
            t[2 * (k - K_MIN)] = g.shiftRight(63).longValueExact();
            t[2 * (k - K_MIN) + 1] = g.and(low63).longValueExact();
        }
        return t;
    }
}
