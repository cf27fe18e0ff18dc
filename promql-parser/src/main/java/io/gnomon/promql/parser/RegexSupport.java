package io.gnomon.promql.parser;

import io.gnomon.promql.ast.LabelMatcher;

/**
 * How the parser treats the regular expressions of {@code =~}/{@code !~} matchers. The parser
 * depends on no other Gnomon module, so RE2 semantics come from the caller: the server passes an
 * implementation backed by tsdb-core's RE2 translation, which makes an invalid regex a parse error
 * with Go's wording (as Prometheus's parser reports it) and decides exactly whether a regex
 * matches the empty string. {@link #APPROXIMATE} is the stand-alone default.
 */
public interface RegexSupport {

    /** Null when {@code regex} is valid, otherwise the error message (Go's wording). */
    String validate(String regex);

    /** Whether the fully anchored {@code regex} matches the empty string. */
    boolean matchesEmpty(String regex);

    /**
     * Accepts every regex and tests the empty string with java.util.regex, fully anchored: an
     * approximation of RE2 for callers without tsdb-core.
     */
    RegexSupport APPROXIMATE = new RegexSupport() {
        @Override
        public String validate(String regex) {
            return null;
        }

        @Override
        public boolean matchesEmpty(String regex) {
            return new LabelMatcher(LabelMatcher.Type.RE, "", regex).matchesEmpty();
        }
    };
}
