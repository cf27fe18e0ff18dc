package io.gnomon.promql.parser;

import static io.gnomon.promql.parser.Ast.agg;
import static io.gnomon.promql.parser.Ast.at;
import static io.gnomon.promql.parser.Ast.bin;
import static io.gnomon.promql.parser.Ast.call;
import static io.gnomon.promql.parser.Ast.dexpr;
import static io.gnomon.promql.parser.Ast.dur;
import static io.gnomon.promql.parser.Ast.matching;
import static io.gnomon.promql.parser.Ast.neg;
import static io.gnomon.promql.parser.Ast.num;
import static io.gnomon.promql.parser.Ast.offset;
import static io.gnomon.promql.parser.Ast.paren;
import static io.gnomon.promql.parser.Ast.range;
import static io.gnomon.promql.parser.Ast.str;
import static io.gnomon.promql.parser.Ast.subquery;
import static io.gnomon.promql.parser.Ast.vs;
import static io.gnomon.promql.parser.Ast.wrapped;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gnomon.promql.ast.AggregateOp;
import io.gnomon.promql.ast.AtModifier;
import io.gnomon.promql.ast.BinaryOp;
import io.gnomon.promql.ast.DurationExpr;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.NormalForm;
import io.gnomon.promql.ast.OffsetModifier;
import io.gnomon.promql.ast.VectorMatching;
import io.gnomon.promql.ast.VectorSelector;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser table: (input, expected AST) and (input, expected Prometheus error). Expected
 * trees are compared in {@link NormalForm}; errors by Prometheus's full message
 * {@code "line:col: parse error: detail"} or, when the row gives no position, by detail only.
 * Every valid row is also formatted and re-parsed to the same normal form.
 */
class PromQLParserTest {
    private static final VectorMatching.Cardinality ONE = VectorMatching.Cardinality.ONE_TO_ONE;
    private static final VectorMatching.Cardinality MANY_TO_ONE = VectorMatching.Cardinality.MANY_TO_ONE;
    private static final VectorMatching.Cardinality ONE_TO_MANY = VectorMatching.Cardinality.ONE_TO_MANY;
    private static final VectorMatching.Cardinality MANY = VectorMatching.Cardinality.MANY_TO_MANY;

    static Stream<Arguments> valid() {
        return Stream.of(
                // number literals
                ok("1", num(1)),
                ok("+Inf", num(Double.POSITIVE_INFINITY)),
                ok("-Inf", num(Double.NEGATIVE_INFINITY)),
                ok("iNf", num(Double.POSITIVE_INFINITY)),
                ok("NaN", num(Double.NaN)),
                ok("nAn", num(Double.NaN)),
                ok(".5", num(0.5)),
                ok("5.", num(5)),
                ok("123.4567", num(123.4567)),
                ok("5e-3", num(0.005)),
                ok("5e3", num(5000)),
                ok("1e3", num(1000)),
                ok("0xc", num(12)),
                ok("0x1F", num(31)),
                ok("0755", num(493)),
                ok("1_000", num(1000)),
                ok("+5.5e-3", num(0.0055)),
                ok("-0755", num(-493)),
                // durations where numbers are
                ok("5m", dur(300)),
                ok("1h30m", dur(5400)),
                ok("1m0s", dur(60)),
                ok("1y", dur(365 * 86400)),
                ok("2w", dur(14 * 86400)),
                ok("1d", dur(86400)),
                ok("250ms", dur(0.25)),
                ok("-5m", dur(-300)),
                ok("1h + 5m", bin(BinaryOp.ADD, dur(3600), dur(300))),
                // strings
                ok("\"double-quoted string \\\" with escaped quote\"", str("double-quoted string \" with escaped quote")),
                ok("'single-quoted string \\' with escaped quote'", str("single-quoted string ' with escaped quote")),
                ok("`backtick-quoted string`", str("backtick-quoted string")),
                ok("\"\\n\\x41\\u00e9\\U0001F600\\101\\t\"", str("\nAé\uD83D\uDE00A\t")),
                ok("`\\n raw`", str("\\n raw")),
                ok("\"\\xff\"", str("\uDCFF")),
                // operators, precedence and associativity
                ok("1 + 1", bin(BinaryOp.ADD, num(1), num(1))),
                ok("1 - -1", bin(BinaryOp.SUB, num(1), num(-1))),
                ok("-2^2", neg(bin(BinaryOp.POW, num(2), num(2)))),
                ok("-1^-2", neg(bin(BinaryOp.POW, num(1), num(-2)))),
                ok("2^3^2", bin(BinaryOp.POW, num(2), bin(BinaryOp.POW, num(3), num(2)))),
                ok("-1*2", bin(BinaryOp.MUL, num(-1), num(2))),
                ok("-a*b", bin(BinaryOp.MUL, neg(vs("a")), vs("b"))),
                ok("-a^b", neg(bin(BinaryOp.POW, vs("a"), vs("b")))),
                ok("+1 + -2 * 1", bin(BinaryOp.ADD, num(1), bin(BinaryOp.MUL, num(-2), num(1)))),
                ok("1 + 2/(3*1)", bin(BinaryOp.ADD, num(1), bin(BinaryOp.DIV, num(2), paren(bin(BinaryOp.MUL, num(3), num(1)))))),
                ok("1 - 2 - 3", bin(BinaryOp.SUB, bin(BinaryOp.SUB, num(1), num(2)), num(3))),
                ok("1 < bool 2 - 1 * 2", bin(BinaryOp.LSS, num(1), bin(BinaryOp.SUB, num(2), bin(BinaryOp.MUL, num(1), num(2))), null, true)),
                ok("-some_metric", neg(vs("some_metric"))),
                ok("+some_metric", new io.gnomon.promql.ast.UnaryExpr(BinaryOp.ADD, vs("some_metric"), Ast.N)),
                ok("foo * bar", bin(BinaryOp.MUL, vs("foo"), vs("bar"))),
                ok("foo atan2 bar", bin(BinaryOp.ATAN2, vs("foo"), vs("bar"))),
                ok("foo == 1", bin(BinaryOp.EQLC, vs("foo"), num(1))),
                ok("foo == bool 1", bin(BinaryOp.EQLC, vs("foo"), num(1), null, true)),
                ok("foo + bar or bla and blub", bin(BinaryOp.OR, bin(BinaryOp.ADD, vs("foo"), vs("bar")),
                        bin(BinaryOp.AND, vs("bla"), vs("blub")))),
                ok("foo and bar unless baz or qux", bin(BinaryOp.OR,
                        bin(BinaryOp.UNLESS, bin(BinaryOp.AND, vs("foo"), vs("bar")), vs("baz")), vs("qux"))),
                ok("foo * on(test,blub) bar", bin(BinaryOp.MUL, vs("foo"), vs("bar"), matching(ONE, true, List.of("test", "blub"), List.of()), false)),
                ok("foo * on(test,blub) group_left bar", bin(BinaryOp.MUL, vs("foo"), vs("bar"),
                        matching(MANY_TO_ONE, true, List.of("test", "blub"), List.of()), false)),
                ok("foo and on() bar", bin(BinaryOp.AND, vs("foo"), vs("bar"), matching(MANY, true, List.of(), List.of()), false)),
                ok("foo and ignoring(test,blub) bar", bin(BinaryOp.AND, vs("foo"), vs("bar"), matching(MANY, false, List.of("test", "blub"), List.of()), false)),
                ok("foo - ignoring(test,blub) group_right(bar,foo) bar", bin(BinaryOp.SUB, vs("foo"), vs("bar"),
                        matching(ONE_TO_MANY, false, List.of("test", "blub"), List.of("bar", "foo")), false)),
                ok("foo + fill(0) bar", bin(BinaryOp.ADD, vs("foo"), vs("bar"), new VectorMatching(ONE, List.of(), false, List.of(), 0.0, 0.0), false)),
                ok("foo + fill_left(-1) fill_right(2) bar", bin(BinaryOp.ADD, vs("foo"), vs("bar"), new VectorMatching(ONE, List.of(), false, List.of(), -1.0, 2.0), false)),
                ok("foo + fill_right(2) fill_left(1) bar", bin(BinaryOp.ADD, vs("foo"), vs("bar"), new VectorMatching(ONE, List.of(), false, List.of(), 1.0, 2.0), false)),
                ok("fill + fill", bin(BinaryOp.ADD, vs("fill"), vs("fill"))),
                // selectors
                ok("foo", vs("foo")),
                ok("min", vs("min")),
                ok("foo{}", vs("foo")),
                ok("foo:bar{a=\"bc\"}", vs("foo:bar", "a", "=bc")),
                ok("{__name__=\"x\"}", vs("", "__name__", "=x")),
                ok("{\"foo\"}", vs("", "__name__", "=foo")),
                ok("foo{NaN='bc'}", vs("foo", "NaN", "=bc")),
                ok("foo{bar='}'}", vs("foo", "bar", "=}")),
                ok("foo{a=\"b\", foo!=\"bar\", test=~\"test\", bar!~\"baz\",}", vs("foo", "a", "=b", "foo", "!=bar", "test", "=~test", "bar", "!~baz")),
                ok("{\"http.server.duration\", \"service.name\"=\"x\"}", vs("", "__name__", "=http.server.duration", "service.name", "=x")),
                ok("{x!=\"\"}", vs("", "x", "!=")),
                ok("{x=~\".+\"}", vs("", "x", "=~.+")),
                // keywords as metric and label names
                ok("by", vs("by")),
                ok("offset", vs("offset")),
                ok("sum", vs("sum")),
                ok("start", vs("start")),
                ok("step{offset=\"1s\"}[5m]", range(vs("step", "offset", "=1s"), Duration.ofMinutes(5))),
                ok("foo{on=\"a\", by=\"b\", bool=\"c\", offset=\"d\"}", vs("foo", "on", "=a", "by", "=b", "bool", "=c", "offset", "=d")),
                ok("sum by (on, by, bool, offset) (x)", agg(AggregateOp.SUM, null, vs("x"), false, "on", "by", "bool", "offset")),
                ok("foo unless on(start) bar", bin(BinaryOp.UNLESS, vs("foo"), vs("bar"), matching(MANY, true, List.of("start"), List.of()), false)),
                // comments
                ok("foo # comment", vs("foo")),
                ok("sum(x) # a comment\n + 1 # another", bin(BinaryOp.ADD, agg(AggregateOp.SUM, vs("x")), num(1))),
                // ranges, offsets, @
                ok("test[5m]", range(vs("test"), Duration.ofMinutes(5))),
                ok("test[1000ms]", range(vs("test"), Duration.ofSeconds(1))),
                ok("test[5]", range(vs("test"), Duration.ofSeconds(5))),
                ok("test[4.018]", range(vs("test"), Duration.ofMillis(4018))),
                ok("foo offset 5m", offset(vs("foo"), Duration.ofMinutes(5))),
                ok("foo offset -7m", offset(vs("foo"), Duration.ofMinutes(-7))),
                ok("foo OFFSET 1h30m", offset(vs("foo"), Duration.ofMinutes(90))),
                ok("a offset 5m @ 10", at(offset(vs("a"), Duration.ofMinutes(5)), 10_000)),
                ok("a @ 10 offset 5m", at(offset(vs("a"), Duration.ofMinutes(5)), 10_000)),
                ok("foo @ -100", at(vs("foo"), -100_000)),
                ok("foo @ 3.3335", at(vs("foo"), 3334)),
                ok("foo @ start()", vs("foo").withAt(AtModifier.START, Ast.N)),
                ok("foo @ end() offset 1m", offset(vs("foo"), Duration.ofMinutes(1)).withAt(AtModifier.END, Ast.N)),
                ok("test{a=\"b\"}[5y] OFFSET 3d", range(offset(vs("test", "a", "=b"), Duration.ofDays(3)), Duration.ofDays(5 * 365))),
                ok("foo[5m] anchored", range(vs("foo").withExtended(true, false, Ast.N), Duration.ofMinutes(5))),
                ok("foo[5m] smoothed", range(vs("foo").withExtended(false, true, Ast.N), Duration.ofMinutes(5))),
                // subqueries
                ok("rate(x[5m])[30m:1m]", subquery(call("rate", range(vs("x"), Duration.ofMinutes(5))), Duration.ofMinutes(30), Duration.ofMinutes(1))),
                ok("foo[10m:]", subquery(vs("foo"), Duration.ofMinutes(10), Duration.ZERO)),
                ok("(foo + bar)[5m:] offset 10m", subquery(paren(bin(BinaryOp.ADD, vs("foo"), vs("bar"))), Duration.ofMinutes(5), Duration.ZERO)
                        .withOffset(OffsetModifier.of(Duration.ofMinutes(10)), Ast.N)),
                ok("some_metric[10m:5s] offset 1m @ 123", subquery(vs("some_metric"), Duration.ofMinutes(10), Duration.ofSeconds(5))
                        .withOffset(OffsetModifier.of(Duration.ofMinutes(1)), Ast.N).withAt(AtModifier.at(123_000), Ast.N)),
                // duration expressions
                ok("x[5m * 2]", range(vs("x"), dexpr(DurationExpr.Op.MUL, dur(300), num(2)))),
                ok("x offset (1h + 5m)", offset(vs("x"), wrapped(dexpr(DurationExpr.Op.ADD, dur(3600), dur(300))))),
                ok("x offset (5)", offset(vs("x"), wrapped(dexpr(DurationExpr.Op.ADD, null, num(5))))),
                ok("x[step()]", range(vs("x"), dexpr(DurationExpr.Op.STEP, null, null))),
                ok("x offset -step()", offset(vs("x"), dexpr(DurationExpr.Op.SUB, null, dexpr(DurationExpr.Op.STEP, null, null)))),
                ok("x[max_of(range(),5s)]", range(vs("x"), dexpr(DurationExpr.Op.MAX_OF, dexpr(DurationExpr.Op.RANGE, null, null), dur(5)))),
                ok("x[-2^2]", range(vs("x"), dexpr(DurationExpr.Op.SUB, null, dexpr(DurationExpr.Op.POW, num(2), num(2))))),
                ok("foo offset 5s-8", bin(BinaryOp.SUB, offset(vs("foo"), Duration.ofSeconds(5)), num(8))),
                ok("foo offset -1^1", bin(BinaryOp.POW, offset(vs("foo"), Duration.ofSeconds(-1)), num(1))),
                ok("foo[4s+4s:1s*2]", new io.gnomon.promql.ast.SubqueryExpr(vs("foo"), Duration.ZERO, dexpr(DurationExpr.Op.ADD, dur(4), dur(4)),
                        Duration.ZERO, dexpr(DurationExpr.Op.MUL, dur(1), num(2)), OffsetModifier.NONE, AtModifier.NONE, Ast.N)),
                // aggregations
                ok("sum by (foo)(some_metric)", agg(AggregateOp.SUM, null, vs("some_metric"), false, "foo")),
                ok("sum (some_metric) without (foo)", agg(AggregateOp.SUM, null, vs("some_metric"), true, "foo")),
                ok("sum without() (x)", agg(AggregateOp.SUM, null, vs("x"), true)),
                ok("sum by (foo,bar,)(some_metric)", agg(AggregateOp.SUM, null, vs("some_metric"), false, "foo", "bar")),
                ok("sum by (\"foo bar\")({\"some.metric\"})", agg(AggregateOp.SUM, null, vs("", "__name__", "=some.metric"), false, "foo bar")),
                ok("topk(5, some_metric)", agg(AggregateOp.TOPK, num(5), vs("some_metric"), false)),
                ok("count_values(\"value\", some_metric)", agg(AggregateOp.COUNT_VALUES, str("value"), vs("some_metric"), false)),
                ok("quantile(0.9, x)", agg(AggregateOp.QUANTILE, num(0.9), vs("x"), false)),
                ok("limitk(2, x)", agg(AggregateOp.LIMITK, num(2), vs("x"), false)),
                ok("limit_ratio(0.5, x)", agg(AggregateOp.LIMIT_RATIO, num(0.5), vs("x"), false)),
                ok("SUM(x)", agg(AggregateOp.SUM, vs("x"))),
                ok("sum(sum)", agg(AggregateOp.SUM, vs("sum"))),
                // functions
                ok("time()", call("time")),
                ok("rate(some_metric[5m])", call("rate", range(vs("some_metric"), Duration.ofMinutes(5)))),
                ok("round(some_metric, 5)", call("round", vs("some_metric"), num(5))),
                ok("info(rate(x[5m]), {foo=\"bar\"})", call("info", call("rate", range(vs("x"), Duration.ofMinutes(5))),
                        vs("", "foo", "=bar").withBypassEmptyMatcherCheck())),
                ok("sort_by_label(x, \"a\", \"b\")", call("sort_by_label", vs("x"), str("a"), str("b"))),
                ok("label_join(x, \"d\", \",\", \"a\", \"b\", \"c\")", call("label_join", vs("x"), str("d"), str(","), str("a"), str("b"), str("c"))),
                ok("ts_of_max_over_time(x[5m])", call("ts_of_max_over_time", range(vs("x"), Duration.ofMinutes(5)))),
                ok("double_exponential_smoothing(x[5m], 0.5, 0.1)", call("double_exponential_smoothing", range(vs("x"), Duration.ofMinutes(5)), num(0.5), num(0.1))),
                ok("atan2(x, y)".replace("atan2(x, y)", "x atan2 y"), bin(BinaryOp.ATAN2, vs("x"), vs("y"))),
                ok("step()", call("step")),
                ok("min_of(1, 2)", call("min_of", num(1), num(2))),
                ok("start() - end()", bin(BinaryOp.SUB, call("start"), call("end"))),
                ok("pi()", call("pi")),
                ok("sin(x) + cosh(x) + deg(x)", bin(BinaryOp.ADD, bin(BinaryOp.ADD, call("sin", vs("x")), call("cosh", vs("x"))), call("deg", vs("x")))));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                err("", "no expression found in input"),
                err("# just a comment\n\n", "no expression found in input"),
                err("1+", "1:3: parse error: unexpected end of input"),
                err(".", "1:1: parse error: unexpected character: '.'"),
                err("2.5.", "bad number or duration syntax: \"2.5.\""),
                err("100..4", "bad number or duration syntax: \"100..\""),
                err("0deadbeef", "bad number or duration syntax: \"0de\""),
                err("foo offset 1e+x", "bad number or duration syntax: \"1e+\""),
                err("1 /", "unexpected end of input"),
                err("*1", "1:1: parse error: unexpected <op:*>"),
                err("(1))", "1:4: parse error: unexpected right parenthesis ')'"),
                err("((1)", "unclosed left parenthesis"),
                err("(", "unclosed left parenthesis"),
                err("sum(rate(", "unclosed left parenthesis"),
                err("1 and 1", "set operator \"and\" not allowed in binary scalar expression"),
                err("1 == 1", "1:3: parse error: comparisons between scalars must use BOOL modifier"),
                err("1 or 1", "set operator \"or\" not allowed in binary scalar expression"),
                err("1 !~ 1", "unexpected character after '!': '~'"),
                err("1 =~ 1", "unexpected character after '=': '~'"),
                err("-\"string\"", "unary expression only allowed on expressions of type scalar or instant vector, got \"string\""),
                err("-test[5m]", "unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""),
                err("@@", "unexpected <op:@>"),
                err("1 offset 1d", "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                err("foo offset 1s offset 2s", "offset may not be set multiple times"),
                err("a - on(b) ignoring(c) d", "unexpected <ignoring>"),
                err("1 or on(bar) foo", "vector matching only allowed between instant vectors"),
                err("foo == on(bar) 10", "vector matching only allowed between instant vectors"),
                err("foo + group_left(baz) bar", "unexpected <group_left>"),
                err("foo and on(bar) group_left(baz) bar", "no grouping allowed for \"and\" operation"),
                err("foo + fill(0) 1", "filling in missing series only allowed between instant vectors"),
                err("foo and fill(0) bar", "filling in missing series not allowed for set operators"),
                err("http_requests{group=\"production\"} + on(instance) group_left(job,instance) cpu_count{type=\"smp\"}",
                        "label \"instance\" must not occur in ON and GROUP clause at once"),
                err("foo + bool bar", "bool modifier can only be used on comparison operators"),
                err("foo @ +Inf", "timestamp out of bounds for @ modifier: +Inf"),
                err("foo @ NaN", "timestamp out of bounds for @ modifier: NaN"),
                err("{", "unexpected end of input inside braces"),
                err("}", "unexpected character: '}'"),
                err("some_metric{a=b}", "1:15: parse error: unexpected identifier \"b\" in label matching, expected string"),
                err("some_metric{a:b=\"b\"}", "unexpected character inside braces: ':'"),
                err("foo{a*\"b\"}", "unexpected character inside braces: '*'"),
                err("foo{gibberish}", "unexpected \"}\" in label matching, expected label matching operator"),
                err("foo{1}", "unexpected character inside braces: '1'"),
                err("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher"),
                err("{x=\"\"}", "vector selector must contain at least one non-empty matcher"),
                err("{x=~\".*\"}", "vector selector must contain at least one non-empty matcher"),
                err("{x!~\".+\"}", "vector selector must contain at least one non-empty matcher"),
                err("{x!=\"a\"}", "vector selector must contain at least one non-empty matcher"),
                err("foo{__name__=\"bar\"}", "metric name must not be set twice: \"foo\" or \"bar\""),
                err("foo{,}", "unexpected \",\" in label matching, expected identifier or \"}\""),
                err("foo{__name__=\"bar\" lol}", "unexpected identifier \"lol\" in label matching, expected \",\" or \"}\""),
                err("foo{\"a\"=}", "unexpected \"}\" in label matching, expected string"),
                err("foo[5mm]", "bad number or duration syntax: \"5mm\""),
                err("foo[5m1]", "bad number or duration syntax: \"5m1\""),
                err("foo[5y1hs]", "unknown unit \"hs\" in duration \"5y1hs\""),
                err("foo[5m1h]", "not a valid duration string: \"5m1h\""),
                err("foo[0m]", "duration must be greater than 0"),
                err("foo[-1]", "duration must be greater than 0"),
                err("foo[\"5m\"]", "unexpected character in duration expression: '\"'"),
                err("foo[]", "unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()"),
                err("some_metric[5m] OFFSET", "unexpected end of input in offset, expected number, duration, step(), or range()"),
                err("some_metric OFFSET 1m[5m]", "no offset modifiers allowed before range"),
                err("some_metric[5m] @", "unexpected end of input in @, expected timestamp"),
                err("some_metric @ 1234 [5m]", "no @ modifiers allowed before range"),
                err("(foo + bar)[5m]", "ranges only allowed for vector selectors"),
                err("sum without(==)(some_metric)", "unexpected <op:==> in grouping opts, expected label"),
                err("sum without(,)(some_metric)", "unexpected \",\" in grouping opts, expected label"),
                err("sum (some_metric) by test", "unexpected identifier \"test\" in grouping opts, expected \"(\""),
                err("sum () by (test)", "no arguments for aggregate expression provided"),
                err("sum (some_metric) without (test) by (test)", "unexpected <by>"),
                err("topk(some_metric)", "wrong number of arguments for aggregate expression provided, expected 2, got 1"),
                err("topk(some_metric,)", "trailing commas not allowed in function call args"),
                err("topk(some_metric, other_metric)", "expected type scalar in aggregation parameter, got instant vector"),
                err("count_values(5, other_metric)", "expected type string in aggregation parameter, got scalar"),
                err("rate(some_metric[5m]) @ 1234", "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery"),
                err("floor()", "expected 1 argument(s) in call to \"floor\", got 0"),
                err("floor(some_metric, 1)", "expected 1 argument(s) in call to \"floor\", got 2"),
                err("floor(1)", "expected type instant vector in call to function \"floor\", got scalar"),
                err("hour(some_metric, some_metric, some_metric)", "expected at most 1 argument(s) in call to \"hour\", got 3"),
                err("time(some_metric)", "expected 0 argument(s) in call to \"time\", got 1"),
                err("non_existent_function_far_bar()", "unknown function with name \"non_existent_function_far_bar\""),
                err("rate(x)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
                err("rate(avg)", "expected type range vector in call to function \"rate\", got instant vector"),
                err("-=", "unexpected \"=\""),
                err("a>b()", "unknown function with name \"b\""),
                err("\"\\c\"", "unknown escape sequence U+0063 'c'"),
                err("\"\\x.\"", "illegal character U+002E '.' in escape sequence"),
                err("\"\\", "escape sequence not terminated"),
                err("`abc", "unterminated raw string"),
                err("\"abc", "unterminated quoted string"),
                err("foo{bar=\"baz\"}[", "unexpected end of input in duration expression"),
                err("foo{bar=\"baz\"}[10m:6s][1m]", "ranges only allowed for vector selectors"),
                err("(foo + bar{nm=\"val\"})[5m:][10m:5s]", "subquery is only allowed on instant vector, got matrix instead"),
                err("foo[step]", "unexpected \"]\" in subquery or range selector, expected number, duration, step(), or range()"),
                err("foo[5s/0d]", "division by zero"),
                err("foo offset (4d/0)", "division by zero"),
                err("foo[5s%0d]", "modulo by zero"),
                err("foo offset 9.5e10", "duration out of range"),
                err("foo[5s x 5s]", "unexpected character: 'x', expected ':'"),
                err("1[5m] anchored", "ranges only allowed for vector selectors"),
                err("foo[5m] anchored smoothed", "anchored and smoothed modifiers cannot be used together"),
                err("foo[5m:1m] anchored", "anchored modifier is not supported for subqueries"),
                err("info(x, y)", "expected label selectors only, got vector selector instead"),
                err("on", "unexpected <on>"),
                err("bool", "unexpected <bool>"),
                err("9".repeat(400), "error parsing number: strconv.ParseFloat: parsing \"" + "9".repeat(400) + "\": value out of range"),
                err("(".repeat(300) + "1" + ")".repeat(300), "expression nesting too deep: more than 256 levels"),
                err("-".repeat(1000) + "1", "expression nesting too deep: more than 256 consecutive signs"),
                // Prometheus's own deep-nesting case: a 20,000-operator chain is fine, the empty selector is not.
                err("(" + "-{}-1".repeat(10000) + ")" + "[1m:]".repeat(1000),
                        "1:3: parse error: vector selector must contain at least one non-empty matcher"),
                err("a" + " ^ a".repeat(5000), "expression nesting too deep"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("valid")
    void parsesToExpectedTree(String input, Expr expected) {
        Expr got = PromQLParser.parse(input);
        assertEquals(NormalForm.of(expected), NormalForm.of(got), input);
        String formatted = PromQLFormatter.format(got);
        assertEquals(NormalForm.of(got), NormalForm.of(PromQLParser.parse(formatted)), "round trip via " + formatted);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalid")
    void failsWithPrometheusMessage(String input, String expected) {
        ParseException e = assertThrows(ParseException.class, () -> PromQLParser.parse(input));
        if (expected.contains(": parse error: ")) {
            assertEquals(expected, e.getMessage(), input);
        } else {
            assertEquals(expected, e.detail(), input);
        }
    }

    private static Arguments ok(String input, Expr expected) {
        return Arguments.of(input, expected);
    }

    private static Arguments err(String input, String message) {
        return Arguments.of(input, message);
    }

}
