package io.gnomon.http;

import io.gnomon.tsdb.text.GoFloat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes JSON text as UTF-8 into a growing byte array that becomes the response body without a
 * copy ({@link #buf()}): no intermediate strings, no DOM, no reflection. The caller writes
 * structure ({@link #raw}); the writer escapes strings and formats numbers. Writing to a plain
 * array keeps the per-byte cost at a store (a Netty buffer checks bounds and reference counts on
 * every write).
 */
public final class JsonOut {

    /** "00" .. "99": two digits per division when formatting numbers. */
    private static final byte[] PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] a;
    private int n;
    /** Where {@link #goFloat} formats when the array has less than its longest form left. */
    private byte[] scratch;

    public JsonOut(int initialCapacity) {
        this.a = new byte[Math.max(16, initialCapacity)];
    }

    /** A writer with room for {@code initialCapacity} bytes before it grows. */
    public static JsonOut allocate(int initialCapacity) {
        return new JsonOut(initialCapacity);
    }

    /** The bytes written so far, as a buffer over the same array (no copy). */
    public ByteBuf buf() {
        return Unpooled.wrappedBuffer(a, 0, n);
    }

    /** A copy of the bytes written so far. */
    public byte[] bytes() {
        return Arrays.copyOf(a, n);
    }

    public int size() {
        return n;
    }

    /** Length of the underlying array, for tests of when it grows. */
    int capacity() {
        return a.length;
    }

    private void room(int more) {
        if (n + more > a.length) {
            long want = Math.max((long) a.length * 2, (long) n + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("JSON response larger than 2 GiB");
            }
            a = Arrays.copyOf(a, (int) want);
        }
    }

    /** One ASCII structural character. */
    public JsonOut raw(char c) {
        room(1);
        a[n++] = (byte) c;
        return this;
    }

    /** ASCII text written as is (structure, numbers already formatted). */
    public JsonOut raw(String ascii) {
        int len = ascii.length();
        room(len);
        ascii.getBytes(0, len, a, n); // deprecated but exact for ASCII, and without an intermediate array
        n += len;
        return this;
    }

    /** Bytes written as they are (a pre-encoded fragment). */
    public JsonOut raw(byte[] bytes) {
        room(bytes.length);
        System.arraycopy(bytes, 0, a, n, bytes.length);
        n += bytes.length;
        return this;
    }

    /** A whole number in decimal. */
    public JsonOut number(long v) {
        if (v == Long.MIN_VALUE) {
            return raw(Long.toString(v));
        }
        room(20);
        if (v < 0) {
            a[n++] = '-';
            v = -v;
        }
        int len = digits(v);
        int end = n + len;
        int i = end;
        while (v >= 100) {
            int pair = (int) (v % 100);
            v /= 100;
            a[--i] = PAIRS[2 * pair + 1];
            a[--i] = PAIRS[2 * pair];
        }
        if (v >= 10) {
            a[--i] = PAIRS[2 * (int) v + 1];
            a[--i] = PAIRS[2 * (int) v];
        } else {
            a[--i] = (byte) ('0' + v);
        }
        n = end;
        return this;
    }

    /**
     * A float as Go's {@code strconv.AppendFloat(buf, v, fmt, -1, 64)} writes it ({@code fmt}
     * {@code 'f'}, {@code 'e'} or {@code 'g'}), formatted straight into the array: no object per
     * value.
     */
    public JsonOut goFloat(double v, char fmt) {
        if (a.length - n >= GoFloat.MAX_LENGTH) {
            n = GoFloat.write(a, n, v, fmt);
        } else {
            // Near the end of the array: format aside, so that it grows (a copy of everything
            // written) only when this value does not fit, not whenever the longest one would not.
            if (scratch == null) {
                scratch = new byte[GoFloat.MAX_LENGTH];
            }
            int len = GoFloat.write(scratch, 0, v, fmt);
            room(len);
            System.arraycopy(scratch, 0, a, n, len);
            n += len;
        }
        return this;
    }

    private static int digits(long v) {
        int d = 1;
        for (long p = 10; d < 19 && v >= p; p *= 10) {
            d++;
        }
        return d;
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped; the rest as UTF-8. */
    public JsonOut string(String s) {
        int len = s.length();
        room(len + 2);
        a[n++] = '"';
        int i = 0;
        // Fast path: ASCII that needs no escape, one store per char.
        for (; i < len; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || Json.escape(c) != null) {
                break;
            }
            a[n++] = (byte) c;
        }
        if (i < len) {
            int plainFrom = i;
            for (; i < len; i++) {
                String esc = Json.escape(s.charAt(i));
                if (esc != null) {
                    utf8(s, plainFrom, i);
                    raw(esc);
                    plainFrom = i + 1;
                }
            }
            utf8(s, plainFrom, len);
        }
        raw('"');
        return this;
    }

    private void utf8(String s, int from, int to) {
        if (from < to) {
            byte[] b = s.substring(from, to).getBytes(StandardCharsets.UTF_8);
            raw(b);
        }
    }
}
