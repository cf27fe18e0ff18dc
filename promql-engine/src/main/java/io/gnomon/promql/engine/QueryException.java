package io.gnomon.promql.engine;

/**
 * A query that could not be answered. {@link #errorType()} is the Prometheus HTTP API
 * {@code errorType} the API layer answers with; {@link #getMessage()} is the text Prometheus
 * shows (engine errors carry no position prefix).
 */
public final class QueryException extends RuntimeException {
    /** Prometheus's error types, with the JSON spelling in {@link #text()}. */
    public enum ErrorType {
        BAD_DATA("bad_data"), EXECUTION("execution"), TIMEOUT("timeout"), CANCELED("canceled"),
        INTERNAL("internal");

        private final String text;

        ErrorType(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final ErrorType errorType;

    private QueryException(ErrorType errorType, String message, Throwable cause) {
        super(message, cause, false, false);
        this.errorType = errorType;
    }

    public ErrorType errorType() {
        return errorType;
    }

    /** A query that cannot be parsed or is invalid for the engine (HTTP 400). */
    public static QueryException badData(String message, Throwable cause) {
        return new QueryException(ErrorType.BAD_DATA, message, cause);
    }

    /** An evaluation error such as a many-to-many match (HTTP 422). */
    public static QueryException execution(String message) {
        return new QueryException(ErrorType.EXECUTION, message, null);
    }

    /** {@code --query.timeout} expired; {@code where} names the stage, as Prometheus does. */
    public static QueryException timeout(String where) {
        return new QueryException(ErrorType.TIMEOUT, "query timed out in " + where, null);
    }

    /** The caller went away or cancelled the query. */
    public static QueryException canceled(String where) {
        return new QueryException(ErrorType.CANCELED, "query was canceled in " + where, null);
    }

    /** {@code --query.max-samples} exceeded; the text is Prometheus's. */
    public static QueryException tooManySamples() {
        return new QueryException(ErrorType.EXECUTION,
                "query processing would load too many samples into memory in query execution", null);
    }

    /** A failure that is not the query's fault (storage error, out of memory). */
    public static QueryException internal(String message, Throwable cause) {
        return new QueryException(ErrorType.INTERNAL, message, cause);
    }
}
