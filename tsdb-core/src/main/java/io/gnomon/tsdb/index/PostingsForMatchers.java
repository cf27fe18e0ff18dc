package io.gnomon.tsdb.index;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.MatchType;
import io.gnomon.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Selects the series refs of an index that satisfy every matcher, with Prometheus's semantics: a
 * series without label {@code l} has {@code l=""}, so a matcher that accepts the empty string
 * (e.g. {@code l=""}, {@code l!="x"}, {@code l=~"x|"}, {@code l!~".+"}) also selects series that do
 * not have the label at all. The algorithm is Prometheus's {@code PostingsForMatchers}:
 *
 * <ol>
 *   <li>A label "must be set" when some matcher on it rejects the empty string.</li>
 *   <li>Matchers on such labels that do not themselves match "" are intersected: {@code l="a"}
 *       via {@code postings(l, "a")}, {@code l=~"a|b"} via {@code postings(l, "a", "b")}, other
 *       regexes by testing each value of {@code l}, {@code l=~".+"} via all values of {@code l},
 *       {@code l!=""}-like matchers via the values that the inverse rejects.</li>
 *   <li>Everything else is subtracted: {@code l!="a"} on a must-be-set label subtracts
 *       {@code l="a"}; a matcher on a label that may be absent subtracts the series whose value of
 *       {@code l} (non-empty) it rejects.</li>
 *   <li>With nothing to intersect, the base is {@link IndexReader#allPostings()}, taken before the
 *       subtrahends so that series created meanwhile cannot appear only in the base.</li>
 * </ol>
 * No matchers select nothing, as in Prometheus. The result is lazy; the index must stay open while
 * it is consumed.
 */
public final class PostingsForMatchers {

    private PostingsForMatchers() {
    }

    /** Refs of the series matching every matcher, ascending. */
    public static Postings postings(IndexReader ix, Matcher... ms) {
        return postings(ix, Arrays.asList(ms));
    }

    public static Postings postings(IndexReader ix, List<Matcher> ms) {
        if (ms.isEmpty()) {
            return PostingsOps.EMPTY;
        }
        Set<String> mustBeSet = new HashSet<>();
        for (Matcher m : ms) {
            if (!m.matchesEmpty()) {
                mustBeSet.add(m.name());
            }
        }
        List<Matcher> intersecting = new ArrayList<>(ms.size());
        List<Matcher> subtracting = new ArrayList<>(ms.size());
        for (Matcher m : ms) {
            if (isSubtracting(m, mustBeSet)) {
                subtracting.add(m);
            } else {
                intersecting.add(m);
            }
        }

        List<Postings> its = new ArrayList<>();
        List<Postings> notIts = new ArrayList<>();
        if (intersecting.isEmpty()) {
            its.add(ix.allPostings());
        }
        // Intersecting matchers first, so the base of the subtraction is fixed before any
        // subtrahend is read.
        for (Matcher m : intersecting) {
            if (m.matchesEverything()) {
                continue; // l=~".*" next to a matcher that requires l: the other one decides.
            }
            Postings it = intersectingPostings(ix, m);
            if (PostingsOps.isEmpty(it)) {
                return PostingsOps.EMPTY;
            }
            its.add(it);
        }
        for (Matcher m : subtracting) {
            if (m.matchesEverything()) {
                // l=~".*" matches every series, with or without the label.
                continue;
            }
            if (mustBeSet.contains(m.name())) {
                // l!="a" (or l!~"re" with re rejecting ""), while another matcher requires l:
                // subtract the series where l matches the inverse.
                notIts.add(positivePostings(ix, m.inverse()));
            } else {
                // m matches "" so it accepts series without l; drop those whose l it rejects.
                notIts.add(rejectedPostings(ix, m));
            }
        }
        Postings it = PostingsOps.intersect(its);
        for (Postings n : notIts) {
            it = PostingsOps.without(it, n);
        }
        return it;
    }

    private static boolean isSubtracting(Matcher m, Set<String> mustBeSet) {
        if (!mustBeSet.contains(m.name())) {
            return true;
        }
        boolean not = m.type() == MatchType.NEQ || m.type() == MatchType.NRE;
        return not && m.matchesEmpty();
    }

    /** Postings for a matcher on a must-be-set label that is not a negation matching "". */
    private static Postings intersectingPostings(IndexReader ix, Matcher m) {
        boolean not = m.type() == MatchType.NEQ || m.type() == MatchType.NRE;
        if (!not) {
            // l="a", l=~"a|b", l=~"a.+": the values it accepts (none is empty).
            return positivePostings(ix, m);
        }
        // l!="" or l!~"|x": m rejects "", its inverse accepts "" — take the values the inverse rejects.
        return rejectedPostings(ix, m.inverse());
    }

    /** Series whose (non-empty) value of m's label m accepts; never series lacking the label. */
    private static Postings positivePostings(IndexReader ix, Matcher m) {
        switch (m.type()) {
            case EQ:
                return m.value().isEmpty() ? PostingsOps.EMPTY : ix.postings(m.name(), m.value());
            case RE: {
                if (m.matchesNonEmpty()) {
                    return ix.postingsForAllLabelValues(m.name());
                }
                List<String> set = m.setMatches();
                if (set != null) {
                    return set.isEmpty() ? PostingsOps.EMPTY : ix.postings(m.name(), nonEmpty(set));
                }
                return ix.postingsForLabelMatching(m.name(), m::matches);
            }
            default:
                return ix.postingsForLabelMatching(m.name(), m::matches);
        }
    }

    /** Series that have m's label with a value m rejects. */
    private static Postings rejectedPostings(IndexReader ix, Matcher m) {
        switch (m.type()) {
            case NEQ:
                return m.value().isEmpty() ? PostingsOps.EMPTY : ix.postings(m.name(), m.value());
            case NRE: {
                List<String> set = m.setMatches();
                if (set != null) {
                    return set.isEmpty() ? PostingsOps.EMPTY : ix.postings(m.name(), nonEmpty(set));
                }
                return ix.postingsForLabelMatching(m.name(), v -> !m.matches(v));
            }
            case EQ:
                if (m.value().isEmpty()) {
                    return ix.postingsForAllLabelValues(m.name());
                }
                return ix.postingsForLabelMatching(m.name(), v -> !m.matches(v));
            default:
                if (m.matchesOnlyEmpty()) {
                    return ix.postingsForAllLabelValues(m.name());
                }
                return ix.postingsForLabelMatching(m.name(), v -> !m.matches(v));
        }
    }

    private static String[] nonEmpty(List<String> values) {
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        return out.toArray(new String[0]);
    }

    /**
     * Sorted distinct values of {@code name} over the series matching {@code ms} (all values when
     * {@code ms} is empty), for {@code Querier.labelValues(name, matchers)}.
     */
    public static List<String> labelValuesFor(IndexReader ix, String name, Matcher... ms) {
        List<String> values = ix.labelValues(name);
        boolean otherLabels = false;
        for (Matcher m : ms) {
            if (!m.name().equals(name)) {
                otherLabels = true;
                continue;
            }
            List<String> kept = new ArrayList<>(values.size());
            for (String v : values) {
                if (m.matches(v)) {
                    kept.add(v);
                }
            }
            values = kept;
        }
        if (values.isEmpty() || !otherLabels) {
            return values;
        }
        long[] refs = PostingsOps.expand(postings(ix, ms));
        if (refs.length == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (refs.length <= 8L * values.size()) {
            // Few series: read their labels.
            Set<String> seen = new HashSet<>();
            for (long ref : refs) {
                Labels lset = ix.seriesLabels(ref);
                if (lset != null) {
                    String v = lset.get(name);
                    if (!v.isEmpty()) {
                        seen.add(v);
                    }
                }
            }
            for (String v : values) {
                if (seen.contains(v)) {
                    out.add(v);
                }
            }
        } else {
            // Many series: keep the values whose postings meet the selected refs.
            for (String v : values) {
                Postings p = ix.postings(name, v);
                ListPostings sel = new ListPostings(refs);
                if (PostingsOps.intersect(p, sel).next()) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /**
     * Sorted distinct label names over the series matching {@code ms} (all names when {@code ms} is
     * empty), for {@code Querier.labelNames(matchers)}.
     */
    public static List<String> labelNamesFor(IndexReader ix, Matcher... ms) {
        if (ms.length == 0) {
            return ix.labelNames();
        }
        Postings p = postings(ix, ms);
        Map<String, Boolean> names = new HashMap<>();
        while (p.next()) {
            Labels lset = ix.seriesLabels(p.at());
            if (lset == null) {
                continue;
            }
            for (int i = 0; i < lset.size(); i++) {
                names.putIfAbsent(lset.name(i), Boolean.TRUE);
            }
        }
        String[] out = names.keySet().toArray(new String[0]);
        Arrays.sort(out, Labels::compareStrings);
        return Arrays.asList(out);
    }
}
