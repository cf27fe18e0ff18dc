package io.gnomon.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.NormalForm;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every eval query of every upstream {@code .test} file parses and type-checks, and survives
 * format-then-parse and pretty-then-parse unchanged (in {@link NormalForm}).
 *
 * <p>The upstream runner parses all queries of a file before running any, with every
 * experimental parser feature on, so none of them is a parse failure: the
 * {@code expect fail} cases fail in the engine (duplicate series, NaN parameters, modifier
 * restrictions at evaluation). They must parse here too.
 */
class UpstreamConformanceTest {

    @Test
    void everyUpstreamQueryParsesAndRoundTrips() {
        List<UpstreamTestFiles.Eval> evals = UpstreamTestFiles.evals();
        assertTrue(evals.size() >= 2000, "expected the 2,214 upstream eval statements, found " + evals.size());
        List<String> failures = new ArrayList<>();
        for (UpstreamTestFiles.Eval ev : evals) {
            Expr e;
            try {
                e = PromQLParser.parse(ev.query());
            } catch (ParseException ex) {
                failures.add(ev + "\n    " + ex.getMessage() + (ev.expectFail() ? " (expect fail: engine error expected, not a parse error)" : ""));
                continue;
            }
            String formatted = PromQLFormatter.format(e);
            try {
                Expr again = PromQLParser.parse(formatted);
                if (!NormalForm.of(e).equals(NormalForm.of(again))) {
                    failures.add(ev + "\n    round trip changed the tree: " + formatted);
                }
            } catch (ParseException ex) {
                failures.add(ev + "\n    formatted form does not parse: " + formatted + "\n    " + ex.getMessage());
            }
            assertEquals(formatted, PromQLFormatter.format(PromQLParser.parse(formatted)), "formatting is idempotent: " + ev);
            String pretty = PromQLFormatter.pretty(e, 30); // small width: exercise multi-line layout
            try {
                if (!NormalForm.of(e).equals(NormalForm.of(PromQLParser.parse(pretty)))) {
                    failures.add(ev + "\n    pretty round trip changed the tree:\n" + pretty);
                }
            } catch (ParseException ex) {
                failures.add(ev + "\n    pretty form does not parse:\n" + pretty + "\n    " + ex.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + evals.size() + " upstream queries failed:\n" + String.join("\n", failures));
        }
    }
}
