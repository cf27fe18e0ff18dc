package io.gnomon.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.VectorSelector;
import org.junit.jupiter.api.Test;

/** Node positions, and Prometheus's {@code line:col} (1-based, column in bytes) for messages. */
class PositionsTest {

    @Test
    void nodesCarryTheirSpan() {
        String q = "sum(sort(series))";
        AggregateExpr sum = (AggregateExpr) PromQLParser.parse(q);
        assertEquals(PosRange.of(0, 17), sum.pos());
        Call sort = (Call) sum.expr();
        assertEquals(PosRange.of(4, 16), sort.pos());
        assertEquals("1:5", sort.pos().lineColumn(q), "the (1:5) of 'PromQL info: ... (1:5)'");
        assertEquals(PosRange.of(9, 15), sort.args().get(0).pos());
    }

    @Test
    void modifiersExtendSelectorsAndSubqueries() {
        VectorSelector vs = (VectorSelector) PromQLParser.parse("foo offset 5m @ 10");
        assertEquals(PosRange.of(0, 18), vs.pos());
        SubqueryExpr sq = (SubqueryExpr) PromQLParser.parse("rate(x[5m])[30m:1m] offset 1m");
        assertEquals(PosRange.of(0, 29), sq.pos());
        BinaryExpr b = (BinaryExpr) PromQLParser.parse("a + -1");
        assertEquals(PosRange.of(4, 6), b.rhs().pos(), "a folded sign starts at the sign");
    }

    @Test
    void lineAndByteColumn() {
        String q = "sum(\n  {\"é\"=\"ü\"} + sort(x)\n)";
        Expr e = PromQLParser.parse(q);
        BinaryExpr b = (BinaryExpr) ((AggregateExpr) e).expr();
        assertEquals("2:3", b.lhs().pos().lineColumn(q));
        assertEquals("2:17", b.rhs().pos().lineColumn(q), "é and ü are two bytes each");
        ParseException ex = org.junit.jupiter.api.Assertions.assertThrows(ParseException.class,
                () -> PromQLParser.parse("sum(\n  rate(x)\n)"));
        assertEquals(2, ex.line());
        assertEquals(8, ex.column());
        assertEquals("2:8: parse error: expected type range vector in call to function \"rate\", got instant vector", ex.getMessage());
    }
}
