package io.gnomon.tsdb.block;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small JSON subset {@code meta.json} needs: objects, arrays, strings, integers, booleans and
 * null, parsed into {@link Map}/{@link List}/{@link String}/{@link Long}/{@link Double}/
 * {@link Boolean}. tsdb-core has no JSON dependency, and meta.json is a few hundred bytes.
 * Errors are {@link IllegalArgumentException}s naming the offset.
 */
final class MiniJson {

    private final String s;
    private int p;

    private MiniJson(String s) {
        this.s = s;
    }

    static Object parse(String text) {
        MiniJson j = new MiniJson(text);
        Object v = j.value(0);
        j.ws();
        if (j.p != text.length()) {
            throw j.error("trailing characters");
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > 32) {
            throw error("nesting too deep");
        }
        ws();
        if (p >= s.length()) {
            throw error("unexpected end");
        }
        char c = s.charAt(p);
        switch (c) {
            case '{': {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (peek() == '}') {
                    p++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value(depth + 1));
                    ws();
                    char d = next();
                    if (d == '}') {
                        return m;
                    }
                    if (d != ',') {
                        throw error("expected , or }");
                    }
                }
            }
            case '[': {
                p++;
                List<Object> l = new ArrayList<>();
                ws();
                if (peek() == ']') {
                    p++;
                    return l;
                }
                while (true) {
                    l.add(value(depth + 1));
                    ws();
                    char d = next();
                    if (d == ']') {
                        return l;
                    }
                    if (d != ',') {
                        throw error("expected , or ]");
                    }
                }
            }
            case '"':
                return string();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                return number();
        }
    }

    private Object number() {
        int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0) {
            p++;
        }
        String t = s.substring(start, p);
        if (t.isEmpty()) {
            throw error("unexpected character");
        }
        try {
            if (t.indexOf('.') < 0 && t.indexOf('e') < 0 && t.indexOf('E') < 0) {
                return Long.parseLong(t);
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("bad number");
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'u' -> {
                    if (p + 4 > s.length()) {
                        throw error("bad escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("bad escape");
                    }
                    p += 4;
                }
                default -> sb.append(e);
            }
        }
    }

    private void literal(String lit) {
        if (!s.startsWith(lit, p)) {
            throw error("unexpected literal");
        }
        p += lit.length();
    }

    private void expect(char c) {
        if (next() != c) {
            throw error("expected " + c);
        }
    }

    private char peek() {
        return p < s.length() ? s.charAt(p) : 0;
    }

    private char next() {
        if (p >= s.length()) {
            throw error("unexpected end");
        }
        return s.charAt(p++);
    }

    private void ws() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("invalid JSON: " + what + " [offset=" + p + "]");
    }
}
