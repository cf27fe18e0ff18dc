package io.gnomon.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.NormalForm;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Canonical text as Prometheus prints it ({@code String()} and {@code Pretty}). */
class PromQLFormatterTest {

    static Stream<Arguments> canonical() {
        return Stream.of(
                fmt("sum by() (task:errors:rate10s{job=\"s\"})", "sum(task:errors:rate10s{job=\"s\"})"),
                fmt("sum by(code) (task:errors:rate10s{job=\"s\"})", "sum by (code) (task:errors:rate10s{job=\"s\"})"),
                fmt("sum without() (task:errors:rate10s{job=\"s\"})", "sum without () (task:errors:rate10s{job=\"s\"})"),
                fmt("sum by(\"foo.bar\") (x)", "sum by (\"foo.bar\") (x)"),
                fmt("sum(x) by (a)", "sum by (a) (x)"),
                fmt("topk(5, x)", "topk(5, x)"),
                fmt("a - on() c", "a - on () c"),
                fmt("a - on(b) group_left(x, y) c", "a - on (b) group_left (x, y) c"),
                fmt("a - on(b) group_left c", "a - on (b) group_left () c"),
                fmt("a - ignoring(b) c", "a - ignoring (b) c"),
                fmt("a - ignoring() c", "a - c"),
                fmt("a - ignoring() group_left c", "a - ignoring () group_left () c"),
                fmt("a + fill(-23) b", "a + fill (-23) b"),
                fmt("a + fill_left(-23) fill_right(42) b", "a + fill_left (-23) fill_right (42) b"),
                fmt("a + fill_left(5) fill_right(5) b", "a + fill (5) b"),
                fmt("a + on(b) group_left fill(-23) c", "a + on (b) group_left () fill (-23) c"),
                fmt("up > bool 0", "up > bool 0"),
                fmt("a offset -7m", "a offset -7m"),
                fmt("a[1h:5m] offset 1m", "a[1h:5m] offset 1m"),
                fmt("a{b=\"c\"}[5m] anchored @ start() offset 1m", "a{b=\"c\"}[5m] anchored @ start() offset 1m"),
                fmt("a @ 10", "a @ 10.000"),
                fmt("a offset 5m @ 10", "a @ 10.000 offset 5m"),
                fmt("a[1m] @ 10", "a[1m] @ 10.000"),
                fmt("{__name__=\"\",a=\"x\"}", "{__name__=\"\",a=\"x\"}"),
                fmt("{\"0\"=\"1\"}", "{\"0\"=\"1\"}"),
                fmt("{\"_0\"=\"1\"}", "{_0=\"1\"}"),
                fmt("{``=\"0\"}", "{\"\"=\"0\"}"),
                fmt("x{b=\"c\", a='d'}", "x{a=\"d\",b=\"c\"}"),
                fmt("1048576", "1048576"),
                fmt("0x1F + 1e3 + .5 + 1e-7 + Inf + -inf + nan", "31 + 1000 + 0.5 + 0.0000001 + +Inf + -Inf + NaN"),
                // Go's shortest digits: Java 17's Double.toString gives 1.9999999999999998E23 for 2e23.
                fmt("2e23 + 1e23 + 0.3", "200000000000000000000000 + 100000000000000000000000 + 0.3"),
                fmt("0.1 + 0.30000000000000004 + 123.456e-2", "0.1 + 0.30000000000000004 + 1.23456"),
                fmt("1h30m + 90s + 1m0s", "1h30m + 1m30s + 1m"),
                fmt("foo[(step())]", "foo[(step())]"),
                fmt("foo offset +(5)", "foo offset (5)"),
                fmt("foo offset -(step())", "foo offset -(step())"),
                fmt("foo offset +min_of(10s, 20s)", "foo offset min_of(10s, 20s)"),
                fmt("foo[200-min_of(-step()^+step(),1)]", "foo[200 - min_of(-step() ^ step(), 1)]"),
                fmt("foo[(5m):(1m)]", "foo[(5m):(1m)]"),
                fmt("label_join(x, 'a\\'b', \"\\x41\", `c`)", "label_join(x, \"a'b\", \"A\", \"c\")"),
                fmt("\"\\xff\\t\\u00e9\"", "\"\\xff\\té\""),
                fmt("sum by(\"üüü\") (foo)", "sum by (\"üüü\") (foo)"),
                fmt("-(a + b) ^ 2", "-(a + b) ^ 2"),
                fmt("rate(x[5m])[30m:] # trailing comment", "rate(x[5m])[30m:]"));
    }

    static Stream<Arguments> prettyWidth10() {
        return Stream.of(
                fmt("a+b", "a + b"),
                fmt("a == bool 1", "  a\n== bool\n  1"),
                fmt("a + ignoring(job) b", "  a\n+ ignoring (job)\n  b"),
                fmt("foo_1 + foo_2", "  foo_1\n+\n  foo_2"),
                fmt("topk(10, ab{job=\"s\"})", "topk(\n  10,\n  ab{job=\"s\"}\n)"),
                fmt("sum by(job) (x{job=\"s\"})", "sum by (job) (\n  x{job=\"s\"}\n)"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("canonical")
    void formatsLikePrometheus(String input, String expected) {
        Expr e = PromQLParser.parse(input);
        String out = PromQLFormatter.format(e);
        assertEquals(expected, out);
        assertEquals(NormalForm.of(e), NormalForm.of(PromQLParser.parse(out)));
        assertEquals(expected, PromQLFormatter.pretty(e), "short queries are not split");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("prettyWidth10")
    void prettyPrintsLikePrometheus(String input, String expected) {
        Expr e = PromQLParser.parse(input);
        String out = PromQLFormatter.pretty(e, 10);
        assertEquals(expected, out);
        assertEquals(NormalForm.of(e), NormalForm.of(PromQLParser.parse(out)));
    }

    private static Arguments fmt(String in, String out) {
        return Arguments.of(in, out);
    }
}
