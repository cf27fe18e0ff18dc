package io.gnomon.promql.parser;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.PosRange;
import java.util.List;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Entry point of the PromQL parser: {@link #parse(String)} turns a query into a type-checked
 * {@link Expr} or throws {@link ParseException} with Prometheus's message. Nothing else
 * escapes: ANTLR errors, deep nesting and internal failures all become
 * {@code ParseException}.
 *
 * <p>Pipeline: the ANTLR lexer ({@code PromQLLexer.g4}) tokenises the whole query; a scan of
 * the tokens finds the first lexical error and enforces the nesting limit; the ANTLR parser
 * ({@code PromQL.g4}) runs in SLL mode and falls back to full LL only when SLL fails;
 * {@link AstBuilder} builds the AST and raises Prometheus's parse-time errors;
 * {@link TypeChecker} raises its type errors.
 *
 * <p>Thread-safe. State kept between calls: ANTLR's shared DFA cache and one lexer/parser
 * pair per thread (re-pointed at each query, released after it); neither changes results.
 * Limits: {@link #MAX_NESTING}; left-associative operator chains of any length are fine.
 */
public final class PromQLParser {
    /** Maximum nesting of parentheses/brackets/braces, and maximum run of consecutive signs. */
    public static final int MAX_NESTING = 256;

    private PromQLParser() {
    }

    /** Parses and type-checks {@code query}. */
    public static Expr parse(String query) {
        return parse(query, RegexSupport.APPROXIMATE);
    }

    /**
     * Parses with the given regex semantics: an invalid regex in a matcher is a
     * {@link ParseException}, and the non-empty-matcher rule uses {@code regex}'s answer.
     */
    public static Expr parse(String query, RegexSupport regex) {
        if (query == null) {
            throw new ParseException("", PosRange.of(0, 0), "no expression found in input");
        }
        try {
            return doParse(query, regex);
        } catch (ParseException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new ParseException(query, PosRange.of(0, 0), "expression nesting too deep");
        } catch (RuntimeException e) {
            throw new ParseException(query, PosRange.of(0, 0), "unexpected error: " + e);
        }
    }

    /**
     * One lexer and parser per thread, re-pointed at each query. They hold no state that
     * outlives a parse (ANTLR resets them on {@code setInputStream}/{@code setTokenStream});
     * reusing them only saves their construction.
     */
    private static final ThreadLocal<Machinery> MACHINERY = ThreadLocal.withInitial(Machinery::new);

    private static final class Machinery {
        final PromQLLexer lexer = new PromQLLexer(null);
        final PromQL parser = new PromQL(null);

        Machinery() {
            lexer.removeErrorListeners();
            parser.removeErrorListeners();
        }
    }

    private static Expr doParse(String query, RegexSupport regex) {
        Machinery m = MACHINERY.get();
        try {
            return doParse(query, m, regex);
        } finally {
            // Drop the references to this query's input so an idle thread keeps nothing alive.
            m.parser.setTokenStream(null);
            m.lexer.setInputStream(null);
        }
    }

    private static Expr doParse(String query, Machinery m, RegexSupport regex) {
        PromQLLexer lexer = m.lexer;
        lexer.setInputStream(CharStreams.fromString(query));
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        AstBuilder builder = new AstBuilder(query);
        LexicalError lexError = scan(tokens.getTokens(), lexer, builder, query);

        List<Token> toks = tokens.getTokens();
        boolean empty = true;
        for (Token t : toks) {
            if (t.getChannel() == Token.DEFAULT_CHANNEL && t.getType() != Token.EOF) {
                empty = false;
                break;
            }
        }
        if (empty && lexError == null) {
            throw builder.error(PosRange.of(0, 0), "no expression found in input");
        }

        PromQL parser = m.parser;
        parser.removeErrorListeners();
        parser.setTokenStream(tokens);
        parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
        parser.setErrorHandler(new BailErrorStrategy());
        PromQL.QueryContext tree;
        try {
            tree = parser.query();
        } catch (ParseCancellationException e) {
            tokens.seek(0);
            parser.reset();
            parser.getInterpreter().setPredictionMode(PredictionMode.LL);
            parser.setErrorHandler(new DefaultErrorStrategy());
            parser.addErrorListener(new SyntaxErrorListener(builder, tokens, lexError));
            tree = parser.query();
        } finally {
            parser.removeErrorListeners();
        }
        if (lexError != null) {
            // The parser consumed the whole input without tripping over the bad token; cannot
            // happen because error tokens are not in the grammar, but stay safe.
            throw lexError.exception;
        }
        Expr ast = builder.build(tree.expr());
        return new TypeChecker(query, regex).check(ast);
    }

    /** The first lexical error: index of the token at which it happened and its exception. */
    static final class LexicalError {
        final int tokenIndex;
        final ParseException exception;

        LexicalError(int tokenIndex, ParseException exception) {
            this.tokenIndex = tokenIndex;
            this.exception = exception;
        }
    }

    private static LexicalError scan(List<Token> toks, PromQLLexer lexer, AstBuilder b, String query) {
        int parens = 0;
        int nesting = 0;
        int unaryRun = 0;
        Token prev = null;
        for (Token t : toks) {
            if (t.getChannel() != Token.DEFAULT_CHANNEL) {
                continue;
            }
            int type = t.getType();
            if (type < PromQLLexer.BAD_NUMBER && type != Token.EOF && type != PromQLLexer.LEFT_PAREN
                    && type != PromQLLexer.RIGHT_PAREN && type != PromQLLexer.LEFT_BRACKET
                    && type != PromQLLexer.LEFT_BRACE && type != PromQLLexer.ADD && type != PromQLLexer.SUB) {
                unaryRun = 0;
                prev = t;
                continue; // the common case: an ordinary token, nothing to check
            }
            PosRange p = b.pos(t);
            String msg = null;
            String text = type == Token.EOF ? "" : t.getText();
            switch (type) {
                case PromQLLexer.LEFT_PAREN:
                case PromQLLexer.LEFT_BRACKET:
                case PromQLLexer.LEFT_BRACE:
                    if (t.getType() == PromQLLexer.LEFT_PAREN) {
                        parens++;
                    }
                    nesting++;
                    if (nesting > MAX_NESTING) {
                        msg = "expression nesting too deep: more than " + MAX_NESTING + " levels";
                    }
                    break;
                case PromQLLexer.RIGHT_PAREN:
                    parens--;
                    nesting--;
                    if (parens < 0) {
                        msg = "unexpected right parenthesis ')'";
                    }
                    break;
                case PromQLLexer.RIGHT_BRACKET:
                case PromQLLexer.RIGHT_BRACE:
                    nesting--;
                    break;
                case PromQLLexer.ADD:
                case PromQLLexer.SUB:
                    unaryRun++;
                    if (unaryRun > MAX_NESTING) {
                        msg = "expression nesting too deep: more than " + MAX_NESTING + " consecutive signs";
                    }
                    break;
                case PromQLLexer.BAD_NUMBER:
                    msg = "bad number or duration syntax: " + Literals.goQuote(Literals.badNumberText(query, p.start()));
                    break;
                case PromQLLexer.UNTERM_STRING:
                    msg = text.endsWith("\\") && !text.endsWith("\\\\") ? "escape sequence not terminated" : "unterminated quoted string";
                    break;
                case PromQLLexer.UNTERM_RAW:
                    msg = "unterminated raw string";
                    break;
                case PromQLLexer.ERR_EQL_TILDE:
                    msg = "unexpected character after '=': '~'";
                    p = PosRange.of(p.start(), p.start() + 1);
                    break;
                case PromQLLexer.ERR_BANG:
                    msg = "unexpected character after '!': " + runeQuote(text.length() > 1 ? text.substring(1) : "");
                    break;
                case PromQLLexer.ERR_BRACE_BANG:
                    msg = "unexpected character after '!' inside braces: " + runeQuote(text.length() > 1 ? text.substring(1) : "");
                    break;
                case PromQLLexer.ERR_RIGHT_BRACKET:
                    msg = "unexpected right bracket ']'";
                    break;
                case PromQLLexer.ERR_CHAR:
                    msg = "unexpected character: " + runeQuote(text);
                    break;
                case PromQLLexer.ERR_BRACE_CHAR:
                    msg = text.equals("{") ? "unexpected left brace '{'" : "unexpected character inside braces: " + runeQuote(text);
                    break;
                case PromQLLexer.ERR_BRACKET_LEFT:
                    msg = "unexpected left bracket '['";
                    break;
                case PromQLLexer.ERR_BRACKET_CHAR: {
                    String c = text.substring(0, Character.charCount(text.codePointAt(0)));
                    boolean afterValue = prev != null && (prev.getType() == PromQLLexer.NUMBER
                            || prev.getType() == PromQLLexer.DURATION || prev.getType() == PromQLLexer.RIGHT_PAREN);
                    msg = afterValue ? "unexpected character: " + runeQuote(c) + ", expected ':'"
                            : "unexpected character in duration expression: " + runeQuote(c);
                    break;
                }
                case Token.EOF:
                    if (lexer._mode == PromQLLexer.BRACES) {
                        msg = "unexpected end of input inside braces";
                    } else if (lexer._mode == PromQLLexer.BRACKET) {
                        msg = "unexpected end of input in duration expression";
                    } else if (parens > 0) {
                        msg = "unclosed left parenthesis";
                    }
                    break;
                default:
                    break;
            }
            if (t.getType() != PromQLLexer.ADD && t.getType() != PromQLLexer.SUB) {
                unaryRun = 0;
            }
            if (msg != null) {
                return new LexicalError(t.getTokenIndex(), b.error(p, msg));
            }
            prev = t;
        }
        return null;
    }

    /** Go's {@code %q} of a rune: {@code '}'}. */
    static String runeQuote(String c) {
        if (c.isEmpty()) {
            return "'\\x00'";
        }
        int cp = c.codePointAt(0);
        switch (cp) {
            case '\'': return "'\\''";
            case '\\': return "'\\\\'";
            case '\n': return "'\\n'";
            case '\t': return "'\\t'";
            case '\r': return "'\\r'";
            default:
                break;
        }
        if (cp < 0x20 || cp == 0x7F) {
            return String.format("'\\x%02x'", cp);
        }
        return "'" + new String(Character.toChars(cp)) + "'";
    }

    /** Turns ANTLR's first syntax error into Prometheus's "unexpected ..." message. */
    private static final class SyntaxErrorListener extends BaseErrorListener {
        private final AstBuilder builder;
        private final CommonTokenStream tokens;
        private final LexicalError lexError;

        SyntaxErrorListener(AstBuilder builder, CommonTokenStream tokens, LexicalError lexError) {
            this.builder = builder;
            this.tokens = tokens;
            this.lexError = lexError;
        }

        @Override
        public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int col, String msg,
                RecognitionException e) {
            Token t = (Token) offendingSymbol;
            if (lexError != null && (t == null || t.getTokenIndex() >= lexError.tokenIndex)) {
                throw lexError.exception;
            }
            throw SyntaxErrors.unexpected(builder, tokens, (Parser) recognizer, t);
        }
    }
}
