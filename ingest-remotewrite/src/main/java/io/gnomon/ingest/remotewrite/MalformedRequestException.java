package io.gnomon.ingest.remotewrite;

/**
 * A request body that is not a well-formed remote-write message: bad snappy, bad protobuf
 * framing, a wire type that does not fit the field. Always answered with 400; nothing of the
 * request is committed. Unchecked; built only on the error path.
 */
public final class MalformedRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private MalformedRequestException(String message) {
        super(message, null, false, false);
    }

    static MalformedRequestException truncated(String what, int offset) {
        return new MalformedRequestException("truncated protobuf [field=" + what + ", offset=" + offset + "]");
    }

    static MalformedRequestException badVarint(int offset) {
        return new MalformedRequestException("malformed protobuf varint [offset=" + offset + "]");
    }

    static MalformedRequestException badLength(long length, int offset, int remaining) {
        return new MalformedRequestException("protobuf length exceeds the message [length=" + length
            + ", offset=" + offset + ", remaining=" + remaining + "]");
    }

    static MalformedRequestException badTag(long tag, int offset) {
        return new MalformedRequestException("malformed protobuf tag [tag=" + tag + ", offset=" + offset + "]");
    }

    static MalformedRequestException wrongWireType(String message, int field, int wireType, int offset) {
        return new MalformedRequestException("unexpected protobuf wire type [message=" + message + ", field=" + field
            + ", wireType=" + wireType + ", offset=" + offset + "]");
    }

    static MalformedRequestException snappy(String detail) {
        return new MalformedRequestException("snappy decompression failed [detail=" + detail + "]");
    }

    static MalformedRequestException sizeMismatch(int declared, int actual) {
        return new MalformedRequestException("snappy declared length does not match the data [declared="
            + declared + ", actual=" + actual + "]");
    }

    static MalformedRequestException wrongMessage(String expected, String found) {
        return new MalformedRequestException("the body is not a " + expected + " message; it looks like a "
            + found + " one: check the Content-Type [expected=" + expected + "]");
    }
}
