package io.gnomon.tsdb.labels;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A parser for RE2 syntax as Go's {@code regexp/syntax} accepts it with the flags Prometheus uses
 * ({@code Perl | DotNL}), producing a small tree that {@link #toJava} renders as an equivalent
 * {@link java.util.regex.Pattern} source and that {@link Matcher} inspects for fast paths.
 *
 * <p>The translation never hands user syntax to Java: every literal is re-escaped, every class is
 * rebuilt, every group becomes non-capturing, so Java-only syntax (backreferences, lookaround,
 * possessive and atomic groups, {@code &&} class intersection, {@code \Z}, {@code \G}, ...) cannot
 * leak through; whatever RE2 rejects is rejected here with Go's error text. Semantic points where
 * the two engines differ are rendered explicitly:
 * <ul>
 *   <li>{@code $} is end of text ({@code \z}), not "before a final newline"; {@code ^} is start of
 *       text. Under {@code (?m)} they match around {@code \n} only, via lookaround.</li>
 *   <li>{@code \s} is {@code [\t\n\f\r ]} (no {@code \v}); {@code \d}, {@code \w}, {@code \b} and
 *       the POSIX classes are ASCII-only.</li>
 *   <li>{@code .} matches any code point under {@code s} (Prometheus's default) and anything but
 *       {@code \n} otherwise.</li>
 *   <li>{@code (?i)} is Java's Unicode case-insensitive mode, which agrees with Go's simple case
 *       folding for letters (including K/KELVIN SIGN and s/LONG S), not for {@code \p{Lu}}-style
 *       properties, which Go also folds and Java does not.</li>
 *   <li>{@code \p{Name}}: Go's general categories and script names; {@code C} excludes unassigned
 *       code points as in Go. Unicode versions of the two runtimes may differ.</li>
 * </ul>
 */
final class Re2Syntax {

    /** Go's {@code maxHeight}: deeper nesting is rejected. */
    private static final int MAX_DEPTH = 1000;
    private static final int MAX_REPEAT = 1000;

    private static final Set<String> CATEGORIES = Set.of("C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu",
            "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps",
            "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs");

    // ---- tree ---------------------------------------------------------------------------------

    enum Op { LITERAL, CLASS, ANY, ANY_NOT_NL, BEGIN_LINE, END_LINE, BEGIN_TEXT, END_TEXT, WORD_BOUNDARY,
        NO_WORD_BOUNDARY, EMPTY, CONCAT, ALTERNATE, REPEAT,
        /** A capturing group; only produced by {@link #parseWithCaptures} ({@code min} is its index). */
        CAPTURE }

    static final class Node {
        final Op op;
        /** LITERAL: the text; CLASS: the Java class body (without the brackets). */
        String text;
        boolean fold;
        boolean negated;
        /** CLASS: a single code point, or -1. */
        int single = -1;
        List<Node> subs;
        int min;
        int max;
        boolean greedy = true;

        Node(Op op) {
            this.op = op;
        }

        Node sub() {
            return subs.get(0);
        }
    }

    // ---- parser state -------------------------------------------------------------------------

    private final String src;
    private int pos;
    private boolean fold;
    private boolean multiLine;
    private boolean dotNL = true;
    private boolean ungreedy;
    private int depth;
    /** Whether capturing groups become {@link Op#CAPTURE} nodes (relabeling) or vanish (matching). */
    private boolean keepCaptures;
    /** Capture names by index (index 0 unused; unnamed groups have a null name). */
    private final List<String> captureNames = new ArrayList<>();

    private Re2Syntax(String src) {
        this.src = src;
        captureNames.add(null);
    }

    /**
     * Parses {@code re} like {@link #parse} but keeps capturing groups as {@link Op#CAPTURE} nodes,
     * numbered by their opening parenthesis as in Go. {@code names} receives each group's name
     * ({@code null} when unnamed) at its index; index 0 is the whole match. The tree is only for
     * {@link #toJava} (which renders each capture as a Java capturing group and nothing else as
     * one, so group numbers agree), never for the matcher fast paths or the NFA.
     */
    static Node parseWithCaptures(String re, List<String> names) {
        if (!Labels.isValidUtf8(re)) {
            throw InvalidMatcherException.of(InvalidMatcherException.INVALID_UTF8, re);
        }
        Re2Syntax p = new Re2Syntax(re);
        p.keepCaptures = true;
        Node n = p.parseAlternate();
        if (p.pos < re.length()) {
            throw InvalidMatcherException.of(InvalidMatcherException.UNEXPECTED_PAREN, re);
        }
        names.addAll(p.captureNames);
        return n;
    }

    /** Parses {@code re} as Prometheus does ({@code syntax.Perl | syntax.DotNL}). */
    static Node parse(String re) {
        if (!Labels.isValidUtf8(re)) {
            throw InvalidMatcherException.of(InvalidMatcherException.INVALID_UTF8, re);
        }
        Re2Syntax p = new Re2Syntax(re);
        Node n = p.parseAlternate();
        if (p.pos < re.length()) {
            // Only an unmatched ')' stops the top-level alternation early.
            throw InvalidMatcherException.of(InvalidMatcherException.UNEXPECTED_PAREN, re);
        }
        return n;
    }

    private boolean more() {
        return pos < src.length();
    }

    private int peek() {
        return src.codePointAt(pos);
    }

    private boolean lookingAt(String s) {
        return src.startsWith(s, pos);
    }

    private Node parseAlternate() {
        if (++depth > MAX_DEPTH) {
            throw InvalidMatcherException.of(InvalidMatcherException.NESTING_DEPTH, src);
        }
        // Flags set inside a group last until the group closes, across '|' (as in Go).
        List<Node> branches = new ArrayList<>(2);
        branches.add(parseConcat());
        while (more() && src.charAt(pos) == '|') {
            pos++;
            branches.add(parseConcat());
        }
        depth--;
        if (branches.size() == 1) {
            return branches.get(0);
        }
        Node alt = new Node(Op.ALTERNATE);
        alt.subs = branches;
        return alt;
    }

    private Node parseConcat() {
        List<Node> items = new ArrayList<>();
        Node last = null; // the operand a following repetition applies to; null after '(' '|' or a flag group
        int lastRepeatStart = -1;
        while (more()) {
            char c = src.charAt(pos);
            if (c == '|' || c == ')') {
                break;
            }
            int opStart = pos;
            if (c == '*' || c == '+' || c == '?' || (c == '{' && repeatAhead())) {
                int min;
                int max;
                if (c == '{') {
                    int[] mm = parseRepeatBraces();
                    min = mm[0];
                    max = mm[1];
                } else {
                    pos++;
                    min = c == '+' ? 1 : 0;
                    max = c == '?' ? 1 : -1;
                }
                boolean lazy = false;
                if (more() && src.charAt(pos) == '?') {
                    pos++;
                    lazy = true;
                }
                if (lastRepeatStart >= 0) {
                    throw InvalidMatcherException.of(InvalidMatcherException.INVALID_REPEAT_OP, src.substring(lastRepeatStart, pos));
                }
                if (last == null) {
                    throw InvalidMatcherException.of(InvalidMatcherException.MISSING_REPEAT_ARGUMENT, src.substring(opStart, pos));
                }
                Node r = new Node(Op.REPEAT);
                r.subs = List.of(last);
                r.min = min;
                r.max = max;
                r.greedy = lazy == ungreedy;
                if ((min >= 2 || max >= 2) && !repeatIsValid(r, MAX_REPEAT)) {
                    throw InvalidMatcherException.of(InvalidMatcherException.INVALID_REPEAT_SIZE, src.substring(opStart, pos));
                }
                items.set(items.size() - 1, r);
                last = r;
                lastRepeatStart = opStart;
                continue;
            }
            lastRepeatStart = -1;
            Node atom = parseAtom();
            if (atom == null) {
                last = null; // a flag group: nothing to repeat
                continue;
            }
            if (atom.op == Op.CONCAT && atom.text != null) {
                // \Q...\E: several literals; a repetition applies to the last one.
                if (atom.subs.isEmpty()) {
                    continue; // \Q\E adds nothing; a following repetition applies to what came before
                }
                items.addAll(atom.subs);
                last = atom.subs.get(atom.subs.size() - 1);
                continue;
            }
            items.add(atom);
            last = atom;
        }
        return concat(items);
    }

    private static Node concat(List<Node> items) {
        // Merge adjacent single-code-point literals with the same case mode into strings.
        List<Node> out = new ArrayList<>(items.size());
        for (Node n : items) {
            if (n.op == Op.LITERAL && !out.isEmpty()) {
                Node prev = out.get(out.size() - 1);
                if (prev.op == Op.LITERAL && prev.fold == n.fold) {
                    Node merged = literal(prev.text + n.text, n.fold);
                    out.set(out.size() - 1, merged);
                    continue;
                }
            }
            out.add(n);
        }
        if (out.isEmpty()) {
            return new Node(Op.EMPTY);
        }
        if (out.size() == 1) {
            return out.get(0);
        }
        Node c = new Node(Op.CONCAT);
        c.subs = out;
        return c;
    }

    private static Node literal(String s, boolean fold) {
        Node n = new Node(Op.LITERAL);
        n.text = s;
        n.fold = fold;
        return n;
    }

    private static boolean repeatIsValid(Node re, int n) {
        if (re.op == Op.REPEAT) {
            int m = re.max;
            if (m == 0) {
                return true;
            }
            if (m < 0) {
                m = re.min;
            }
            if (m > n) {
                return false;
            }
            if (m > 0) {
                n /= m;
            }
        }
        if (re.subs != null) {
            for (Node s : re.subs) {
                if (!repeatIsValid(s, n)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** True when the text at pos is {@code {n}}, {@code {n,}} or {@code {n,m}}; otherwise '{' is a literal. */
    private boolean repeatAhead() {
        int save = pos;
        try {
            parseRepeatBraces();
            return true;
        } catch (NotARepeat e) {
            return false;
        } catch (InvalidMatcherException e) {
            return true; // well-formed but out of range: report it when parsing for real
        } finally {
            pos = save;
        }
    }

    private static final class NotARepeat extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotARepeat() {
            super(null, null, false, false);
        }
    }

    private int[] parseRepeatBraces() {
        int start = pos;
        pos++; // '{'
        int min = parseInt();
        int max;
        if (more() && src.charAt(pos) == ',') {
            pos++;
            if (more() && src.charAt(pos) == '}') {
                max = -1;
            } else {
                max = parseInt();
            }
        } else {
            max = min;
        }
        if (!more() || src.charAt(pos) != '}') {
            throw new NotARepeat();
        }
        pos++;
        if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) {
            throw InvalidMatcherException.of(InvalidMatcherException.INVALID_REPEAT_SIZE, src.substring(start, pos));
        }
        return new int[] {min, max};
    }

    /** Decimal without leading zeros (Go rejects "01" as a count); too many digits gives -2 (too big). */
    private int parseInt() {
        int start = pos;
        while (more() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
            pos++;
        }
        int len = pos - start;
        if (len == 0 || (len >= 2 && src.charAt(start) == '0')) {
            throw new NotARepeat();
        }
        if (len > 8) {
            return Integer.MAX_VALUE;
        }
        return Integer.parseInt(src, start, pos, 10);
    }

    /** One atom; null for a flag-only group like {@code (?i)}. */
    private Node parseAtom() {
        int c = peek();
        switch (c) {
            case '(':
                return parseGroup();
            case '[':
                return parseClass();
            case '.':
                pos++;
                return new Node(dotNL ? Op.ANY : Op.ANY_NOT_NL);
            case '^':
                pos++;
                return new Node(multiLine ? Op.BEGIN_LINE : Op.BEGIN_TEXT);
            case '$':
                pos++;
                return new Node(multiLine ? Op.END_LINE : Op.END_TEXT);
            case '\\':
                return parseBackslash();
            default:
                pos += Character.charCount(c);
                return literal(new String(Character.toChars(c)), fold && hasCase(c));
        }
    }

    private static boolean hasCase(int c) {
        return Character.toUpperCase(c) != c || Character.toLowerCase(c) != c || Character.toTitleCase(c) != c
                || c == 0x130 || c == 0x131;
    }

    private Node parseGroup() {
        int start = pos;
        boolean savedFold = fold;
        boolean savedMulti = multiLine;
        boolean savedDot = dotNL;
        boolean savedUngreedy = ungreedy;
        String captureName = null;
        if (lookingAt("(?")) {
            if (lookingAt("(?P<") || lookingAt("(?<")) {
                int begin = lookingAt("(?P<") ? pos + 4 : pos + 3;
                int end = src.indexOf('>', begin);
                if (end < 0) {
                    throw InvalidMatcherException.of(InvalidMatcherException.INVALID_NAMED_CAPTURE, src.substring(start));
                }
                String name = src.substring(begin, end);
                if (!isValidCaptureName(name)) {
                    throw InvalidMatcherException.of(InvalidMatcherException.INVALID_NAMED_CAPTURE, src.substring(start, end + 1));
                }
                captureName = name;
                pos = end + 1;
            } else {
                // (?flags) or (?flags:re)
                int p = pos + 2;
                boolean neg = false;
                boolean sawFlag = false;
                boolean f = fold;
                boolean m = multiLine;
                boolean s = dotNL;
                boolean u = ungreedy;
                while (true) {
                    if (p >= src.length()) {
                        throw InvalidMatcherException.of(InvalidMatcherException.INVALID_PERL_OP, src.substring(start));
                    }
                    int ch = src.codePointAt(p);
                    p += Character.charCount(ch);
                    switch (ch) {
                        case 'i' -> {
                            f = !neg;
                            sawFlag = true;
                        }
                        case 'm' -> {
                            m = !neg;
                            sawFlag = true;
                        }
                        case 's' -> {
                            s = !neg;
                            sawFlag = true;
                        }
                        case 'U' -> {
                            u = !neg;
                            sawFlag = true;
                        }
                        case '-' -> {
                            if (neg) {
                                throw InvalidMatcherException.of(InvalidMatcherException.INVALID_PERL_OP, src.substring(start, p));
                            }
                            neg = true;
                            sawFlag = false;
                        }
                        case ':', ')' -> {
                            if (neg && !sawFlag) {
                                throw InvalidMatcherException.of(InvalidMatcherException.INVALID_PERL_OP, src.substring(start, p));
                            }
                            fold = f;
                            multiLine = m;
                            dotNL = s;
                            ungreedy = u;
                            pos = p;
                            if (ch == ')') {
                                return null; // flags now apply to the rest of the enclosing group
                            }
                            Node inner = parseAlternate();
                            closeParen();
                            fold = savedFold;
                            multiLine = savedMulti;
                            dotNL = savedDot;
                            ungreedy = savedUngreedy;
                            return inner;
                        }
                        default -> throw InvalidMatcherException.of(InvalidMatcherException.INVALID_PERL_OP, src.substring(start, p));
                    }
                }
            }
        } else {
            pos++;
        }
        int index = captureNames.size();
        captureNames.add(captureName);
        Node inner = parseAlternate();
        closeParen();
        fold = savedFold;
        multiLine = savedMulti;
        dotNL = savedDot;
        ungreedy = savedUngreedy;
        if (keepCaptures) {
            Node c = new Node(Op.CAPTURE);
            c.subs = List.of(inner);
            c.min = index;
            c.text = captureName;
            return c;
        }
        return inner;
    }

    private void closeParen() {
        if (!more() || src.charAt(pos) != ')') {
            throw InvalidMatcherException.of(InvalidMatcherException.MISSING_PAREN, src);
        }
        pos++;
    }

    private static boolean isValidCaptureName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '_' && !isAsciiAlnum(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiAlnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private Node parseBackslash() {
        int start = pos;
        if (pos + 1 >= src.length()) {
            throw InvalidMatcherException.of(InvalidMatcherException.TRAILING_BACKSLASH, "");
        }
        char c = src.charAt(pos + 1);
        switch (c) {
            case 'A' -> {
                pos += 2;
                return new Node(Op.BEGIN_TEXT);
            }
            case 'z' -> {
                pos += 2;
                return new Node(Op.END_TEXT);
            }
            case 'b' -> {
                pos += 2;
                return new Node(Op.WORD_BOUNDARY);
            }
            case 'B' -> {
                pos += 2;
                return new Node(Op.NO_WORD_BOUNDARY);
            }
            case 'C' -> throw InvalidMatcherException.of(InvalidMatcherException.INVALID_ESCAPE, "\\C");
            case 'Q' -> {
                int end = src.indexOf("\\E", pos + 2);
                String lit = end < 0 ? src.substring(pos + 2) : src.substring(pos + 2, end);
                pos = end < 0 ? src.length() : end + 2;
                List<Node> lits = new ArrayList<>();
                lit.codePoints().forEach(cp -> lits.add(literal(new String(Character.toChars(cp)), fold && hasCase(cp))));
                Node group = new Node(Op.CONCAT);
                group.text = "\\Q";
                group.subs = lits;
                return group;
            }
            case 'p', 'P' -> {
                StringBuilder body = new StringBuilder();
                boolean neg = unicodeClass(body);
                return classNode(body.toString(), neg, fold);
            }
            case 'd', 'D', 's', 'S', 'w', 'W' -> {
                pos += 2;
                return classNode(perlClass(Character.toLowerCase(c)), Character.isUpperCase(c), fold);
            }
            default -> {
                int cp = parseEscape();
                assert pos > start;
                return literal(new String(Character.toChars(cp)), fold && hasCase(cp));
            }
        }
    }

    private static Node classNode(String body, boolean negated, boolean fold) {
        Node n = new Node(Op.CLASS);
        n.text = body;
        n.negated = negated;
        n.fold = fold;
        return n;
    }

    private static String perlClass(char lower) {
        return switch (lower) {
            case 'd' -> "0-9";
            case 's' -> "\\x{9}\\x{a}\\x{c}\\x{d}\\x{20}";
            default -> "0-9A-Za-z_";
        };
    }

    private static String posixClass(String name) {
        return switch (name) {
            case "alnum" -> "0-9A-Za-z";
            case "alpha" -> "A-Za-z";
            case "ascii" -> "\\x{0}-\\x{7f}";
            case "blank" -> "\\x{9}\\x{20}";
            case "cntrl" -> "\\x{0}-\\x{1f}\\x{7f}";
            case "digit" -> "0-9";
            case "graph" -> "\\x{21}-\\x{7e}";
            case "lower" -> "a-z";
            case "print" -> "\\x{20}-\\x{7e}";
            case "punct" -> "\\x{21}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{60}\\x{7b}-\\x{7e}";
            case "space" -> "\\x{9}-\\x{d}\\x{20}";
            case "upper" -> "A-Z";
            case "word" -> "0-9A-Za-z_";
            case "xdigit" -> "0-9A-Fa-f";
            default -> null;
        };
    }

    /**
     * Parses {@code \pN}, {@code \p{Name}}, {@code \p{^Name}}, {@code \PN}, {@code \P{Name}} at pos;
     * appends a Java class body for the positive class and returns whether it is negated.
     */
    private boolean unicodeClass(StringBuilder body) {
        int start = pos;
        boolean neg = src.charAt(pos + 1) == 'P';
        pos += 2;
        if (!more()) {
            throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, src.substring(start));
        }
        String name;
        if (src.charAt(pos) == '{') {
            int end = src.indexOf('}', pos);
            if (end < 0) {
                throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, src.substring(start));
            }
            name = src.substring(pos + 1, end);
            pos = end + 1;
        } else {
            int cp = peek();
            name = new String(Character.toChars(cp));
            pos += Character.charCount(cp);
        }
        if (name.startsWith("^")) {
            neg = !neg;
            name = name.substring(1);
        }
        String expr = src.substring(start, pos);
        if (name.equals("Any")) {
            body.append("\\x{0}-\\x{10ffff}");
        } else if (name.equals("C")) {
            body.append("\\p{Cc}\\p{Cf}\\p{Co}\\p{Cs}");
        } else if (CATEGORIES.contains(name)) {
            body.append("\\p{").append(name).append('}');
        } else if (!name.isEmpty() && Character.isUpperCase(name.charAt(0)) && !name.equals(name.toUpperCase(Locale.ROOT))) {
            // Go's script names are case-sensitive and title-cased ("Latin", "Old_Italic");
            // Java's lookup ignores case and accepts ISO 15924 aliases, so screen out "LATIN", "Latn".
            try {
                Character.UnicodeScript script = Character.UnicodeScript.forName(name);
                if (!script.name().equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("an alias, not a name: " + name);
                }
                body.append("\\p{sc=").append(script.name().toLowerCase(Locale.ROOT)).append('}');
            } catch (IllegalArgumentException e) {
                throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, expr);
            }
        } else {
            throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, expr);
        }
        return neg;
    }

    /** An escape that denotes one code point ({@code \n}, {@code \x41}, {@code \101}, {@code \.}); pos moves past it. */
    private int parseEscape() {
        int start = pos;
        pos++; // backslash
        if (!more()) {
            throw InvalidMatcherException.of(InvalidMatcherException.TRAILING_BACKSLASH, "");
        }
        int c = peek();
        pos += Character.charCount(c);
        if (c < 0x80 && !isAsciiAlnum(c)) {
            return c; // escaped punctuation (and '_') is itself
        }
        switch (c) {
            case '1', '2', '3', '4', '5', '6', '7':
                if (!more() || src.charAt(pos) < '0' || src.charAt(pos) > '7') {
                    break; // a backreference: not supported
                }
                // fall through
            case '0': {
                int r = c - '0';
                for (int i = 1; i < 3 && more() && src.charAt(pos) >= '0' && src.charAt(pos) <= '7'; i++) {
                    r = r * 8 + src.charAt(pos++) - '0';
                }
                return r;
            }
            case 'x': {
                if (!more()) {
                    break;
                }
                if (src.charAt(pos) == '{') {
                    int p = pos + 1;
                    int r = 0;
                    int digits = 0;
                    while (p < src.length() && src.charAt(p) != '}') {
                        int v = Character.digit(src.charAt(p), 16);
                        if (v < 0 || src.charAt(p) > 'f') {
                            digits = -1;
                            break;
                        }
                        r = r * 16 + v;
                        if (r > Character.MAX_CODE_POINT) {
                            digits = -1;
                            break;
                        }
                        digits++;
                        p++;
                    }
                    if (digits <= 0 || p >= src.length()) {
                        pos = Math.min(p + 1, src.length());
                        break;
                    }
                    pos = p + 1;
                    return r;
                }
                int x = pos < src.length() ? hex(src.charAt(pos)) : -1;
                int y = pos + 1 < src.length() ? hex(src.charAt(pos + 1)) : -1;
                pos = Math.min(pos + 2, src.length());
                if (x < 0 || y < 0) {
                    break;
                }
                return x * 16 + y;
            }
            case 'a':
                return 7;
            case 'f':
                return '\f';
            case 'n':
                return '\n';
            case 'r':
                return '\r';
            case 't':
                return '\t';
            case 'v':
                return 0x0b;
            default:
                break;
        }
        throw InvalidMatcherException.of(InvalidMatcherException.INVALID_ESCAPE, src.substring(start, pos));
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private Node parseClass() {
        int start = pos;
        pos++; // '['
        boolean negated = false;
        if (more() && src.charAt(pos) == '^') {
            negated = true;
            pos++;
        }
        StringBuilder body = new StringBuilder();
        boolean first = true;
        int singles = 0;
        int single = -1;
        while (true) {
            if (!more()) {
                throw InvalidMatcherException.of(InvalidMatcherException.MISSING_BRACKET, src.substring(start));
            }
            char c = src.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && lookingAt("[:")) {
                int end = src.indexOf(":]", pos + 2);
                if (end >= 0) {
                    String name = src.substring(pos + 2, end);
                    boolean neg = name.startsWith("^");
                    String cls = posixClass(neg ? name.substring(1) : name);
                    if (cls == null) {
                        throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, src.substring(pos, end + 2));
                    }
                    body.append(neg ? "[^" + cls + "]" : cls);
                    pos = end + 2;
                    singles = 2;
                    continue;
                }
            }
            if (c == '\\' && pos + 1 < src.length()) {
                char e = src.charAt(pos + 1);
                if (e == 'p' || e == 'P') {
                    StringBuilder u = new StringBuilder();
                    boolean neg = unicodeClass(u);
                    body.append(neg ? "[^" + u + "]" : u);
                    singles = 2;
                    continue;
                }
                if ("dDsSwW".indexOf(e) >= 0) {
                    String cls = perlClass(Character.toLowerCase(e));
                    body.append(Character.isUpperCase(e) ? "[^" + cls + "]" : cls);
                    pos += 2;
                    singles = 2;
                    continue;
                }
            }
            int rangeStart = pos;
            int lo = classChar();
            int hi = lo;
            if (more() && src.charAt(pos) == '-' && pos + 1 < src.length() && src.charAt(pos + 1) != ']') {
                pos++;
                hi = classChar();
                if (hi < lo) {
                    throw InvalidMatcherException.of(InvalidMatcherException.INVALID_CHAR_RANGE, src.substring(rangeStart, pos));
                }
            }
            appendChar(body, lo);
            if (hi != lo) {
                body.append('-');
                appendChar(body, hi);
                singles = 2;
            } else {
                singles++;
                single = lo;
            }
        }
        Node n = classNode(body.toString(), negated, fold);
        if (singles == 1 && !negated) {
            n.single = single;
        }
        return n;
    }

    private int classChar() {
        if (src.charAt(pos) == '\\') {
            return parseEscape();
        }
        int cp = peek();
        pos += Character.charCount(cp);
        return cp;
    }

    static void appendChar(StringBuilder sb, int cp) {
        if (isAsciiAlnum(cp)) {
            sb.append((char) cp);
        } else {
            sb.append("\\x{").append(Integer.toHexString(cp)).append('}');
        }
    }

    // ---- rendering ----------------------------------------------------------------------------

    private static final String WORD = "[0-9A-Za-z_]";

    /** Renders the tree as a {@link java.util.regex.Pattern} source to be used with {@code matches()}. */
    static String toJava(Node n) {
        StringBuilder sb = new StringBuilder();
        render(n, sb);
        return sb.toString();
    }

    private static void render(Node n, StringBuilder sb) {
        switch (n.op) {
            case LITERAL -> {
                if (n.fold) {
                    sb.append("(?iu:");
                }
                n.text.codePoints().forEach(cp -> appendChar(sb, cp));
                if (n.fold) {
                    sb.append(')');
                }
            }
            case CLASS -> {
                if (n.fold) {
                    sb.append("(?iu:");
                }
                sb.append(n.negated ? "[^" : "[").append(n.text).append(']');
                if (n.fold) {
                    sb.append(')');
                }
            }
            case ANY -> sb.append("(?s:.)");
            case ANY_NOT_NL -> sb.append("[^\\n]");
            case BEGIN_TEXT -> sb.append("\\A");
            case END_TEXT -> sb.append("\\z");
            case BEGIN_LINE -> sb.append("(?<![^\\n])");
            case END_LINE -> sb.append("(?![^\\n])");
            case WORD_BOUNDARY -> sb.append("(?:(?<=" + WORD + ")(?!" + WORD + ")|(?<!" + WORD + ")(?=" + WORD + "))");
            case NO_WORD_BOUNDARY -> sb.append("(?:(?<=" + WORD + ")(?=" + WORD + ")|(?<!" + WORD + ")(?!" + WORD + "))");
            case EMPTY -> sb.append("(?:)");
            case CONCAT -> {
                for (Node s : n.subs) {
                    render(s, sb);
                }
            }
            case ALTERNATE -> renderAlternate(n, sb);
            case CAPTURE -> {
                sb.append('(');
                render(n.sub(), sb);
                sb.append(')');
            }
            case REPEAT -> {
                Node s = n.sub();
                boolean atom = s.op == Op.CLASS || s.op == Op.ANY || s.op == Op.ANY_NOT_NL
                        || (s.op == Op.LITERAL && s.text.codePointCount(0, s.text.length()) == 1);
                if (!atom) {
                    sb.append("(?:");
                }
                render(s, sb);
                if (!atom) {
                    sb.append(')');
                }
                if (n.min == 0 && n.max == -1) {
                    sb.append('*');
                } else if (n.min == 1 && n.max == -1) {
                    sb.append('+');
                } else if (n.min == 0 && n.max == 1) {
                    sb.append('?');
                } else if (n.max == -1) {
                    sb.append('{').append(n.min).append(",}");
                } else if (n.min == n.max) {
                    sb.append('{').append(n.min).append('}');
                } else {
                    sb.append('{').append(n.min).append(',').append(n.max).append('}');
                }
                if (!n.greedy) {
                    sb.append('?');
                }
            }
            default -> throw new IllegalStateException("unexpected node " + n.op);
        }
    }

    /**
     * Alternation. Branches that are single code points (case-sensitive) become one character
     * class: {@code (a|b|c)*} in Java recurses once per repetition and overflows the stack on long
     * inputs, {@code [abc]*} loops.
     */
    private static void renderAlternate(Node n, StringBuilder sb) {
        StringBuilder cls = new StringBuilder();
        List<Node> rest = new ArrayList<>();
        for (Node b : n.subs) {
            int cp = singleCodePoint(b);
            if (cp >= 0) {
                appendChar(cls, cp);
            } else {
                rest.add(b);
            }
        }
        sb.append("(?:");
        boolean firstBranch = true;
        if (cls.length() > 0) {
            sb.append('[').append(cls).append(']');
            firstBranch = false;
        }
        for (Node b : rest) {
            if (!firstBranch) {
                sb.append('|');
            }
            firstBranch = false;
            render(b, sb);
        }
        sb.append(')');
    }

    private static int singleCodePoint(Node b) {
        if (b.op == Op.LITERAL && !b.fold && b.text.codePointCount(0, b.text.length()) == 1) {
            return b.text.codePointAt(0);
        }
        if (b.op == Op.CLASS && !b.fold && b.single >= 0) {
            return b.single;
        }
        return -1;
    }
}
