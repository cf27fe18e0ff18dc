package io.gnomon.tsdb.labels;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A linear-time matcher for a parsed RE2 expression: a Thompson NFA simulated breadth-first (Pike
 * VM without captures), so matching costs {@code O(input length * program size)} whatever the
 * expression, as with Go's engine. {@link Matcher} uses it for expressions that a backtracking
 * engine can take exponential time or deep recursion on (quantified alternations, nested
 * quantifiers, many unbounded repeats); simple expressions stay on {@code java.util.regex}, which
 * is faster per character.
 *
 * <p>Character classes reuse the Java class rendered by {@link Re2Syntax} (so both engines agree
 * on class semantics), precomputed for ASCII into a bitmap and evaluated per code point above.
 * Immutable and thread-safe; each {@link #matches} call allocates its own small work arrays.
 */
final class Re2Nfa {
    /** Programs larger than this are not built (the caller falls back to java.util.regex). */
    static final int MAX_INSTRUCTIONS = 20_000;

    private static final int CHAR = 0;
    private static final int SPLIT = 1;
    private static final int JMP = 2;
    private static final int MATCH = 3;
    private static final int ASSERT = 4;

    private static final int A_BEGIN_TEXT = 0;
    private static final int A_END_TEXT = 1;
    private static final int A_BEGIN_LINE = 2;
    private static final int A_END_LINE = 3;
    private static final int A_WORD = 4;
    private static final int A_NOT_WORD = 5;

    private int[] op = new int[16];
    private int[] x = new int[16];
    private int[] y = new int[16];
    private CharPredicate[] preds = new CharPredicate[16];
    private int n;

    private Re2Nfa() {
    }

    /** Compiles a tree; null when the program would exceed {@link #MAX_INSTRUCTIONS}. */
    static Re2Nfa compile(Re2Syntax.Node root) {
        Re2Nfa p = new Re2Nfa();
        try {
            p.emit(root);
        } catch (TooLarge e) {
            return null;
        }
        p.add(MATCH, 0, 0, null);
        return p;
    }

    /**
     * Whether a backtracking engine is at risk on this tree: an unbounded or multiple repetition
     * of something containing an alternation or another repetition, or three or more unbounded
     * repetitions (polynomial blow-up of {@code .*a.*b.*c} on near misses).
     */
    static boolean backtrackingRisk(Re2Syntax.Node root) {
        return riskyRepeat(root) || countUnbounded(root) >= 3;
    }

    /**
     * Also true for a repetition whose operand can match the empty string: java.util.regex refuses
     * zero-length iterations in counted loops, so {@code (^|a){2}} or {@code (a?){2}b} can fail in
     * Java where RE2 matches (found by the engines-agree fuzz test).
     */
    private static boolean riskyRepeat(Re2Syntax.Node n) {
        if (n.op == Re2Syntax.Op.REPEAT && (n.max == -1 || n.max > 1) && (containsChoice(n.sub()) || nullable(n.sub()))) {
            return true;
        }
        if (n.subs != null) {
            for (Re2Syntax.Node s : n.subs) {
                if (riskyRepeat(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the expression can match the empty string (ignoring whether its assertions hold). */
    static boolean nullable(Re2Syntax.Node n) {
        return switch (n.op) {
            case LITERAL, CLASS, ANY, ANY_NOT_NL -> false;
            case CONCAT -> n.subs.stream().allMatch(Re2Nfa::nullable);
            case ALTERNATE -> n.subs.stream().anyMatch(Re2Nfa::nullable);
            case REPEAT -> n.min == 0 || nullable(n.sub());
            default -> true; // EMPTY and the empty-width assertions
        };
    }

    private static boolean containsChoice(Re2Syntax.Node n) {
        if (n.op == Re2Syntax.Op.ALTERNATE || n.op == Re2Syntax.Op.REPEAT) {
            return true;
        }
        if (n.subs != null) {
            for (Re2Syntax.Node s : n.subs) {
                if (containsChoice(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int countUnbounded(Re2Syntax.Node n) {
        int c = n.op == Re2Syntax.Op.REPEAT && n.max == -1 ? 1 : 0;
        if (n.subs != null) {
            for (Re2Syntax.Node s : n.subs) {
                c += countUnbounded(s);
            }
        }
        return c;
    }

    private static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super(null, null, false, false);
        }
    }

    private int add(int o, int a, int b, CharPredicate p) {
        if (n == MAX_INSTRUCTIONS) {
            throw new TooLarge();
        }
        if (n == op.length) {
            int len = n * 2;
            op = Arrays.copyOf(op, len);
            x = Arrays.copyOf(x, len);
            y = Arrays.copyOf(y, len);
            preds = Arrays.copyOf(preds, len);
        }
        op[n] = o;
        x[n] = a;
        y[n] = b;
        preds[n] = p;
        return n++;
    }

    /** Emits code for {@code node} that falls through to the next instruction on success. */
    private void emit(Re2Syntax.Node node) {
        switch (node.op) {
            case LITERAL -> node.text.codePoints().forEach(cp -> add(CHAR, 0, 0, node.fold ? new FoldChar(cp) : new OneChar(cp)));
            case CLASS -> add(CHAR, 0, 0, new ClassPredicate(node));
            case ANY -> add(CHAR, 0, 0, cp -> true);
            case ANY_NOT_NL -> add(CHAR, 0, 0, cp -> cp != '\n');
            case BEGIN_TEXT -> add(ASSERT, A_BEGIN_TEXT, 0, null);
            case END_TEXT -> add(ASSERT, A_END_TEXT, 0, null);
            case BEGIN_LINE -> add(ASSERT, A_BEGIN_LINE, 0, null);
            case END_LINE -> add(ASSERT, A_END_LINE, 0, null);
            case WORD_BOUNDARY -> add(ASSERT, A_WORD, 0, null);
            case NO_WORD_BOUNDARY -> add(ASSERT, A_NOT_WORD, 0, null);
            case EMPTY -> {
            }
            case CONCAT -> node.subs.forEach(this::emit);
            case ALTERNATE -> {
                // split L1, next; L1: a; jmp end; next: split L2, next2; ... last: z; end:
                int k = node.subs.size();
                int[] jumps = new int[k - 1];
                for (int i = 0; i < k - 1; i++) {
                    int split = add(SPLIT, 0, 0, null);
                    x[split] = n;
                    emit(node.subs.get(i));
                    jumps[i] = add(JMP, 0, 0, null);
                    y[split] = n;
                }
                emit(node.subs.get(k - 1));
                for (int j : jumps) {
                    x[j] = n;
                }
            }
            case REPEAT -> {
                Re2Syntax.Node sub = node.sub();
                for (int i = 0; i < node.min; i++) {
                    emit(sub);
                }
                if (node.max == -1) {
                    // L: split body, out; body; jmp L; out:
                    int split = add(SPLIT, 0, 0, null);
                    x[split] = n;
                    emit(sub);
                    add(JMP, split, 0, null);
                    y[split] = n;
                } else {
                    int optional = node.max - node.min;
                    int[] splits = new int[optional];
                    for (int i = 0; i < optional; i++) {
                        splits[i] = add(SPLIT, 0, 0, null);
                        x[splits[i]] = n;
                        emit(sub);
                    }
                    for (int s : splits) {
                        y[s] = n;
                    }
                }
            }
            default -> throw new IllegalStateException("unexpected node " + node.op);
        }
    }

    /** Whether the whole of {@code s} matches. */
    boolean matches(String s) {
        int len = s.length();
        int[] clist = new int[n];
        int[] nlist = new int[n];
        int[] onList = new int[n]; // generation stamp per instruction for the list being built
        int[] stack = new int[2 * n + 2]; // each instruction is expanded once per step and pushes at most two
        int gen = 1;
        int csize = closure(s, 0, 0, clist, 0, onList, gen, stack);
        int i = 0;
        while (i < len) {
            if (csize == 0) {
                return false;
            }
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            gen++;
            int nsize = 0;
            for (int t = 0; t < csize; t++) {
                int pc = clist[t];
                if (op[pc] == CHAR && preds[pc].test(cp)) {
                    nsize = closure(s, next, pc + 1, nlist, nsize, onList, gen, stack);
                }
            }
            int[] tmp = clist;
            clist = nlist;
            nlist = tmp;
            csize = nsize;
            i = next;
        }
        for (int t = 0; t < csize; t++) {
            if (op[clist[t]] == MATCH) {
                return true;
            }
        }
        return false;
    }

    /** Adds the epsilon closure of {@code start} at string position {@code at} to {@code list}. */
    private int closure(String s, int at, int start, int[] list, int size, int[] onList, int gen, int[] stack) {
        int sp = 0;
        stack[sp++] = start;
        while (sp > 0) {
            int pc = stack[--sp];
            if (onList[pc] == gen) {
                continue;
            }
            onList[pc] = gen;
            switch (op[pc]) {
                case JMP -> stack[sp++] = x[pc];
                case SPLIT -> {
                    stack[sp++] = y[pc];
                    stack[sp++] = x[pc];
                }
                case ASSERT -> {
                    if (holds(x[pc], s, at)) {
                        stack[sp++] = pc + 1;
                    }
                }
                default -> list[size++] = pc; // CHAR or MATCH
            }
        }
        return size;
    }

    private static boolean holds(int kind, String s, int at) {
        return switch (kind) {
            case A_BEGIN_TEXT -> at == 0;
            case A_END_TEXT -> at == s.length();
            case A_BEGIN_LINE -> at == 0 || s.charAt(at - 1) == '\n';
            case A_END_LINE -> at == s.length() || s.charAt(at) == '\n';
            case A_WORD -> isWord(s, at - 1) != isWord(s, at);
            default -> isWord(s, at - 1) == isWord(s, at);
        };
    }

    private static boolean isWord(String s, int i) {
        if (i < 0 || i >= s.length()) {
            return false;
        }
        char c = s.charAt(i);
        return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    @FunctionalInterface
    private interface CharPredicate {
        boolean test(int cp);
    }

    private record OneChar(int c) implements CharPredicate {
        @Override
        public boolean test(int cp) {
            return cp == c;
        }
    }

    /** Java's Unicode case-insensitive equality of code points, as {@code (?iu)} uses. */
    private static final class FoldChar implements CharPredicate {
        private final int key;

        FoldChar(int c) {
            this.key = Character.toLowerCase(Character.toUpperCase(c));
        }

        @Override
        public boolean test(int cp) {
            return Character.toLowerCase(Character.toUpperCase(cp)) == key;
        }
    }

    /** A class as rendered for Java, with an ASCII bitmap; other code points go to the pattern. */
    private static final class ClassPredicate implements CharPredicate {
        private static final String ASCII;

        static {
            char[] cs = new char[128];
            for (int c = 0; c < 128; c++) {
                cs[c] = (char) c;
            }
            ASCII = new String(cs);
        }

        private final Pattern pattern;
        private final long lo;
        private final long hi;

        ClassPredicate(Re2Syntax.Node node) {
            String src = (node.fold ? "(?iu:" : "(?:") + (node.negated ? "[^" : "[") + node.text + "])";
            this.pattern = Pattern.compile(src);
            long l = 0;
            long h = 0;
            java.util.regex.Matcher m = pattern.matcher(ASCII);
            for (int c = 0; c < 128; c++) {
                if (m.region(c, c + 1).matches()) {
                    if (c < 64) {
                        l |= 1L << c;
                    } else {
                        h |= 1L << (c - 64);
                    }
                }
            }
            this.lo = l;
            this.hi = h;
        }

        @Override
        public boolean test(int cp) {
            if (cp < 64) {
                return (lo & (1L << cp)) != 0;
            }
            if (cp < 128) {
                return (hi & (1L << (cp - 64))) != 0;
            }
            return pattern.matcher(new String(Character.toChars(cp))).matches();
        }
    }
}
