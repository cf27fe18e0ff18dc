package io.gnomon.tsdb.labels;

/** The four label matcher operators of PromQL. */
public enum MatchType {
    EQ("="), NEQ("!="), RE("=~"), NRE("!~");

    private final String op;

    MatchType(String op) {
        this.op = op;
    }

    /** The operator as written in PromQL. */
    public String op() {
        return op;
    }
}
