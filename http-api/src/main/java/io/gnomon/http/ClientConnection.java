package io.gnomon.http;

import io.netty.channel.Channel;
import java.util.function.BooleanSupplier;

/**
 * The connection of the request a worker thread is handling, so long work (a query) can stop
 * when the client has gone away. Set by the router around each handler call.
 */
public final class ClientConnection {

    private static final ThreadLocal<Channel> CURRENT = new ThreadLocal<>();
    private static final BooleanSupplier NEVER = () -> false;

    private ClientConnection() {
    }

    static void enter(Channel channel) {
        CURRENT.set(channel);
    }

    static void exit() {
        CURRENT.remove();
    }

    /** True once the current request's client has closed its connection (false off a request thread). */
    public static BooleanSupplier gone() {
        Channel c = CURRENT.get();
        return c == null ? NEVER : () -> !c.isActive();
    }
}
