package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.engine.Engine;
import io.gnomon.promql.engine.QueryOptions;
import io.gnomon.promql.engine.value.Vector;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.AggregationTemporalitySelector;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delta sender keeps exporting across a Gnomon restart: the conversion state is rebuilt from
 * the stored series (which the WAL replay restored), so the restart is not a counter reset and
 * {@code increase()} counts every delta exactly once.
 */
class OtlpDeltaRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void aRestartIsNotACounterReset() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String[] args = {"--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.path=" + dataDir};
        Gnomon server = new Gnomon(Flags.parse(args), BuildInfo.load());
        server.start();
        PeriodicMetricReader reader = PeriodicMetricReader.builder(OtlpHttpMetricExporter.builder()
                .setEndpoint("http://127.0.0.1:" + port + "/api/v1/otlp/v1/metrics")
                .setAggregationTemporalitySelector(AggregationTemporalitySelector.deltaPreferred()).build())
            .setInterval(Duration.ofHours(1)).build();
        SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader)
            .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "restart"))).build();
        LongCounter c = provider.get("t").counterBuilder("orders").build();
        try {
            Thread.sleep(5); // the first delta's start (the provider's start) and end in distinct milliseconds
            c.add(3);
            assertTrue(reader.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            Thread.sleep(5);
            c.add(5);
            assertTrue(reader.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            server.close();

            server = new Gnomon(Flags.parse(args), BuildInfo.load());
            server.start();
            Thread.sleep(5);
            c.add(4);
            assertTrue(reader.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());

            Engine engine = new Engine(1);
            long t = lastT(server, engine);
            assertEquals(12, value(server, engine, "orders_total", t), 0);
            assertEquals(0, value(server, engine, "resets(orders_total[1h])", t), 0);
            assertEquals(12, value(server, engine, "increase(orders_total[1h])", t), 1e-9);
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
            server.close();
        }
    }

    static long lastT(Gnomon server, Engine engine) {
        double ts = value(server, engine, "timestamp(orders_total)", System.currentTimeMillis());
        return Math.round(ts * 1000);
    }

    static double value(Gnomon server, Engine engine, String q, long t) {
        Vector v = (Vector) engine.instantQuery(server.db(), q, t, QueryOptions.defaults()).value();
        assertEquals(1, v.size(), q + " -> " + v);
        return v.v(0);
    }
}
