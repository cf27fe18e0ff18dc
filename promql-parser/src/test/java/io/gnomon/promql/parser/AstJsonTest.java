package io.gnomon.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The /api/v1/parse_query shape. */
class AstJsonTest {

    @Test
    void dumpsSelectorsAndCalls() {
        assertEquals("{\"type\":\"call\",\"func\":{\"name\":\"rate\",\"argTypes\":[\"matrix\"],\"variadic\":0,"
                + "\"returnType\":\"vector\"},\"args\":[{\"type\":\"matrixSelector\",\"name\":\"x\",\"range\":300000,"
                + "\"rangeExpr\":null,\"offset\":60000,\"offsetExpr\":null,\"matchers\":[{\"name\":\"a\",\"value\":\"b\","
                + "\"type\":\"=~\"},{\"name\":\"__name__\",\"value\":\"x\",\"type\":\"=\"}],\"timestamp\":10000,"
                + "\"startOrEnd\":null,\"anchored\":false,\"smoothed\":false}]}",
                AstJson.dump(PromQLParser.parse("rate(x{a=~\"b\"}[5m] @ 10 offset 1m)")));
    }

    @Test
    void dumpsOperatorsAndLiterals() {
        assertEquals("{\"type\":\"binaryExpr\",\"op\":\"+\",\"lhs\":{\"type\":\"aggregation\",\"op\":\"sum\","
                + "\"expr\":{\"type\":\"vectorSelector\",\"name\":\"a\",\"offset\":0,\"offsetExpr\":null,"
                + "\"matchers\":[{\"name\":\"__name__\",\"value\":\"a\",\"type\":\"=\"}],\"timestamp\":null,"
                + "\"startOrEnd\":null,\"anchored\":false,\"smoothed\":false},\"param\":null,\"grouping\":[\"job\"],"
                + "\"without\":false},\"rhs\":{\"type\":\"unaryExpr\",\"op\":\"-\",\"expr\":{\"type\":\"parenExpr\","
                + "\"expr\":{\"type\":\"numberLiteral\",\"val\":\"NaN\"}}},\"matching\":null,\"bool\":false}",
                AstJson.dump(PromQLParser.parse("sum by (job) (a) + -(NaN)")));
    }

    @Test
    void dumpsDurationExpressions() {
        assertEquals("{\"type\":\"matrixSelector\",\"name\":\"x\",\"range\":0,\"rangeExpr\":{\"type\":\"durationExpr\","
                + "\"op\":\"*\",\"lhs\":{\"type\":\"numberLiteral\",\"val\":\"300\",\"duration\":true},"
                + "\"rhs\":{\"type\":\"numberLiteral\",\"val\":\"2\",\"duration\":false},\"wrapped\":false},"
                + "\"offset\":0,\"offsetExpr\":{\"type\":\"durationExpr\",\"op\":\"step\",\"lhs\":null,\"rhs\":null,"
                + "\"wrapped\":false},\"matchers\":[{\"name\":\"__name__\",\"value\":\"x\",\"type\":\"=\"}],"
                + "\"timestamp\":null,\"startOrEnd\":\"end\",\"anchored\":false,\"smoothed\":false}",
                AstJson.dump(PromQLParser.parse("x[5m * 2] @ end() offset step()")));
    }
}
