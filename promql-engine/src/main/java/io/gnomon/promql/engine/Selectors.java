package io.gnomon.promql.engine;

import io.gnomon.promql.ast.Expr;
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
