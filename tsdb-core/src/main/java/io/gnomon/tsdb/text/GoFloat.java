package io.gnomon.tsdb.text;

import java.nio.charset.StandardCharsets;

/**
 * Go's {@code strconv.AppendFloat(dst, v, fmt, -1, 64)} for {@code fmt} {@code 'f'}, {@code 'e'}
 * and {@code 'g'}: the shortest digits that read back as {@code v} ({@link ShortestDecimal}),
 * laid out as Go lays them out. Prometheus prints scalars in the HTTP API and
 * {@code count_values} labels with {@code 'f'} ({@code 0.25}, {@code 0.0000001},
 * {@code 3000000000000000000000}), sample values with {@code 'e'} outside
 * {@code [1e-6, 1e21)} ({@code 1e-07}, {@code 3e+21}), and messages with {@code %g}
 * ({@code 1e+06}, {@code 0.0001}, {@code 1e-05}).
 *
 * <p>Special values in every format: {@code NaN}, {@code +Inf}, {@code -Inf}; zero is {@code 0}
 * ({@code 0e+00} in {@code 'e'}), negative zero keeps its sign ({@code -0}). The exponent of
 * {@code 'e'} has a sign and at least two digits.
 *
 * <p>{@link #write} puts ASCII bytes straight into an array without allocating; the longest
 * output is {@link #MAX_LENGTH} bytes ({@code -0.000…0005}, {@code -Double.MIN_VALUE} in
 * {@code 'f'}).
 */
public final class GoFloat {

    /** Bytes {@link #write} needs at most: sign, {@code "0."}, 323 zeros and the digit 5. */
    public static final int MAX_LENGTH = 327;

    /** 10^0 .. 10^18. */
    private static final long[] POW10 = new long[19];
    private static final long FRACTION_52 = (1L << 52) - 1;
    /** "00" .. "99". */
    private static final byte[] PAIRS = new byte[200];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private GoFloat() {
    }

    /** {@code strconv.FormatFloat(v, 'f', -1, 64)}. */
    public static String format(double v) {
        return format(v, 'f');
    }

    /** {@code strconv.FormatFloat(v, fmt, -1, 64)} for {@code fmt} {@code 'f'}, {@code 'e'} or {@code 'g'}. */
    public static String format(double v, char fmt) {
        byte[] b = new byte[MAX_LENGTH];
        int n = write(b, 0, v, fmt);
        return new String(b, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** Appends {@code strconv.FormatFloat(v, 'f', -1, 64)}. */
    public static void append(StringBuilder sb, double v) {
        sb.append(format(v, 'f'));
    }

    /**
     * Writes {@code strconv.FormatFloat(v, fmt, -1, 64)} as ASCII into {@code dst} from
     * {@code off}, which must have room for {@link #MAX_LENGTH} bytes (or the exact length).
     *
     * @param fmt {@code 'f'}, {@code 'e'} or {@code 'g'}
     * @return the offset after the last byte written
     */
    public static int write(byte[] dst, int off, double v, char fmt) {
        if (fmt != 'f' && fmt != 'e' && fmt != 'g') {
            throw new IllegalArgumentException("unsupported float format [fmt=" + fmt + "]");
        }
        if (v != v) {
            dst[off] = 'N';
            dst[off + 1] = 'a';
            dst[off + 2] = 'N';
            return off + 3;
        }
        int i = off;
        if (Double.doubleToRawLongBits(v) < 0) {
            dst[i++] = '-';
            v = -v;
        } else if (v == Double.POSITIVE_INFINITY) {
            dst[i++] = '+';
        }
        if (v == Double.POSITIVE_INFINITY) {
            dst[i] = 'I';
            dst[i + 1] = 'n';
            dst[i + 2] = 'f';
            return i + 3;
        }
        if (v == 0) {
            dst[i++] = '0';
            if (fmt == 'e') {
                dst[i] = 'e';
                dst[i + 1] = '+';
                dst[i + 2] = '0';
                dst[i + 3] = '0';
                return i + 4;
            }
            return i;
        }
        if (fmt == 'f' && v < 1e15) {
            long whole = (long) v;
            if (whole == v) { // whole numbers, the common case of counters and gauges, skip the search
                int n = digitCount(whole);
                putDigits(dst, i + n, whole, n);
                return i + n;
            }
        }
        long decimal = ShortestDecimal.decimal(v);
        long d = ShortestDecimal.digits(decimal);
        int n = digitCount(d);
        int point = n + ShortestDecimal.exponent(v, decimal); // v = 0.d1d2..dn × 10^point
        if (fmt == 'e' || fmt == 'g' && (point - 1 < -4 || point - 1 >= 6)) {
            return exponentForm(dst, i, d, n, point);
        }
        return plainForm(dst, i, d, n, point);
    }

    /** {@code 123.45}, {@code 0.0012345}, {@code 1234500}. */
    private static int plainForm(byte[] dst, int i, long d, int n, int point) {
        if (point <= 0) {
            dst[i++] = '0';
            dst[i++] = '.';
            for (int z = 0; z < -point; z++) {
                dst[i++] = '0';
            }
            putDigits(dst, i + n, d, n);
            return i + n;
        }
        if (point >= n) {
            putDigits(dst, i + n, d, n);
            i += n;
            for (int z = n; z < point; z++) {
                dst[i++] = '0';
            }
            return i;
        }
        // All digits one place to the right, then the integer part back over the gap: cheaper
        // than splitting d by a power of ten that is not a constant (a full 64-bit division).
        putDigits(dst, i + 1 + n, d, n);
        for (int k = 0; k < point; k++) {
            dst[i + k] = dst[i + 1 + k];
        }
        dst[i + point] = '.';
        return i + 1 + n;
    }

    /** {@code 1.2345e+06}, {@code 5e-324}. */
    private static int exponentForm(byte[] dst, int i, long d, int n, int point) {
        putDigits(dst, i + 1 + n, d, n);
        dst[i] = dst[i + 1];
        if (n > 1) {
            dst[i + 1] = '.';
            i += n + 1;
        } else {
            i += 1;
        }
        int exp = point - 1;
        dst[i++] = 'e';
        if (exp < 0) {
            dst[i++] = '-';
            exp = -exp;
        } else {
            dst[i++] = '+';
        }
        if (exp >= 100) {
            dst[i++] = (byte) ('0' + exp / 100);
            exp %= 100;
        }
        dst[i] = PAIRS[2 * exp];
        dst[i + 1] = PAIRS[2 * exp + 1];
        return i + 2;
    }

    /**
     * Writes the {@code count} low digits of {@code x} (zero-padded) so that the last is at
     * {@code end - 1}: eight digits at a time, then pairs.
     */
    private static void putDigits(byte[] dst, int end, long x, int count) {
        while (count >= 8) {
            long q = x / 100_000_000;
            putEight(dst, end - 8, (int) (x - q * 100_000_000));
            x = q;
            end -= 8;
            count -= 8;
        }
        int r = (int) x; // fewer than 8 digits left
        while (count >= 2) {
            int q = r / 100;
            int pair = r - q * 100;
            dst[--end] = PAIRS[2 * pair + 1];
            dst[--end] = PAIRS[2 * pair];
            r = q;
            count -= 2;
        }
        if (count == 1) {
            dst[end - 1] = (byte) ('0' + r % 10);
        }
    }

    /**
     * Eight digits of {@code 0 <= r < 10^8} from {@code at}, two at a time from a binary fraction:
     * {@code y = r·ceil(2^52/10^6)} holds {@code r/10^6} with 52 fraction bits, and each
     * multiplication of the fraction by 100 moves the next pair above bit 52. The rounding up of
     * the constant adds at most {@code 1.4e-8} to the fraction, {@code 0.014} after three steps,
     * never enough to carry into a pair (checked for every {@code r} by the test).
     */
    static void putEight(byte[] dst, int at, int r) {
        long y = r * 4_503_599_628L;
        int p = (int) (y >>> 52);
        dst[at] = PAIRS[2 * p];
        dst[at + 1] = PAIRS[2 * p + 1];
        y = (y & FRACTION_52) * 100;
        p = (int) (y >>> 52);
        dst[at + 2] = PAIRS[2 * p];
        dst[at + 3] = PAIRS[2 * p + 1];
        y = (y & FRACTION_52) * 100;
        p = (int) (y >>> 52);
        dst[at + 4] = PAIRS[2 * p];
        dst[at + 5] = PAIRS[2 * p + 1];
        y = (y & FRACTION_52) * 100;
        p = (int) (y >>> 52);
        dst[at + 6] = PAIRS[2 * p];
        dst[at + 7] = PAIRS[2 * p + 1];
    }

    /** Decimal digits of {@code x > 0}. */
    static int digitCount(long x) {
        int guess = (64 - Long.numberOfLeadingZeros(x)) * 1233 >>> 12; // about bits·log10(2)
        return guess + (x >= POW10[guess] ? 1 : 0);
    }
}
