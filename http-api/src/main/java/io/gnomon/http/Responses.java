package io.gnomon.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Builds responses in Prometheus's shapes: {@code {"status":"success","data":...}} and
 * {@code {"status":"error","errorType":"...","error":"..."}}.
 */
public final class Responses {

    private Responses() {
    }

    public static FullHttpResponse text(HttpResponseStatus status, String body) {
        return bytes(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    public static FullHttpResponse json(HttpResponseStatus status, String body) {
        return bytes(status, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    public static FullHttpResponse bytes(HttpResponseStatus status, String contentType, byte[] body) {
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    /** A JSON response whose body was written into {@code body} (which the response now owns). */
    public static FullHttpResponse json(HttpResponseStatus status, ByteBuf body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return r;
    }

    /** 413 for a body past {@code maxBytes}; {@code size} is its declared length, or -1. */
    public static FullHttpResponse bodyTooLarge(long size, int maxBytes) {
        return text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body" + (size >= 0 ? " of " + size + " bytes" : "") + " is larger than the limit of " + maxBytes + " bytes\n");
    }

    /** A success envelope around already-encoded JSON {@code data}. */
    public static FullHttpResponse success(String dataJson) {
        return json(HttpResponseStatus.OK, "{\"status\":\"success\",\"data\":" + dataJson + "}");
    }

    /**
     * An error envelope. {@code errorType} is one of Prometheus's: bad_data, timeout, canceled,
     * execution, internal, unavailable, not_found, not_acceptable.
     */
    public static FullHttpResponse error(HttpResponseStatus status, String errorType, String message) {
        return json(status, "{\"status\":\"error\",\"errorType\":" + Json.quote(errorType)
            + ",\"error\":" + Json.quote(message) + "}");
    }
}
