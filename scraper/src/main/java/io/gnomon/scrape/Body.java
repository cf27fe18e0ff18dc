package io.gnomon.scrape;

/** A scrape response held in a pooled array: {@code bytes[0..length)}, with its content type. */
record Body(byte[] bytes, int length, String contentType, String contentEncoding) {
}
