package io.gnomon.promql.engine;

import io.gnomon.promql.parser.RegexSupport;
import io.gnomon.tsdb.labels.InvalidMatcherException;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;

/**
 * The parser's regex semantics taken from the storage matchers (RE2 syntax translated and
 * checked by tsdb-core), so that what the parser accepts is exactly what the selectors can run,
 * and an invalid regex is a parse error worded as Prometheus words it.
 */
public final class StorageRegexSupport implements RegexSupport {

    public static final StorageRegexSupport INSTANCE = new StorageRegexSupport();

    private StorageRegexSupport() {
    }

    @Override
    public String validate(String regex) {
        try {
            Matcher.create(MatchType.RE, "_", regex);
            return null;
        } catch (InvalidMatcherException e) {
            return e.getMessage();
        }
    }

    @Override
    public boolean matchesEmpty(String regex) {
        try {
            return Matcher.create(MatchType.RE, "_", regex).matchesEmpty();
        } catch (InvalidMatcherException e) {
            return false;
        }
    }
}
