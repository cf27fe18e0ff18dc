package io.gnomon.tsdb.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A label matcher: {@code name op "value"}. A missing label matches as the empty string.
 * Immutable and thread-safe.
 *
 * <h2>Regular expressions</h2>
 * {@code =~} and {@code !~} take RE2 syntax (Go's {@code regexp}), fully anchored as Prometheus
 * does ({@code ^(?s:re)$}: {@code .} also matches a newline). The expression is parsed by
 * {@link Re2Syntax}, which rejects what RE2 rejects (backreferences, lookaround, possessive
 * quantifiers, atomic groups, {@code \Z}, ...) with Go's error text in an
 * {@link InvalidMatcherException}, and renders an equivalent {@code java.util.regex} pattern.
 *
 * <p>Fast paths, chosen once at construction, avoid the regex engine for the common shapes:
 * a plain literal (string equality), an alternation of literals {@code a|b|c} (hash-set lookup;
 * also exposed through {@link #setMatches()} for postings lookups), case-insensitive literal sets
 * {@code (?i)a|b}, and "globs" of literals joined by {@code .*} or {@code .+}: {@code .*},
 * {@code .+}, {@code foo.*}, {@code .*foo}, {@code .*foo.*}, {@code foo.+bar} (prefix, suffix and
 * {@code indexOf} checks).
 *
 * <p><b>Backtracking.</b> Expressions of other shapes run on {@code java.util.regex}, a
 * backtracking engine, unless their shape puts it at risk: a repeated group containing an
 * alternation or another repetition ({@code (a|aa)*c}, {@code (a*)*c}, {@code (ab|cd)+}) or three
 * or more unbounded repetitions ({@code .*a.*b.*c}). Those run on {@link Re2Nfa}, a Thompson NFA
 * simulation that is linear in the input like Go's engine (and never recurses per character, so
 * long inputs cannot overflow the stack). Residual risk: shapes outside that rule can still
 * backtrack polynomially in Java (e.g. two unbounded repetitions over overlapping classes,
 * {@code [a-z]*[a-y]*z}, is quadratic on a long near-miss), and an NFA program is only built up to
 * {@link Re2Nfa#MAX_INSTRUCTIONS} instructions (larger risky expressions fall back to Java).
 * Single-character alternations are rendered as classes, and a literal prefix of the expression is
 * checked before either engine runs.
 */
public final class Matcher {
    /** Prometheus's limit on the number of values {@link #setMatches()} returns. */
    static final int MAX_SET_MATCHES = 256;
    /** Larger literal alternations (dashboards generate them) still match by hash lookup. */
    static final int MAX_LOOKUP_SET = 10_000;

    private final MatchType type;
    private final String name;
    private final String value;
    private final Re re;
    private final boolean matchesEmpty;

    private Matcher(MatchType type, String name, String value, Re re) {
        this.type = type;
        this.name = name;
        this.value = value;
        this.re = re;
        this.matchesEmpty = matches("");
    }

    /**
     * Creates a matcher.
     *
     * @throws InvalidMatcherException when the type is a regex one and {@code value} is not valid RE2
     */
    public static Matcher create(MatchType type, String name, String value) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Re re = type == MatchType.RE || type == MatchType.NRE ? Re.compile(value) : null;
        return new Matcher(type, name, value, re);
    }

    public static Matcher eq(String name, String value) {
        return create(MatchType.EQ, name, value);
    }

    public static Matcher neq(String name, String value) {
        return create(MatchType.NEQ, name, value);
    }

    public static Matcher re(String name, String value) {
        return create(MatchType.RE, name, value);
    }

    public static Matcher nre(String name, String value) {
        return create(MatchType.NRE, name, value);
    }

    public MatchType type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a label with value {@code v} (use {@code ""} for an absent label) is accepted. */
    public boolean matches(String v) {
        return switch (type) {
            case EQ -> value.equals(v);
            case NEQ -> !value.equals(v);
            case RE -> re.matches(v);
            case NRE -> !re.matches(v);
        };
    }

    /** Whether the matcher accepts series that do not have the label. */
    public boolean matchesEmpty() {
        return matchesEmpty;
    }

    /**
     * The matcher with the opposite type ({@code =} and {@code !=}, {@code =~} and {@code !~}) and
     * the same name and value; shares the compiled expression.
     */
    public Matcher inverse() {
        MatchType t = switch (type) {
            case EQ -> MatchType.NEQ;
            case NEQ -> MatchType.EQ;
            case RE -> MatchType.NRE;
            case NRE -> MatchType.RE;
        };
        return new Matcher(t, name, value, re);
    }

    /**
     * For a regex matcher whose expression is a case-sensitive alternation of literals (such as
     * {@code a|b|c}, {@code (a|b)}, {@code foo(bar|baz)}, or a single literal) with at most 256
     * alternatives: the strings it accepts, in expression order, without duplicates (may include
     * {@code ""}). {@code null} otherwise and for {@code =}/{@code !=} matchers. For {@code !~}
     * these are the values it rejects.
     */
    public List<String> setMatches() {
        return re == null ? null : re.set;
    }

    /** The literal prefix every accepted value starts with for a {@code =~} glob such as {@code foo.*}; else "". */
    public String prefix() {
        return re == null || re.glob == null ? "" : re.glob.prefix();
    }

    /** Whether this matcher accepts every string ({@code =~".*"}). */
    public boolean matchesEverything() {
        return type == MatchType.RE && re.kind == Kind.ANY;
    }

    /** Whether this matcher accepts every non-empty string ({@code =~".+"} or {@code =~".*"}). */
    public boolean matchesNonEmpty() {
        return type == MatchType.RE && (re.kind == Kind.ANY || re.kind == Kind.NON_EMPTY);
    }

    /** Whether this is a regex matcher that accepts the empty string and nothing else ({@code =~""}). */
    public boolean matchesOnlyEmpty() {
        return type == MatchType.RE && re.set != null && re.set.size() == 1 && re.set.get(0).isEmpty();
    }

    /** The {@code java.util.regex} source the expression runs as (for tests and diagnostics); null when not a regex matcher. */
    String javaRegex() {
        return re == null ? null : re.javaSource;
    }

    /** The expression on the linear-time engine whatever its shape (for tests). */
    static java.util.function.Predicate<String> nfa(String re) {
        Re2Nfa nfa = Re2Nfa.compile(Re2Syntax.parse(re));
        if (nfa == null) {
            throw new IllegalArgumentException("program too large");
        }
        return nfa::matches;
    }

    /** Which fast path the expression uses (for tests and diagnostics). */
    String strategy() {
        return re == null ? "NONE" : re.kind.name();
    }

    @Override
    public String toString() {
        return (Labels.isLegacyName(name) ? name : Labels.quote(name)) + type.op() + Labels.quote(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && m.type == type && m.name.equals(name) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }

    enum Kind { LITERAL, SET, FOLD_SET, ANY, NON_EMPTY, GLOB, REGEX, NFA }

    /** A compiled regular expression with its fast path. */
    private static final class Re {
        final Kind kind;
        final List<String> set;
        final Set<String> lookup;
        final Glob glob;
        final Pattern pattern;
        final Re2Nfa nfa;
        final String requiredPrefix;
        final String javaSource;

        private Re(Kind kind, List<String> set, Set<String> lookup, Glob glob, Pattern pattern, String requiredPrefix,
                String javaSource) {
            this(kind, set, lookup, glob, pattern, null, requiredPrefix, javaSource);
        }

        private Re(Kind kind, List<String> set, Set<String> lookup, Glob glob, Pattern pattern, Re2Nfa nfa,
                String requiredPrefix, String javaSource) {
            this.nfa = nfa;
            this.kind = kind;
            this.set = set;
            this.lookup = lookup;
            this.glob = glob;
            this.pattern = pattern;
            this.requiredPrefix = requiredPrefix;
            this.javaSource = javaSource;
        }

        static Re compile(String value) {
            Re2Syntax.Node root = Re2Syntax.parse(value);
            String src = Re2Syntax.toJava(root);
            Pattern p;
            try {
                p = Pattern.compile(src);
            } catch (StackOverflowError | RuntimeException e) {
                throw InvalidMatcherException.of(InvalidMatcherException.TOO_COMPLEX, value);
            }
            List<String> set = literalSet(root, false, MAX_LOOKUP_SET);
            if (set != null) {
                List<String> values = Collections.unmodifiableList(new ArrayList<>(new LinkedHashSet<>(set)));
                if (values.size() == 1) {
                    return new Re(Kind.LITERAL, values, null, null, p, "", src);
                }
                return new Re(Kind.SET, values.size() <= MAX_SET_MATCHES ? values : null, new HashSet<>(values), null, p, "", src);
            }
            List<String> folded = literalSet(root, true, MAX_LOOKUP_SET);
            if (folded != null) {
                Set<String> keys = new HashSet<>();
                for (String s : folded) {
                    keys.add(foldKey(s));
                }
                return new Re(Kind.FOLD_SET, null, keys, null, p, "", src);
            }
            Glob g = Glob.of(root);
            if (g != null) {
                Kind k = g.isAny() ? Kind.ANY : g.isNonEmpty() ? Kind.NON_EMPTY : Kind.GLOB;
                return new Re(k, null, null, g, p, "", src);
            }
            if (Re2Nfa.backtrackingRisk(root)) {
                Re2Nfa nfa = Re2Nfa.compile(root);
                if (nfa != null) {
                    return new Re(Kind.NFA, null, null, null, p, nfa, requiredPrefix(root), src);
                }
            }
            return new Re(Kind.REGEX, null, null, null, p, requiredPrefix(root), src);
        }

        boolean matches(String v) {
            return switch (kind) {
                case LITERAL -> set.get(0).equals(v);
                case SET -> lookup.contains(v);
                case FOLD_SET -> lookup.contains(foldKey(v));
                case ANY -> true;
                case NON_EMPTY -> !v.isEmpty();
                case GLOB -> glob.matches(v);
                case REGEX -> v.startsWith(requiredPrefix) && pattern.matcher(v).matches();
                case NFA -> v.startsWith(requiredPrefix) && nfa.matches(v);
            };
        }
    }

    /**
     * A key equal for two strings exactly when {@link String#equalsIgnoreCase} holds, which is
     * also when Java's {@code (?iu)} literal matching holds.
     */
    static String foldKey(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            int k = Character.toLowerCase(Character.toUpperCase(c));
            if (k != c && sb == null) {
                sb = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (sb != null) {
                sb.appendCodePoint(k);
            }
            i += Character.charCount(c);
        }
        return sb == null ? s : sb.toString();
    }

    /**
     * The strings a tree accepts when it is built only of literals, alternations and
     * concatenations, at most {@code cap} of them; null otherwise. With {@code folded}
     * false, case-insensitive literals disqualify; with true, every literal must be
     * case-insensitive or caseless.
     */
    private static List<String> literalSet(Re2Syntax.Node n, boolean folded, int cap) {
        switch (n.op) {
            case EMPTY:
                return List.of("");
            case LITERAL:
                if (folded ? !n.fold && hasCasedChar(n.text) : n.fold) {
                    return null;
                }
                return List.of(n.text);
            case CLASS:
                if (!folded && n.single >= 0 && !n.fold) {
                    return List.of(new String(Character.toChars(n.single)));
                }
                return null;
            case ALTERNATE: {
                List<String> out = new ArrayList<>();
                for (Re2Syntax.Node s : n.subs) {
                    List<String> sub = literalSet(s, folded, cap);
                    if (sub == null || out.size() + sub.size() > cap) {
                        return null;
                    }
                    out.addAll(sub);
                }
                return out;
            }
            case CONCAT: {
                List<String> acc = List.of("");
                for (Re2Syntax.Node s : n.subs) {
                    List<String> sub = literalSet(s, folded, cap);
                    if (sub == null || (long) acc.size() * sub.size() > cap) {
                        return null;
                    }
                    List<String> next = new ArrayList<>(acc.size() * sub.size());
                    for (String a : acc) {
                        for (String b : sub) {
                            next.add(a + b);
                        }
                    }
                    acc = next;
                }
                return acc;
            }
            default:
                return null;
        }
    }

    private static boolean hasCasedChar(String s) {
        return s.codePoints().anyMatch(c -> Character.toLowerCase(Character.toUpperCase(c)) != c
                || Character.toUpperCase(c) != c || Character.toLowerCase(c) != c);
    }

    /** The case-sensitive literal every match starts with, for a cheap rejection before the regex. */
    private static String requiredPrefix(Re2Syntax.Node n) {
        if (n.op == Re2Syntax.Op.LITERAL && !n.fold) {
            return n.text;
        }
        if (n.op == Re2Syntax.Op.CONCAT) {
            Re2Syntax.Node first = n.subs.get(0);
            if (first.op == Re2Syntax.Op.LITERAL && !first.fold) {
                return first.text;
            }
        }
        return "";
    }

    /**
     * Literals separated by {@code .*} (gap of zero or more code points) or {@code .+} (one or
     * more): {@code [gap0] lit1 gap1 lit2 ... litN [gapN]}. Matching places each literal at its
     * leftmost position after the previous one, which is optimal when every gap is unbounded.
     */
    private static final class Glob {
        /** lits[i] follows a gap of at least minGap[i] chars (-1: no gap, must be adjacent). */
        final String[] lits;
        final int[] minGap;
        /** Minimum trailing gap after the last literal, or -1 for none. */
        final int tailGap;

        Glob(String[] lits, int[] minGap, int tailGap) {
            this.lits = lits;
            this.minGap = minGap;
            this.tailGap = tailGap;
        }

        static Glob of(Re2Syntax.Node root) {
            List<Re2Syntax.Node> parts = root.op == Re2Syntax.Op.CONCAT ? root.subs : List.of(root);
            List<String> lits = new ArrayList<>();
            List<Integer> gaps = new ArrayList<>();
            int pendingGap = -1;
            for (Re2Syntax.Node p : parts) {
                int g = gapOf(p);
                if (g >= 0) {
                    pendingGap = pendingGap < 0 ? g : pendingGap + g;
                    if (pendingGap > 1) {
                        return null; // ".+.+": counting code points, not chars, is the regex's job
                    }
                    continue;
                }
                if (p.op != Re2Syntax.Op.LITERAL || p.fold) {
                    return null;
                }
                if (pendingGap < 0 && !lits.isEmpty()) {
                    lits.set(lits.size() - 1, lits.get(lits.size() - 1) + p.text);
                    continue;
                }
                lits.add(p.text);
                gaps.add(pendingGap);
                pendingGap = -1;
            }
            if (lits.isEmpty() && pendingGap < 0) {
                return null; // the empty regex is a literal, handled elsewhere
            }
            int[] mg = new int[gaps.size()];
            for (int i = 0; i < mg.length; i++) {
                mg[i] = gaps.get(i);
            }
            return new Glob(lits.toArray(new String[0]), mg, pendingGap);
        }

        /** 0 for {@code .*} and 1 for {@code .+} (dot matching newline), -1 for anything else. */
        private static int gapOf(Re2Syntax.Node p) {
            if (p.op == Re2Syntax.Op.REPEAT && p.max == -1 && p.min <= 1 && p.sub().op == Re2Syntax.Op.ANY) {
                return p.min;
            }
            return -1;
        }

        boolean isAny() {
            return lits.length == 0 && tailGap == 0;
        }

        boolean isNonEmpty() {
            return lits.length == 0 && tailGap == 1;
        }

        String prefix() {
            return lits.length > 0 && minGap[0] < 0 ? lits[0] : "";
        }

        boolean matches(String v) {
            if (lits.length == 0) {
                return v.length() >= tailGap;
            }
            int n = lits.length;
            int from = 0;
            int last = n - 1;
            // A literal that must end the string is checked as a suffix, so leftmost placement of
            // the others cannot consume it.
            int end = v.length();
            if (tailGap < 0) {
                String tail = lits[last];
                if (!v.endsWith(tail)) {
                    return false;
                }
                end = v.length() - tail.length();
                if (n == 1) {
                    return minGap[0] < 0 ? end == 0 : end >= minGap[0];
                }
                last--;
            }
            for (int i = 0; i <= last; i++) {
                String lit = lits[i];
                int at;
                if (minGap[i] < 0) {
                    if (!v.startsWith(lit, from)) {
                        return false;
                    }
                    at = from;
                } else {
                    at = v.indexOf(lit, from + minGap[i]);
                    if (at < 0) {
                        return false;
                    }
                }
                from = at + lit.length();
                if (from > end) {
                    return false;
                }
            }
            if (tailGap < 0) {
                int g = minGap[n - 1];
                return g < 0 ? from == end : end - from >= g;
            }
            return v.length() - from >= tailGap;
        }
    }
}
