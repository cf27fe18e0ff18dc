package io.gnomon.tsdb.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A fully anchored RE2 expression with capturing groups, for relabeling: Prometheus compiles a
 * relabel {@code regex} as {@code ^(?s:re)$} and expands {@code $1}, {@code ${1}} and
 * {@code ${name}} in replacements from its groups. Parsing and validation are {@link Re2Syntax}'s
 * (the same RE2 dialect and error text as label matchers); matching runs on an equivalent
 * {@code java.util.regex} pattern whose capturing groups are exactly the RE2 groups, numbered the
 * same way.
 *
 * <p>Unlike {@link Matcher}, no fast paths and no linear-time engine: relabel expressions come from
 * the operator's configuration, not from the network. Immutable and thread-safe.
 */
public final class Re2Regex {

    private final String source;
    private final Pattern pattern;
    private final Map<String, Integer> names;
    private final int groups;

    private Re2Regex(String source, Pattern pattern, Map<String, Integer> names, int groups) {
        this.source = source;
        this.pattern = pattern;
        this.names = names;
        this.groups = groups;
    }

    /**
     * Compiles {@code re} (unanchored text as written in the configuration).
     *
     * @throws InvalidMatcherException when {@code re} is not valid RE2, with Go's error text
     */
    public static Re2Regex compile(String re) {
        List<String> captureNames = new ArrayList<>();
        Re2Syntax.Node root = Re2Syntax.parseWithCaptures(re, captureNames);
        Map<String, Integer> byName = new HashMap<>();
        for (int i = captureNames.size() - 1; i >= 1; i--) {
            String n = captureNames.get(i);
            if (n != null) {
                byName.put(n, i); // Go's SubexpIndex returns the first group of a name
            }
        }
        Pattern p = Pattern.compile(Re2Syntax.toJava(root));
        return new Re2Regex(re, p, Collections.unmodifiableMap(byName), captureNames.size() - 1);
    }

    /** The expression as configured (without the anchors). */
    public String source() {
        return source;
    }

    /** Number of capturing groups. */
    public int groupCount() {
        return groups;
    }

    /** Index of the (first) group with this name, or -1. */
    public int groupIndex(String name) {
        Integer i = names.get(name);
        return i == null ? -1 : i;
    }

    /** Whether the whole of {@code s} matches. */
    public boolean matches(CharSequence s) {
        return pattern.matcher(s).matches();
    }

    /** A matcher over {@code s}; call {@link java.util.regex.Matcher#matches()} for the anchored match. */
    public java.util.regex.Matcher matcher(CharSequence s) {
        return pattern.matcher(s);
    }

    /** Equal when compiled from the same text (so configurations compare by what was written). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Re2Regex r && r.source.equals(source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    @Override
    public String toString() {
        return source;
    }
}
