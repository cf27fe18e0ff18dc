package io.gnomon.tsdb.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;

/**
 * RE2 semantics of regex matchers: a table of (regex, input, expected) as Go's
 * {@code regexp.MustCompile("^(?s:" + re + ")$").MatchString(input)} answers, and a table of
 * expressions RE2 rejects with Go's error code.
 */
class MatcherTest {

    private static boolean re(String re, String input) {
        return Matcher.create(MatchType.RE, "l", re).matches(input);
    }

    /** Table rows are "regex|input|expected"; inputs use backslash-n, -t, -v, -f, -r and -u escapes (four hex digits) decoded by {@link #unescape}. */
    static final String[] SEMANTICS = {
        // literals and anchoring
        "foo|foo|true", "foo|foobar|false", "foo|xfoo|false", "''|''|true", "''|a|false",
        "a.c|abc|true", "a.c|a\\nc|true", "(?-s)a.c|a\\nc|false", "(?-s:.)|\\n|false",
        "a\\.c|a.c|true", "a\\.c|abc|false",
        // alternation and sets
        "a|b|c|b|true", "a|b|c|d|false", "(a|b)|a|true", "foo(bar|baz)|foobaz|true", "foo(bar|baz)|foo|false",
        "a||''|true", "|a|''|true", "()|''|true",
        // globs
        ".*|''|true", ".*|any\\nthing|true", ".+|''|false", ".+|x|true", "foo.*|foo|true", "foo.*|fo|false",
        ".*foo|xxfoo|true", ".*foo|foox|false", ".*foo.*|afoob|true", "foo.+bar|foobar|false", "foo.+bar|fooxbar|true",
        "a.*b.*c|abbc|true", "a.*b.*c|acb|false", "a.*a|a|false", "a.*a|aa|true", "ab.*ba|aba|false",
        ".*-.*-.*|a--b|true",
        // anchors: $ is end of text, not before a final newline
        "a$|a|true", "a$|a\\n|false", "a\\z|a|true", "^a|a|true", "\\Aa|a|true", "a\\n$|a\\n|true",
        "(?m)a$\\n^b|a\\nb|true", "(?m)a$|a|true", "(?m)^$\\n|\\n|true", "(?m)\\n^|\\n|true",
        "a^b|ab|false", "(?m)a^b|ab|false",
        // word boundaries are ASCII
        "a\\b b|a b|true", "a\\bb|ab|false", "a\\Bb|ab|true", "\\u00e9\\b|\\u00e9|false",
        // classes
        "[abc]+|abca|true", "[^abc]|d|true", "[^abc]|\\n|true", "[a-]|-|true", "[-a]|-|true", "[a-c-e]|-|true",
        "[]a]|]|true", "[^]a]|]|false", "[[a]|[|true", "[a&&b]|&|true", "[\\d]|5|true", "[^\\d]|5|false",
        "[\\D]|x|true", "[[:alpha:]]+|abcXYZ|true", "[[:alpha:]]|1|false", "[[:^alpha:]]|1|true", "[[:word:]]+|a_1|true",
        "[[:space:]]|\\v|true", "[[:punct:]]|!|true", "[[:xdigit:]]+|0fA|true", "[[:^digit:]x]|x|true",
        "[^[:^digit:]]|5|true", "[^[:^digit:]]|a|false",
        "\\d+|0123456789|true", "\\d|\\u0663|false", "\\s|\\v|false", "\\s|\\t|true", "\\S|\\v|true", "\\w+|az_09|true",
        "\\w|\\u00e9|false", "\\W|-|true",
        // unicode classes
        "\\pL+|\\u00e9t\\u00e9|true", "\\p{L}|1|false", "\\PL|1|true", "\\p{^L}|1|true", "\\P{^L}|a|true",
        "\\p{Greek}+|\\u03b1\\u03b2|true", "\\p{Greek}|a|false", "\\pN|\\u0663|true", "\\p{Lu}|A|true", "\\p{Lu}|a|false",
        "[\\p{Lu}\\d]+|A1|true", "[^\\p{Lu}]|A|false", "\\p{Any}|\\n|true", "\\p{C}|\\u0378|false", "\\p{Cc}|\\n|true",
        // escapes
        "\\x41|A|true", "\\x{1F600}|\\ud83d\\ude00|true", "\\101|A|true", "\\0|\\u0000|true", "\\12|\\n|true", "\\a|\\u0007|true",
        "\\f\\t\\r\\v|\\f\\t\\r\\v|true", "\\Q.*\\E|.*|true", "\\Q.*\\E|ab|false", "\\Qa.b|a.b|true", "\\_|_|true",
        "a{|a{|true", "a{,2}|a{,2}|true", "a{1|a{1|true", "x{01}|x{01}|true", "{|{|true", "a{2}|aa|true", "a{2,}|aaa|true",
        "a{1,2}|aaa|false", "a{0}|''|true", "(ab){2}|abab|true",
        // groups and flags
        "(?P<name>a+)b|aab|true", "(?<n>a)|a|true", "(?:ab)+|abab|true", "(?i)abc|AbC|true", "(?i)k|\\u212a|true",
        "(?i)s|\\u017f|true", "(?i:a)b|AB|false", "a(?i)b|aB|true", "(a(?i)b|c)|C|true", "(a(?i)b)c|aBC|false",
        "(?i)foo|bar|FOO|true", "(?i)foo|bar|BAR|true", "(?i)foo|bar|baz|false", "(?i)[a-c]|B|true", "(?U)a+|aaa|true",
        "(?s-i:a)|a|true", "(?)a|a|true", "(?i)\\w|\\u212a|true",
        // quantifiers
        "a*?b|aab|true", "a+?|aa|true", "a??|''|true", "(a|b)*|ababba|true", "(a*)*|aaa|true", "^*a|a|true",
        "\\b*a|a|true", "(a|ab)(c|bcd)(d*)|abcd|true",
        // non-ASCII
        "\\u00e9|\\u00e9|true", ".|\\ud83d\\ude00|true", "..|\\ud83d\\ude00|false", "[\\ud83d\\ude00-\\ud83d\\ude4f]|\\ud83d\\ude01|true",
    };

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> semantics() {
        return java.util.Arrays.stream(SEMANTICS).map(row -> org.junit.jupiter.params.provider.Arguments.of((Object[]) split(row, 3)));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @org.junit.jupiter.params.provider.MethodSource("semantics")
    void re2Semantics(String re, String input, String expectedText) {
        boolean expected = Boolean.parseBoolean(expectedText);
        String r = unescape(re, false);
        String in = unescape(input, true);
        Matcher m = Matcher.create(MatchType.RE, "l", r);
        assertEquals(expected, m.matches(in), () -> "re=" + r + " java=" + m.javaRegex() + " strategy=" + m.strategy());
        assertEquals(!expected, Matcher.create(MatchType.NRE, "l", r).matches(in));
        assertEquals(expected, Matcher.nfa(r).test(in), () -> "linear-time engine, re=" + r);
    }

    static final String[] REJECTS = {
        "(foo|missing closing )|(foo", "foo)|unexpected )|foo)", "[abc|missing closing ]|[abc", "[]|missing closing ]|[]",
        "*a|missing argument to repetition operator|*", "a|*|missing argument to repetition operator|*",
        "(*)|missing argument to repetition operator|*", "(?i)*|missing argument to repetition operator|*",
        "a**|invalid nested repetition operator|**", "a++|invalid nested repetition operator|++",
        "a*+|invalid nested repetition operator|*+", "a{2}{3}|invalid nested repetition operator|{2}{3}",
        "a??+|invalid nested repetition operator|??+",
        "a{1001}|invalid repeat count|{1001}", "a{2,1}|invalid repeat count|{2,1}", "(a{500}){3}|invalid repeat count|{3}",
        "\\1|invalid escape sequence|\\1", "(a)\\1|invalid escape sequence|\\1", "\\8|invalid escape sequence|\\8",
        "\\Z|invalid escape sequence|\\Z", "\\G|invalid escape sequence|\\G", "\\C|invalid escape sequence|\\C",
        "\\e|invalid escape sequence|\\e", "\\h|invalid escape sequence|\\h", "\\R|invalid escape sequence|\\R",
        "\\xZZ|invalid escape sequence|\\xZZ", "\\x{110000}|invalid escape sequence|\\x{110000",
        "\\x{}|invalid escape sequence|\\x{}", "[\\1]|invalid escape sequence|\\1",
        "a\\|trailing backslash at end of expression|''",
        "(?=a)|invalid or unsupported Perl syntax|(?=", "(?!a)|invalid or unsupported Perl syntax|(?!",
        "(?>a)|invalid or unsupported Perl syntax|(?>", "(?#c)|invalid or unsupported Perl syntax|(?#",
        "(?x)a|invalid or unsupported Perl syntax|(?x", "(?i-)a|invalid or unsupported Perl syntax|(?i-)",
        "(?--i)a|invalid or unsupported Perl syntax|(?--", "(?|invalid or unsupported Perl syntax|(?",
        "(?<=a)b|invalid named capture|(?<=a)b", "(?<!a)b|invalid named capture|(?<!a)b",
        "(?P<n!>a)|invalid named capture|(?P<n!>", "(?P<>a)|invalid named capture|(?P<>", "(?P<name|invalid named capture|(?P<name",
        "[z-a]|invalid character class range|z-a", "[[:foo:]]|invalid character class range|[:foo:]",
        "\\p{Foo}|invalid character class range|\\p{Foo}", "\\pX|invalid character class range|\\pX",
        "\\p{greek}|invalid character class range|\\p{greek}", "\\p{GREEK}|invalid character class range|\\p{GREEK}",
        "\\p{Grek}|invalid character class range|\\p{Grek}", "(?P=n)|invalid or unsupported Perl syntax|(?P",
    };

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> rejects() {
        return java.util.Arrays.stream(REJECTS).map(row -> org.junit.jupiter.params.provider.Arguments.of((Object[]) split(row, 3)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.MethodSource("rejects")
    void re2Rejects(String re, String code, String expr) {
        InvalidMatcherException e = assertThrows(InvalidMatcherException.class, () -> Matcher.create(MatchType.RE, "l", re));
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(expr, e.expr(), e.getMessage());
        assertEquals("error parsing regexp: " + code + ": `" + expr + "`", e.getMessage());
        assertTrue(e instanceof IllegalArgumentException);
    }

    @Test
    void nestingTooDeep() {
        String deep = "(".repeat(1001) + ")".repeat(1001);
        InvalidMatcherException e = assertThrows(InvalidMatcherException.class, () -> Matcher.create(MatchType.RE, "l", deep));
        assertEquals("expression nests too deeply", e.code());
        assertTrue(Matcher.create(MatchType.RE, "l", "(".repeat(200) + "a" + ")".repeat(200)).matches("a"));
    }

    @Test
    void invalidUtf8() {
        assertThrows(InvalidMatcherException.class, () -> Matcher.create(MatchType.RE, "l", "a\ud800"));
    }

    static final String[] FAST_PATHS = {
        "foo|LITERAL", "''|LITERAL", "a|b|c|SET", "(a|b)|SET", "foo(bar|baz)|SET", "[a]b|LITERAL", "(?i)foo|bar|FOLD_SET",
        ".*|ANY", "(?s:.*)|ANY", ".*?|ANY", ".+|NON_EMPTY", "foo.*|GLOB", ".*foo|GLOB", ".*foo.*|GLOB", "a.+b.*c|GLOB",
        "(?-s).*|REGEX", "a[bc]d+|REGEX", "(?i)fo+|REGEX", ".+.+|REGEX",
    };

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> fast_paths() {
        return java.util.Arrays.stream(FAST_PATHS).map(row -> org.junit.jupiter.params.provider.Arguments.of((Object[]) split(row, 2)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.MethodSource("fast_paths")
    void fastPaths(String re, String strategy) {
        assertEquals(strategy, Matcher.create(MatchType.RE, "l", re).strategy());
    }

    @Test
    void setMatches() {
        assertEquals(List.of("a", "b", "c"), Matcher.create(MatchType.RE, "l", "a|b|c|a").setMatches());
        assertEquals(List.of("foobar", "foobaz"), Matcher.create(MatchType.RE, "l", "foo(bar|baz)").setMatches());
        assertEquals(List.of("x"), Matcher.create(MatchType.NRE, "l", "x").setMatches());
        assertEquals(List.of("a", ""), Matcher.create(MatchType.RE, "l", "a|").setMatches());
        assertNull(Matcher.create(MatchType.RE, "l", "a.*").setMatches());
        assertNull(Matcher.create(MatchType.RE, "l", "(?i)a|b").setMatches());
        assertNull(Matcher.eq("l", "a").setMatches());
        assertNull(Matcher.create(MatchType.RE, "l", "[ab][cd][ef][gh][ij][kl][mn][op][qr]|x").setMatches());
        String big = String.join("|", java.util.stream.IntStream.range(0, 300).mapToObj(i -> "v" + i).toList());
        assertNull(Matcher.create(MatchType.RE, "l", big).setMatches());
        assertTrue(Matcher.create(MatchType.RE, "l", big).matches("v299"));
        assertFalse(Matcher.create(MatchType.RE, "l", big).matches("v300"));
        assertEquals("SET", Matcher.create(MatchType.RE, "l", big).strategy()); // matched by lookup, not by Java
        assertEquals("foo", Matcher.create(MatchType.RE, "l", "foo.*").prefix());
    }

    @Test
    void basics() {
        Matcher m = Matcher.create(MatchType.NEQ, "job", "a\"b");
        assertEquals("job!=\"a\\\"b\"", m.toString());
        assertEquals("\"a.b\"=~\"x\"", Matcher.create(MatchType.RE, "a.b", "x").toString());
        assertTrue(m.matchesEmpty());
        assertFalse(Matcher.eq("a", "x").matchesEmpty());
        assertTrue(Matcher.eq("a", "").matchesEmpty());
        assertTrue(Matcher.create(MatchType.RE, "a", "x|").matchesEmpty());
        assertFalse(Matcher.create(MatchType.NRE, "a", "").matchesEmpty());
        assertEquals(MatchType.EQ, m.inverse().type());
        assertTrue(m.inverse().matches("a\"b"));
        assertEquals(Matcher.eq("a", "b"), Matcher.create(MatchType.EQ, "a", "b"));
        assertTrue(Matcher.create(MatchType.RE, "a", ".*").matchesEverything());
        assertTrue(Matcher.create(MatchType.RE, "a", ".+").matchesNonEmpty());
        assertTrue(Matcher.create(MatchType.RE, "a", "").matchesOnlyEmpty());
    }

    @Test
    void riskyShapesRunInLinearTime() {
        String as = "a".repeat(20_000);
        long t0 = System.nanoTime();
        assertFalse(re("(a|aa)*c", as));
        assertFalse(re("(a*)*c", as));
        assertFalse(re("(?:a+)+c", as));
        assertFalse(re(".*a.*a.*a.*a.*c", as));
        assertTrue(re("(a|aa)*", as));
        assertTrue(re("(ab|cd)+", "abcd".repeat(50_000)));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms");
        assertEquals("NFA", Matcher.create(MatchType.RE, "l", "(a|aa)*c").strategy());
        assertEquals("NFA", Matcher.create(MatchType.RE, "l", "(a*)*c").strategy());
        assertEquals("NFA", Matcher.create(MatchType.RE, "l", ".*a.*[0-9].*b").strategy());
        assertEquals("REGEX", Matcher.create(MatchType.RE, "l", "a[bc]d+").strategy());
    }

    /**
     * Random expressions: {@link Matcher#matches} agrees with the linear-time engine (a direct
     * simulation of the RE2 tree), and whenever the expression is left to java.util.regex, so does
     * the rendered Java pattern.
     */
    @Test
    void enginesAgreeOnRandomExpressions() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("MatcherTest.enginesAgreeOnRandomExpressions seed=" + seed + " (-Dgnomon.test.seed=" + seed + ")");
        java.util.Random rnd = new java.util.Random(seed);
        String alphabet = "ab1 \nA_k\u212a\u00e9\u00c9";
        for (int round = 0; round < 1500; round++) {
            String re = randomRegex(rnd, 3);
            Matcher m;
            try {
                m = Matcher.create(MatchType.RE, "l", re);
            } catch (InvalidMatcherException e) {
                continue; // e.g. a repetition of an empty-width flag group
            }
            java.util.regex.Pattern javaPattern = java.util.regex.Pattern.compile(m.javaRegex());
            java.util.function.Predicate<String> nfa = Matcher.nfa(re);
            for (int k = 0; k < 8; k++) {
                StringBuilder in = new StringBuilder();
                int len = rnd.nextInt(7);
                for (int i = 0; i < len; i++) {
                    in.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
                }
                String v = in.toString();
                boolean expected = nfa.test(v);
                assertEquals(expected, m.matches(v), () -> "seed=" + seed + " re=" + re + " input=" + v + " strategy=" + m.strategy());
                if (m.strategy().equals("REGEX")) {
                    assertEquals(expected, javaPattern.matcher(v).matches(),
                            () -> "java.util.regex disagrees: seed=" + seed + " re=" + re + " java=" + m.javaRegex() + " input=" + v);
                }
            }
        }
    }

    private static String randomRegex(java.util.Random rnd, int depth) {
        String[] atoms = {"a", "b", "1", ".", "[ab]", "[^a]", "\\d", "\\w", "\\s", "^", "$", "\\b", "\\B", "(?i:a)", "(?m:^)", "(?m:$)", "(?-s:.)", "\\n", "[[:upper:]]", "", "(?i:k)", "(?i:[^k])", "\\pL", "[^\\p{Ll}]", "(?i:\\x{e9})", "\\x{e9}", "\\W"};
        String[] reps = {"", "", "*", "+", "?", "{2}", "{0,2}", "*?"};
        if (depth == 0 || rnd.nextInt(3) == 0) {
            return atoms[rnd.nextInt(atoms.length)];
        }
        StringBuilder sb = new StringBuilder();
        int parts = 1 + rnd.nextInt(3);
        for (int i = 0; i < parts; i++) {
            String sub = randomRegex(rnd, depth - 1);
            String rep = reps[rnd.nextInt(reps.length)];
            if (!rep.isEmpty()) {
                sub = "(" + sub + ")";
            }
            sb.append(sub).append(rep);
            if (rnd.nextInt(4) == 0) {
                sb.append('|');
            }
        }
        return sb.toString();
    }

    @Test
    void longInputsDoNotOverflowTheStack() {
        String a = "ab".repeat(50_000);
        assertTrue(re("(a|b)*", a));
        assertTrue(re("[ab]*", a));
        assertTrue(re("(?:a|b)+", a));
    }

    /** Splits a table row on its last {@code n - 1} '|' (regexes contain '|'); {@code ''} is the empty string. */
    static String[] split(String row, int n) {
        String[] out = new String[n];
        int end = row.length();
        for (int i = n - 1; i > 0; i--) {
            int bar = row.lastIndexOf('|', end - 1);
            out[i] = row.substring(bar + 1, end);
            end = bar;
        }
        out[0] = row.substring(0, end);
        for (int i = 0; i < n; i++) {
            if (out[i].equals("''")) {
                out[i] = "";
            }
        }
        return out;
    }

    /** Decodes {@code \\u} escapes with four hex digits, and with {@code controls} also {@code \\n \\t \\v \\f \\r}, in table cells. */
    static String unescape(String s, boolean controls) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                if (n == 'u' && i + 6 <= s.length() && s.substring(i + 2, i + 6).matches("[0-9a-fA-F]{4}")) {
                    sb.append((char) Integer.parseInt(s.substring(i + 2, i + 6), 16));
                    i += 5;
                    continue;
                }
                int ctl = "ntvfr".indexOf(n);
                if (controls && ctl >= 0) {
                    sb.append("\n\t\u000b\f\r".charAt(ctl));
                    i++;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
