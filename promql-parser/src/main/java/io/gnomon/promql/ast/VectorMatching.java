package io.gnomon.promql.ast;

import java.util.List;

/**
 * How the two sides of a vector/vector binary operation are matched: cardinality,
 * {@code on}/{@code ignoring} labels, {@code group_left}/{@code group_right} extra labels,
 * and the {@code fill}/{@code fill_left}/{@code fill_right} values (null when not given).
 */
public record VectorMatching(
        Cardinality card,
        List<String> matchingLabels,
        boolean on,
        List<String> include,
        Double fillLeft,
        Double fillRight) {

    public enum Cardinality {
        ONE_TO_ONE("one-to-one"), MANY_TO_ONE("many-to-one"), ONE_TO_MANY("one-to-many"),
        MANY_TO_MANY("many-to-many");

        private final String text;

        Cardinality(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    public VectorMatching {
        matchingLabels = List.copyOf(matchingLabels);
        include = List.copyOf(include);
    }

    public VectorMatching withCard(Cardinality c) {
        return new VectorMatching(c, matchingLabels, on, include, fillLeft, fillRight);
    }

    public boolean hasFill() {
        return fillLeft != null || fillRight != null;
    }
}
