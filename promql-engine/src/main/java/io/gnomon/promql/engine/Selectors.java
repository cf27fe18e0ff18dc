package io.gnomon.promql.engine;

import io.gnomon.promql.ast.AggregateExpr;
import io.gnomon.promql.ast.BinaryExpr;
import io.gnomon.promql.ast.Call;
import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.MatrixSelector;
import io.gnomon.promql.ast.ParenExpr;
import io.gnomon.promql.ast.SubqueryExpr;
import io.gnomon.promql.ast.UnaryExpr;
import io.gnomon.promql.ast.LabelMatcher;
import io.gnomon.promql.ast.VectorSelector;
import io.gnomon.promql.parser.ParseException;
import io.gnomon.promql.parser.PromQLParser;
import io.gnomon.tsdb.labels.InvalidMatcherException;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;

/** From PromQL selectors to storage matchers: for the evaluator and for {@code match[]} parameters. */
public final class Selectors {

    private Selectors() {
    }

    /** The storage matchers of a parsed selector (its metric name is among its matchers). */
    public static Matcher[] matchers(VectorSelector vs) {
        Matcher[] ms = new Matcher[vs.matchers().size()];
        for (int i = 0; i < ms.length; i++) {
            LabelMatcher m = vs.matchers().get(i);
            MatchType t = switch (m.type()) {
                case EQ -> MatchType.EQ;
                case NEQ -> MatchType.NEQ;
                case RE -> MatchType.RE;
                case NRE -> MatchType.NRE;
            };
            try {
                ms[i] = Matcher.create(t, m.name(), m.value());
            } catch (InvalidMatcherException ex) {
                throw QueryException.badData(ex.getMessage(), ex);
            }
        }
        return ms;
    }

    /**
     * The matchers of every vector selector in {@code e} (Prometheus's
     * {@code parser.ExtractSelectors}), in the order they appear; iterative, so deep left-nested
     * operator chains cost no stack.
     */
    public static java.util.List<Matcher[]> extract(Expr e) {
        java.util.List<Matcher[]> out = new java.util.ArrayList<>();
        java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>();
        todo.push(e);
        while (!todo.isEmpty()) {
            Expr x = todo.pop();
            if (x instanceof VectorSelector vs) {
                out.add(matchers(vs));
            } else if (x instanceof MatrixSelector m) {
                out.add(matchers(m.selector()));
            } else if (x instanceof BinaryExpr b) {
                todo.push(b.rhs());
                todo.push(b.lhs());
            } else if (x instanceof AggregateExpr a) {
                todo.push(a.expr());
                if (a.param() != null) {
                    todo.push(a.param());
                }
            } else if (x instanceof Call c) {
                for (int i = c.args().size() - 1; i >= 0; i--) {
                    todo.push(c.args().get(i));
                }
            } else if (x instanceof SubqueryExpr sq) {
                todo.push(sq.expr());
            } else if (x instanceof ParenExpr pe) {
                todo.push(pe.expr());
            } else if (x instanceof UnaryExpr u) {
                todo.push(u.expr());
            }
        }
        return out;
    }

    /**
     * Parses a series selector as the {@code match[]} parameter carries it ({@code up},
     * {@code {job="x"}}, {@code {"http.server.duration"}}).
     *
     * @throws QueryException of type bad_data when it is not a valid instant-vector selector
     */
    public static Matcher[] parseMatchers(String selector) {
        Expr e;
        try {
            e = PromQLParser.parse(selector, StorageRegexSupport.INSTANCE);
        } catch (ParseException ex) {
            throw QueryException.badData(ex.getMessage(), ex);
        }
        if (!(e instanceof VectorSelector vs)) {
            throw QueryException.badData("invalid parameter \"match[]\": " + selector + " is not an instant vector selector", null);
        }
        return matchers(vs);
    }
}
