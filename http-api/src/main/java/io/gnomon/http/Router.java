package io.gnomon.http;

import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps request paths to {@link Route}s. Exact paths win over prefixes; among prefixes the longest
 * wins. Immutable once the server starts (routes are added during wiring only).
 */
public final class Router {

    private final List<Route> routes = new ArrayList<>();

    public Router add(String path, Set<HttpMethod> methods, boolean inline, Route.Handler handler) {
        routes.add(new Route(path, methods, inline, handler));
        return this;
    }

    /** A worker-pool route whose requests are admitted on the event loop (see {@link Route.Admission}). */
    public Router add(String path, Set<HttpMethod> methods, Route.Admission admission, Route.Handler handler) {
        routes.add(new Route(path, methods, false, handler, admission));
        return this;
    }

    public Router get(String path, boolean inline, Route.Handler handler) {
        return add(path, Set.of(HttpMethod.GET, HttpMethod.HEAD), inline, handler);
    }

    /** GET and POST, as Prometheus's read endpoints (Grafana POSTs first). */
    public Router read(String path, boolean inline, Route.Handler handler) {
        return add(path, Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST), inline, handler);
    }

    /** The route for {@code path}, or null. */
    public Route find(String path) {
        Route best = null;
        for (Route r : routes) {
            if (!r.matches(path)) {
                continue;
            }
            if (!r.isPrefix()) {
                return r;
            }
            if (best == null || r.path().length() > best.path().length()) {
                best = r;
            }
        }
        return best;
    }

    /** The Allow header value for a route, with OPTIONS where preflights are answered. */
    public static String allow(Route r, boolean withOptions) {
        java.util.stream.Stream<String> names = r.methods().stream().map(HttpMethod::name);
        if (withOptions) {
            names = java.util.stream.Stream.concat(names, java.util.stream.Stream.of("OPTIONS"));
        }
        return names.distinct().sorted().collect(Collectors.joining(", "));
    }
}
