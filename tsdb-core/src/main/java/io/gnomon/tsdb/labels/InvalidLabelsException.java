package io.gnomon.tsdb.labels;

/** A label set that can never be stored: bad name, duplicate name, bad UTF-8. */
public final class InvalidLabelsException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private InvalidLabelsException(String message) {
        super(message);
    }

    static InvalidLabelsException duplicateName(String name) {
        return new InvalidLabelsException("duplicate label name [name=" + name + "]");
    }

    static InvalidLabelsException invalidName(String name) {
        return new InvalidLabelsException("invalid label name [name=" + Labels.quote(name) + "]");
    }

    static InvalidLabelsException invalidValue(String name) {
        return new InvalidLabelsException("invalid UTF-8 in label value [name=" + name + "]");
    }

    static InvalidLabelsException oddCount(int n) {
        return new InvalidLabelsException("label names and values must come in pairs [strings=" + n + "]");
    }
}
