package io.gnomon.promql.ast;

/** The four PromQL value types, with the names Prometheus uses in its messages. */
public enum ValueType {
    SCALAR("scalar", "scalar"),
    STRING("string", "string"),
    VECTOR("vector", "instant vector"),
    MATRIX("matrix", "range vector");

    private final String internalName;
    private final String documentedName;

    ValueType(String internalName, String documentedName) {
        this.internalName = internalName;
        this.documentedName = documentedName;
    }

    /** Prometheus's internal name ({@code vector}, {@code matrix}), used by a few messages. */
    public String internalName() {
        return internalName;
    }

    /** The name from the documentation ({@code instant vector}, {@code range vector}). */
    public String documentedName() {
        return documentedName;
    }
}
