package io.gnomon.scrape;

/**
 * Why one scrape failed, in words a user can act on (it becomes the target's {@code lastError}):
 * a timeout, an HTTP status, an exceeded body size or sample limit, an unparsable body.
 */
public final class ScrapeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScrapeException(String message) {
        super(message, null, false, false);
    }

    public ScrapeException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
