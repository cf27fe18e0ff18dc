package io.gnomon.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admission runs on the event loop before queueing; permits come back after the handler. */
class RouteAdmissionTest {

    static final class Permits implements Route.Admission {
        final AtomicInteger free;
        final AtomicInteger released = new AtomicInteger();

        Permits(int n) {
            free = new AtomicInteger(n);
        }

        @Override
        public boolean tryAcquire() {
            return free.getAndUpdate(x -> x > 0 ? x - 1 : x) > 0;
        }

        @Override
        public FullHttpResponse refusal() {
            FullHttpResponse r = Responses.text(HttpResponseStatus.TOO_MANY_REQUESTS, "busy\n");
            r.headers().set("Retry-After", "1");
            return r;
        }

        @Override
        public void release() {
            released.incrementAndGet();
            free.incrementAndGet();
        }
    }

    static FullHttpResponse post(EmbeddedChannel ch) throws InterruptedException {
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/w", Unpooled.buffer(0)));
        for (int i = 0; i < 200; i++) {
            ch.runPendingTasks();
            FullHttpResponse r = ch.readOutbound();
            if (r != null) {
                return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no response");
    }

    @Test
    void refusedWithoutAPermitAndPermitReturnedAfterTheHandler() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            Permits none = new Permits(0);
            Router r1 = new Router().add("/w", Set.of(HttpMethod.POST), none,
                req -> Responses.text(HttpResponseStatus.OK, "ok\n"));
            EmbeddedChannel ch1 = new EmbeddedChannel(new RouterHandler(r1, pool, null));
            FullHttpResponse refused = post(ch1);
            assertEquals(429, refused.status().code());
            assertEquals("1", refused.headers().get("Retry-After"));
            refused.release();
            assertEquals(0, none.released.get());

            Permits one = new Permits(1);
            Router r2 = new Router().add("/w", Set.of(HttpMethod.POST), one,
                req -> Responses.text(HttpResponseStatus.OK, "ok\n"));
            EmbeddedChannel ch2 = new EmbeddedChannel(new RouterHandler(r2, pool, null));
            for (int i = 0; i < 3; i++) {
                FullHttpResponse ok = post(ch2);
                assertEquals(200, ok.status().code());
                ok.release();
                for (int k = 0; k < 100 && one.released.get() <= i; k++) {
                    Thread.sleep(10);
                }
                assertEquals(i + 1, one.released.get());
            }
            ch1.finishAndReleaseAll();
            ch2.finishAndReleaseAll();
        } finally {
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
