package io.gnomon.promql.parser;

import java.math.BigInteger;
import java.time.Duration;

/**
 * Number, duration and string literal rules of PromQL (Go literal syntax). Each method returns
 * the value or throws {@link LiteralException} with Prometheus's message.
 */
final class Literals {
    private Literals() {
    }

    static final class LiteralException extends Exception {
        private static final long serialVersionUID = 1L;

        /** Offset of the offending character inside the literal, or -1. */
        final int offset;

        LiteralException(String message) {
            this(message, -1);
        }

        LiteralException(String message, int offset) {
            super(message, null, false, false);
            this.offset = offset;
        }
    }

    // ---- numbers ------------------------------------------------------------------------

    /**
     * Parses a NUMBER token like Prometheus: Go's {@code ParseInt(s, 0, 64)} first (so
     * {@code 0x1F}, {@code 0755} octal, {@code 1_000}), then {@code ParseFloat}.
     */
    static double number(String s) throws LiteralException {
        Long i = parseGoInt(s);
        if (i != null) {
            return i.doubleValue();
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("+inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        String t = s;
        if (t.indexOf('_') >= 0) {
            if (!validUnderscores(t)) {
                throw new LiteralException("error parsing number: strconv.ParseFloat: parsing " + goQuote(s) + ": invalid syntax");
            }
            t = t.replace("_", "");
        }
        if (t.startsWith("0x") || t.startsWith("0X")) {
            throw new LiteralException("error parsing number: strconv.ParseFloat: parsing " + goQuote(s) + ": invalid syntax");
        }
        double d;
        try {
            d = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new LiteralException("error parsing number: strconv.ParseFloat: parsing " + goQuote(s) + ": invalid syntax");
        }
        if (Double.isInfinite(d)) {
            throw new LiteralException("error parsing number: strconv.ParseFloat: parsing " + goQuote(s) + ": value out of range");
        }
        return d;
    }

    private static boolean validUnderscores(String s) {
        // Go: underscores only between digits (or after a base prefix).
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '_') {
                boolean prevOk = i > 0 && (Character.isLetterOrDigit(s.charAt(i - 1)));
                boolean nextOk = i + 1 < s.length() && Character.isLetterOrDigit(s.charAt(i + 1));
                if (!prevOk || !nextOk) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Go {@code strconv.ParseInt(s, 0, 64)}; null when it would fail. */
    static Long parseGoInt(String s) {
        String t = s;
        boolean neg = false;
        if (t.startsWith("+") || t.startsWith("-")) {
            neg = t.charAt(0) == '-';
            t = t.substring(1);
        }
        int radix = 10;
        boolean prefixed = false;
        if (t.length() > 1 && t.charAt(0) == '0') {
            char c = Character.toLowerCase(t.charAt(1));
            if (c == 'x') {
                radix = 16;
                t = t.substring(2);
                prefixed = true;
            } else if (c == 'o') {
                radix = 8;
                t = t.substring(2);
                prefixed = true;
            } else if (c == 'b') {
                radix = 2;
                t = t.substring(2);
                prefixed = true;
            } else {
                radix = 8;
                t = t.substring(1);
                prefixed = true;
            }
        }
        if (t.indexOf('_') >= 0) {
            // Go allows '_' only with base 0 between digits or right after a prefix.
            if (t.startsWith("_") ? !prefixed : false) {
                return null;
            }
            if (t.endsWith("_") || t.contains("__")) {
                return null;
            }
            t = t.startsWith("_") ? t.substring(1) : t;
            t = t.replace("_", "");
        }
        if (t.isEmpty()) {
            return null;
        }
        for (int i = 0; i < t.length(); i++) {
            if (Character.digit(t.charAt(i), radix) < 0) {
                return null;
            }
        }
        BigInteger v = new BigInteger(t, radix);
        if (neg) {
            v = v.negate();
        }
        if (v.bitLength() > 63) {
            return null;
        }
        return v.longValue();
    }

    /**
     * The text Prometheus's lexer quotes in "bad number or duration syntax": it replays
     * Prometheus's number scan and duration scan from {@code start} and returns what they
     * consumed before giving up ({@code "0de"} for {@code 0deadbeef}, {@code "100.."} for
     * {@code 100..4}). Used only to word the error.
     */
    static String badNumberText(String q, int start) {
        NumberScan sc = new NumberScan(q, start);
        if (sc.scanNumber()) {
            return q.substring(start, sc.pos);
        }
        sc.acceptRemainingDuration();
        return q.substring(start, Math.min(sc.pos, q.length()));
    }

    /** Replay of Prometheus's {@code scanNumber}/{@code acceptRemainingDuration} cursor moves. */
    private static final class NumberScan {
        private final String q;
        private final int start;
        int pos;

        NumberScan(String q, int start) {
            this.q = q;
            this.start = start;
            this.pos = start;
        }

        private int peek() {
            return pos < q.length() ? q.charAt(pos) : -1;
        }

        private boolean accept(String valid) {
            int c = peek();
            if (c >= 0 && valid.indexOf(c) >= 0) {
                pos++;
                return true;
            }
            return false;
        }

        private boolean is(String valid) {
            int c = peek();
            return c >= 0 && valid.indexOf(c) >= 0;
        }

        private static boolean alnum(int c) {
            return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        boolean scanNumber() {
            String digits = "0123456789";
            boolean hex = false;
            if (accept("0") && accept("xX")) {
                accept("_");
                digits = "0123456789abcdefABCDEF";
                hex = true;
            }
            accept(".");
            accept(digits);
            boolean dot = false;
            boolean exp = false;
            while (is(digits + "._eE")) {
                if (is(".") && dot) {
                    accept(".");
                    return false;
                }
                if (is("eE") && exp) {
                    accept("eE");
                    return false;
                }
                if (accept(".")) {
                    dot = true;
                    if (accept("_.") || hex) {
                        return false;
                    }
                    continue;
                }
                if (accept("eE")) {
                    exp = true;
                    accept("+-");
                    if (accept("._eE") || peek() < 0) {
                        return false;
                    }
                    continue;
                }
                if (accept("_")) {
                    if (accept("._eE") || peek() < 0) {
                        return false;
                    }
                    continue;
                }
                while (accept(digits)) {
                    // absorb
                }
            }
            return pos != start && !alnum(peek());
        }

        void acceptRemainingDuration() {
            if (!accept("smhdwy")) {
                return;
            }
            accept("s");
            while (accept("0123456789")) {
                while (accept("0123456789")) {
                    // absorb
                }
                if (!accept("smhdw")) {
                    return;
                }
                accept("s");
            }
            if (peek() >= 0) {
                pos++; // Prometheus reads the next rune before deciding
            }
        }
    }

    // ---- durations ----------------------------------------------------------------------

    private static final String[] UNITS = {"y", "w", "d", "h", "m", "s", "ms"};
    private static final long[] UNIT_MILLIS = {365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1000L, 1L};

    /** Prometheus's {@code model.ParseDuration}: {@code 1h30m}, units in decreasing order. */
    static Duration duration(String s) throws LiteralException {
        if (s.equals("0")) {
            return Duration.ZERO;
        }
        if (s.isEmpty()) {
            throw new LiteralException("empty duration string");
        }
        String rest = s;
        long totalMillis = 0;
        int lastUnit = -1;
        while (!rest.isEmpty()) {
            int i = 0;
            while (i < rest.length() && isDigit(rest.charAt(i))) {
                i++;
            }
            if (i == 0) {
                throw new LiteralException("not a valid duration string: " + goQuote(s));
            }
            long v = i > 18 ? Long.MAX_VALUE : Long.parseLong(rest, 0, i, 10);
            rest = rest.substring(i);
            int j = 0;
            while (j < rest.length() && !isDigit(rest.charAt(j))) {
                j++;
            }
            if (j == 0) {
                throw new LiteralException("not a valid duration string: " + goQuote(s));
            }
            String u = rest.substring(0, j);
            rest = rest.substring(j);
            int unit = -1;
            for (int k = 0; k < UNITS.length; k++) {
                if (UNITS[k].equals(u)) {
                    unit = k;
                }
            }
            if (unit < 0) {
                throw new LiteralException("unknown unit " + goQuote(u) + " in duration " + goQuote(s));
            }
            if (unit <= lastUnit) {
                throw new LiteralException("not a valid duration string: " + goQuote(s));
            }
            lastUnit = unit;
            long unitNanos = UNIT_MILLIS[unit] * 1_000_000L;
            if (v > Long.MAX_VALUE / unitNanos) {
                throw new LiteralException("duration out of range");
            }
            totalMillis += v * UNIT_MILLIS[unit];
            if (totalMillis > Long.MAX_VALUE / 1_000_000) {
                throw new LiteralException("duration out of range");
            }
        }
        return Duration.ofMillis(totalMillis);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Prometheus's {@code model.Duration.String()}: {@code 1h30m}, {@code 0s}, {@code 90d}. */
    static String formatDuration(long millis) {
        if (millis == 0) {
            return "0s";
        }
        StringBuilder r = new StringBuilder();
        long ms = millis;
        for (int k = 0; k < UNITS.length; k++) {
            long mult = UNIT_MILLIS[k];
            boolean exact = k <= 1; // years and weeks only if they divide evenly
            if (exact && ms % mult != 0) {
                continue;
            }
            long v = ms / mult;
            if (v > 0) {
                r.append(v).append(UNITS[k]);
                ms -= v * mult;
            }
        }
        return r.toString();
    }

    // ---- strings ------------------------------------------------------------------------

    /**
     * Unquotes a string token with Go's rules: {@code "..."} and {@code '...'} with escapes
     * ({@code \a \b \f \n \r \t \v \\ \" \'}, octal {@code \377}, {@code \xFF},
     * {@code \u00e9}, {@code \U0001F600}); {@code `...`} raw. Escaped bytes that are not
     * valid UTF-8 become lone surrogates U+DC80..U+DCFF (see {@code StringLiteral}).
     */
    static String unquote(String tok) throws LiteralException {
        char q = tok.charAt(0);
        String body = tok.substring(1, tok.length() - 1);
        if (q == '`') {
            return body;
        }
        if (body.indexOf('\\') < 0) {
            return body;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(body.length() + 8);
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c != '\\') {
                int cp = body.codePointAt(i);
                writeUtf8(bytes, cp);
                i += Character.charCount(cp);
                continue;
            }
            int escStart = i + 1;
            if (i + 1 >= body.length()) {
                throw new LiteralException("escape sequence not terminated", escStart);
            }
            char e = body.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'a': bytes.write(7); break;
                case 'b': bytes.write(8); break;
                case 'f': bytes.write(12); break;
                case 'n': bytes.write(10); break;
                case 'r': bytes.write(13); break;
                case 't': bytes.write(9); break;
                case 'v': bytes.write(11); break;
                case '\\': bytes.write('\\'); break;
                case '"':
                case '\'':
                    if (e != q) {
                        throw new LiteralException("unknown escape sequence " + runeDesc(e), escStart);
                    }
                    bytes.write(e);
                    break;
                case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
                    int v = readDigits(body, i - 1, 3, 8, escStart);
                    if (v > 255) {
                        throw new LiteralException("escape sequence is an invalid Unicode code point", escStart);
                    }
                    bytes.write(v);
                    i += 2;
                    break;
                }
                case 'x': {
                    int v = readDigits(body, i, 2, 16, escStart);
                    bytes.write(v);
                    i += 2;
                    break;
                }
                case 'u':
                case 'U': {
                    int n = e == 'u' ? 4 : 8;
                    int v = readDigits(body, i, n, 16, escStart);
                    if (v < 0 || v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
                        throw new LiteralException("escape sequence is an invalid Unicode code point", escStart);
                    }
                    writeUtf8(bytes, v);
                    i += n;
                    break;
                }
                default:
                    throw new LiteralException("unknown escape sequence " + runeDesc(body.codePointAt(i - 1)), escStart);
            }
        }
        return decodeUtf8Lossless(bytes.toByteArray());
    }

    private static int readDigits(String s, int from, int n, int base, int escStart) throws LiteralException {
        long v = 0;
        for (int k = 0; k < n; k++) {
            if (from + k >= s.length()) {
                throw new LiteralException("escape sequence not terminated", escStart);
            }
            char c = s.charAt(from + k);
            int d = Character.digit(c, base);
            if (d < 0 || c > 'f') {
                throw new LiteralException("illegal character " + runeDesc(c) + " in escape sequence", escStart);
            }
            v = v * base + d;
        }
        return v > Integer.MAX_VALUE ? -1 : (int) v;
    }

    /** Go's {@code %#U}: {@code U+0063 'c'}. */
    static String runeDesc(int cp) {
        String hex = Integer.toHexString(cp).toUpperCase(java.util.Locale.ROOT);
        while (hex.length() < 4) {
            hex = "0" + hex;
        }
        String s = "U+" + hex;
        if (cp >= 0x20 && cp != 0x7F && !Character.isISOControl(cp)) {
            s += " '" + new String(Character.toChars(cp)) + "'";
        }
        return s;
    }

    private static void writeUtf8(java.io.ByteArrayOutputStream out, int cp) {
        if (cp >= 0xDC80 && cp <= 0xDCFF) {
            out.write(cp - 0xDC00); // a byte kept from an earlier invalid sequence
            return;
        }
        byte[] b = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    /** UTF-8 decoding that keeps each byte of an invalid sequence as U+DC80+byte. */
    static String decodeUtf8Lossless(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xFF;
            int n;
            int cp;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                cp = c & 0x0F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                cp = c & 0x07;
            } else {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            boolean ok = true;
            {
                for (int k = 1; k <= n; k++) {
                    if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = (cp << 6) | (b[i + k] & 0x3F);
                }
            }
            if (ok) {
                boolean overlong = (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
                boolean bad = overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
                if (!bad) {
                    sb.appendCodePoint(cp);
                    i += n + 1;
                    continue;
                }
            }
            sb.append((char) (0xDC00 + c));
            i++;
        }
        return sb.toString();
    }

    /** Go's {@code strconv.Quote}; lone surrogates U+DC80..U+DCFF are written as {@code \xNN}. */
    static String goQuote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        sb.append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"': sb.append("\\\""); continue;
                case '\\': sb.append("\\\\"); continue;
                case 7: sb.append("\\a"); continue;
                case 8: sb.append("\\b"); continue;
                case 12: sb.append("\\f"); continue;
                case 10: sb.append("\\n"); continue;
                case 13: sb.append("\\r"); continue;
                case 9: sb.append("\\t"); continue;
                case 11: sb.append("\\v"); continue;
                default:
                    break;
            }
            if (cp >= 0xDC80 && cp <= 0xDCFF) {
                sb.append(String.format("\\x%02x", cp - 0xDC00));
            } else if (cp < 0x20 || cp == 0x7F) {
                sb.append(String.format("\\x%02x", cp));
            } else if (isPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp < 0x10000) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        }
        sb.append('"');
        return sb.toString();
    }

    private static boolean isPrintable(int cp) {
        if (cp < 0x80) {
            return cp >= 0x20 && cp < 0x7F;
        }
        int t = Character.getType(cp);
        return t != Character.CONTROL && t != Character.FORMAT && t != Character.SURROGATE
                && t != Character.PRIVATE_USE && t != Character.UNASSIGNED
                && t != Character.LINE_SEPARATOR && t != Character.PARAGRAPH_SEPARATOR
                && !(t == Character.SPACE_SEPARATOR && cp != 0x20);
    }
}
