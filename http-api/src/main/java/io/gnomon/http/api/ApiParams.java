package io.gnomon.http.api;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Request parameters as Prometheus reads them: the URL query merged with a form-encoded POST
 * body (Grafana POSTs first), repeated names kept in order ({@code match[]}); unknown names are
 * ignored. Times and durations parse as Prometheus parses them.
 */
public final class ApiParams {

    /** A parameter that is missing or does not parse; answered as 400 bad_data with this text. */
    public static final class BadParam extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public BadParam(String message) {
            super(message);
        }
    }

    /** Largest query string or form body accepted; past it the request is refused with 400. */
    public static final int MAX_PARAMS_BYTES = 4 << 20;

    /** Most parameters (all names, e.g. {@code match[]} repeated) a request may carry; past it, 400. */
    public static final int MAX_PARAMS = 10_000;

    private final Map<String, List<String>> values = new HashMap<>();
    private int count;

    private ApiParams() {
    }

    public static ApiParams of(FullHttpRequest req) {
        ApiParams p = new ApiParams();
        if (req.uri().length() > MAX_PARAMS_BYTES) {
            throw new BadParam("query string too long");
        }
        // Netty stops decoding at its parameter cap; one past ours lets us refuse instead of truncating.
        p.add(new QueryStringDecoder(req.uri(), StandardCharsets.UTF_8, true, MAX_PARAMS + 1).parameters());
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (req.method() == HttpMethod.POST && type.startsWith("application/x-www-form-urlencoded")) {
            if (req.content().readableBytes() > MAX_PARAMS_BYTES) {
                throw new BadParam("form body too large");
            }
            String body = req.content().toString(StandardCharsets.UTF_8);
            p.add(new QueryStringDecoder(body, StandardCharsets.UTF_8, false, MAX_PARAMS + 1).parameters());
        }
        if (p.count > MAX_PARAMS) {
            throw new BadParam("too many parameters: more than " + MAX_PARAMS + " (e.g. match[] values)");
        }
        return p;
    }


    private void add(Map<String, List<String>> m) {
        m.forEach((k, v) -> {
            values.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v);
            count += v.size();
        });
    }

    /** The first value, or null. */
    public String get(String name) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /**
     * A time parameter in milliseconds: unix seconds with decimals or RFC 3339; {@code dflt} when
     * absent or empty.
     */
    public long time(String name, long dflt) {
        String s = get(name);
        if (s == null || s.isEmpty()) {
            return dflt;
        }
        return parseTime(s, name);
    }

    static long parseTime(String s, String name) {
        try {
            return new BigDecimal(s).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // not a number: try RFC 3339
        }
        try {
            return OffsetDateTime.parse(s).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new BadParam("invalid parameter \"" + name + "\": cannot parse \"" + s + "\" to a valid timestamp");
        }
    }

    /** A duration parameter in milliseconds: float seconds or a Prometheus duration; -1 when absent. */
    public long duration(String name) {
        String s = get(name);
        if (s == null || s.isEmpty()) {
            return -1;
        }
        try {
            return new BigDecimal(s).movePointRight(3).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            // not a number
        }
        try {
            return PromDuration.parse(s).toMillis();
        } catch (IllegalArgumentException e) {
            throw new BadParam("invalid parameter \"" + name + "\": cannot parse \"" + s + "\" to a valid duration");
        }
    }
}
