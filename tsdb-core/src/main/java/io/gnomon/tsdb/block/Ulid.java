package io.gnomon.tsdb.block;

import java.security.SecureRandom;
import java.util.Random;

/**
 * A ULID: 128 bits, a 48-bit millisecond timestamp followed by 80 random bits, written as 26
 * characters of Crockford base32 (upper case, no I, L, O, U). Blocks are named by it, and because
 * the timestamp leads, sorting names sorts blocks by creation time.
 *
 * <p>Immutable. Parsing is case-insensitive and rejects anything that is not 26 valid characters
 * or whose value exceeds 128 bits (the first character must be 0-7).
 */
public final class Ulid implements Comparable<Ulid> {

    /** Characters of the text form. */
    public static final int LENGTH = 26;

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final byte[] DECODE = new byte[128];
    private static final Random RANDOM = new SecureRandom();

    static {
        java.util.Arrays.fill(DECODE, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            DECODE[ALPHABET[i]] = (byte) i;
            DECODE[Character.toLowerCase(ALPHABET[i])] = (byte) i;
        }
    }

    private final long msb;
    private final long lsb;

    private Ulid(long msb, long lsb) {
        this.msb = msb;
        this.lsb = lsb;
    }

    /** A new ULID for the current time. */
    public static Ulid generate() {
        return generate(System.currentTimeMillis(), RANDOM);
    }

    /** A ULID for {@code timeMs} (0 .. 2^48-1) with entropy from {@code rnd} (tests pass a seeded one). */
    public static Ulid generate(long timeMs, Random rnd) {
        if (timeMs < 0 || timeMs >= (1L << 48)) {
            throw new IllegalArgumentException("ULID time out of range [timeMs=" + timeMs + "]");
        }
        long r1 = rnd.nextLong() & 0xFFFFL;
        long r2 = rnd.nextLong();
        return new Ulid((timeMs << 16) | r1, r2);
    }

    /** The ULID with these 128 bits. */
    public static Ulid of(long msb, long lsb) {
        return new Ulid(msb, lsb);
    }

    /**
     * Parses the 26-character text form.
     *
     * @throws IllegalArgumentException when {@code s} is not a ULID
     */
    public static Ulid parse(String s) {
        Ulid u = tryParse(s);
        if (u == null) {
            throw new IllegalArgumentException("not a ULID [text=" + s + "]");
        }
        return u;
    }

    /** Parses the text form, or returns null when {@code s} is not a ULID (e.g. a stray directory name). */
    public static Ulid tryParse(String s) {
        if (s == null || s.length() != LENGTH) {
            return null;
        }
        long hi = 0;
        long lo = 0;
        for (int i = 0; i < LENGTH; i++) {
            char c = s.charAt(i);
            int d = c < 128 ? DECODE[c] : -1;
            if (d < 0 || (i == 0 && d > 7)) {
                return null;
            }
            // 130 bits shifted in 5 at a time; the first character carries only 3.
            hi = (hi << 5) | (lo >>> 59);
            lo = (lo << 5) | d;
        }
        return new Ulid(hi, lo);
    }

    /** Milliseconds since the epoch at which it was generated. */
    public long timestamp() {
        return msb >>> 16;
    }

    public long msb() {
        return msb;
    }

    public long lsb() {
        return lsb;
    }

    @Override
    public String toString() {
        char[] out = new char[LENGTH];
        long hi = msb;
        long lo = lsb;
        for (int i = LENGTH - 1; i >= 0; i--) {
            out[i] = ALPHABET[(int) (lo & 31)];
            lo = (lo >>> 5) | (hi << 59);
            hi >>>= 5;
        }
        return new String(out);
    }

    @Override
    public int compareTo(Ulid o) {
        int c = Long.compareUnsigned(msb, o.msb);
        return c != 0 ? c : Long.compareUnsigned(lsb, o.lsb);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ulid u && u.msb == msb && u.lsb == lsb;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(msb * 31 + lsb);
    }
}
