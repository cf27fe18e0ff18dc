package io.gnomon.promql.parser;

import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Prometheus's wording for syntax errors: {@code unexpected <token> [in <context>][, expected
 * <what>]}, where the token is described as Prometheus's lexer item would be
 * ({@code identifier "foo"}, {@code <op:*>}, {@code <by>}, {@code "("}, {@code end of input}).
 */
final class SyntaxErrors {
    private SyntaxErrors() {
    }

    static ParseException unexpected(AstBuilder b, CommonTokenStream tokens, Parser parser, Token t) {
        Token prev = previous(tokens, t);
        String context = null;
        String expected = null;
        int prevType = prev == null ? -1 : prev.getType();
        ParserRuleContext ctx = parser.getContext();
        int rule = ctx == null ? -1 : ctx.getRuleIndex();
        boolean inBraces = within(ctx, PromQL.RULE_labelMatchers);
        boolean inGrouping = within(ctx, PromQL.RULE_groupingLabels) || within(ctx, PromQL.RULE_aggregateModifier)
                || within(ctx, PromQL.RULE_onOrIgnoring) || within(ctx, PromQL.RULE_groupModifier);
        boolean inRange = within(ctx, PromQL.RULE_rangeBody);
        if (inBraces) {
            context = "label matching";
            switch (prevType) {
                case PromQLLexer.IDENTIFIER:
                    expected = "label matching operator";
                    break;
                case PromQLLexer.EQL:
                case PromQLLexer.NEQ:
                case PromQLLexer.EQL_REGEX:
                case PromQLLexer.NEQ_REGEX:
                    expected = "string";
                    break;
                case PromQLLexer.STRING:
                    expected = "\",\" or \"}\"";
                    break;
                default:
                    expected = "identifier or \"}\"";
                    break;
            }
        } else if (inGrouping) {
            context = "grouping opts";
            if (prevType == PromQLLexer.BY || prevType == PromQLLexer.WITHOUT || prevType == PromQLLexer.ON
                    || prevType == PromQLLexer.IGNORING) {
                expected = "\"(\"";
            } else if (prevType == PromQLLexer.LEFT_PAREN || prevType == PromQLLexer.COMMA) {
                expected = "label";
            } else {
                expected = "\",\" or \")\"";
            }
        } else if (prevType == PromQLLexer.OFFSET || rule == PromQL.RULE_offsetValue) {
            context = "offset";
            expected = "number, duration, step(), or range()";
        } else if (prevType == PromQLLexer.AT || rule == PromQL.RULE_atValue) {
            context = "@";
            expected = "timestamp";
        } else if (inRange || prevType == PromQLLexer.LEFT_BRACKET) {
            if (prevType == PromQLLexer.LEFT_BRACKET || prevType == PromQLLexer.STEP || prevType == PromQLLexer.RANGE
                    || prevType == PromQLLexer.MIN_OF || prevType == PromQLLexer.MAX_OF) {
                context = "subquery or range selector";
                expected = "number, duration, step(), or range()";
            } else if (prevType == PromQLLexer.COLON) {
                context = "subquery selector";
                expected = "number, duration, step(), range(), or \"]\"";
            } else if (hasColonBefore(tokens, t)) {
                context = "subquery selector";
                expected = "\"]\"";
            } else {
                context = "subquery or range";
                expected = "\":\" or \"]\"";
            }
        }
        StringBuilder msg = new StringBuilder("unexpected ").append(describe(t));
        if (context != null) {
            msg.append(" in ").append(context);
        }
        if (expected != null) {
            msg.append(", expected ").append(expected);
        }
        return b.error(b.pos(t), msg.toString());
    }

    private static boolean within(ParserRuleContext ctx, int rule) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            if (c.getRuleIndex() == rule) {
                return true;
            }
            if (c.getRuleIndex() == PromQL.RULE_expr) {
                return false;
            }
        }
        return false;
    }

    private static Token previous(CommonTokenStream tokens, Token t) {
        for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
            Token p = tokens.get(i);
            if (p.getChannel() == Token.DEFAULT_CHANNEL) {
                return p;
            }
        }
        return null;
    }

    private static boolean hasColonBefore(CommonTokenStream tokens, Token t) {
        for (int i = t.getTokenIndex() - 1; i >= 0; i--) {
            int ty = tokens.get(i).getType();
            if (ty == PromQLLexer.COLON) {
                return true;
            }
            if (ty == PromQLLexer.LEFT_BRACKET) {
                return false;
            }
        }
        return false;
    }

    /** Prometheus's {@code Item.desc()}. */
    static String describe(Token t) {
        int ty = t.getType();
        String text = t.getText();
        switch (ty) {
            case Token.EOF:
                return "end of input";
            case PromQLLexer.IDENTIFIER:
                return "identifier " + Literals.goQuote(text);
            case PromQLLexer.METRIC_IDENTIFIER:
                return "metric identifier " + Literals.goQuote(text);
            case PromQLLexer.STRING:
                return "string " + shortQuote(text);
            case PromQLLexer.NUMBER:
                return "number " + shortQuote(text);
            case PromQLLexer.DURATION:
                return "duration " + shortQuote(text);
            case PromQLLexer.LEFT_PAREN:
            case PromQLLexer.RIGHT_PAREN:
            case PromQLLexer.LEFT_BRACE:
            case PromQLLexer.RIGHT_BRACE:
            case PromQLLexer.LEFT_BRACKET:
            case PromQLLexer.RIGHT_BRACKET:
            case PromQLLexer.COMMA:
            case PromQLLexer.EQL:
            case PromQLLexer.COLON:
                return Literals.goQuote(text);
            case PromQLLexer.ADD:
            case PromQLLexer.SUB:
            case PromQLLexer.MUL:
            case PromQLLexer.DIV:
            case PromQLLexer.MOD:
            case PromQLLexer.POW:
            case PromQLLexer.EQLC:
            case PromQLLexer.NEQ:
            case PromQLLexer.LTE:
            case PromQLLexer.LSS:
            case PromQLLexer.GTE:
            case PromQLLexer.GTR:
            case PromQLLexer.TRIM_UPPER:
            case PromQLLexer.TRIM_LOWER:
            case PromQLLexer.EQL_REGEX:
            case PromQLLexer.NEQ_REGEX:
            case PromQLLexer.AT:
            case PromQLLexer.LAND:
            case PromQLLexer.LOR:
            case PromQLLexer.LUNLESS:
            case PromQLLexer.ATAN2:
                return "<op:" + text + ">";
            case PromQLLexer.SUM:
            case PromQLLexer.AVG:
            case PromQLLexer.COUNT:
            case PromQLLexer.MIN:
            case PromQLLexer.MAX:
            case PromQLLexer.GROUP:
            case PromQLLexer.STDDEV:
            case PromQLLexer.STDVAR:
            case PromQLLexer.TOPK:
            case PromQLLexer.BOTTOMK:
            case PromQLLexer.COUNT_VALUES:
            case PromQLLexer.QUANTILE:
            case PromQLLexer.LIMITK:
            case PromQLLexer.LIMIT_RATIO:
                return "<aggr:" + text + ">";
            case PromQLLexer.OFFSET:
            case PromQLLexer.SMOOTHED:
            case PromQLLexer.ANCHORED:
            case PromQLLexer.BY:
            case PromQLLexer.WITHOUT:
            case PromQLLexer.ON:
            case PromQLLexer.IGNORING:
            case PromQLLexer.GROUP_LEFT:
            case PromQLLexer.GROUP_RIGHT:
            case PromQLLexer.FILL:
            case PromQLLexer.FILL_LEFT:
            case PromQLLexer.FILL_RIGHT:
            case PromQLLexer.BOOL:
                return "<" + text + ">";
            case PromQLLexer.START:
            case PromQLLexer.END:
            case PromQLLexer.STEP:
            case PromQLLexer.RANGE:
            case PromQLLexer.MAX_OF:
            case PromQLLexer.MIN_OF:
                return Literals.goQuote(text);
            default:
                return shortQuote(text);
        }
    }

    /** Go's {@code %.10q...} for long values, {@code %q} otherwise. */
    private static String shortQuote(String s) {
        if (s.length() > 10) {
            return Literals.goQuote(s.substring(0, 10)) + "...";
        }
        return Literals.goQuote(s);
    }

}
