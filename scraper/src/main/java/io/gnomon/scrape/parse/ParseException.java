package io.gnomon.scrape.parse;

/** A scrape body that is not valid exposition text; the message names the line and what was expected. */
public final class ParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ParseException(String message) {
        super(message);
    }
}
