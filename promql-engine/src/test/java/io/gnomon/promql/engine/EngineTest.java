package io.gnomon.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.promql.engine.value.Matrix;
import io.gnomon.promql.engine.value.Scalar;
import io.gnomon.promql.engine.value.Vector;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The engine's API contract: result types, error types and texts, limits and cancellation. */
class EngineTest {
    private final Engine engine = new Engine(2);
    private Head head;

    @BeforeEach
    void load() {
        head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        for (int s = 0; s < 10; s++) {
            Labels l = Labels.of("__name__", "x_total", "job", s % 2 == 0 ? "a" : "b", "instance", "i" + s);
            long ref = 0;
            for (int k = 0; k <= 60; k++) {
                ref = app.append(ref, l, k * 15_000L, k * (s + 1));
            }
        }
        app.commit();
    }

    /**
     * Start timestamps are read only when the option is on (Prometheus's use-start-timestamps
     * feature, off by default): a delta series whose every sample starts at the previous one.
     */
    @Test
    void startTimestampsAreUsedOnlyWhenEnabled() {
        Head h = new Head(HeadOptions.defaults());
        Appender app = h.appender();
        Labels l = Labels.of("__name__", "d_total");
        long ref = 0;
        for (int k = 1; k <= 10; k++) {
            ref = app.appendWithStartTimestamp(ref, l, (k - 1) * 60_000L, k * 60_000L, 60);
        }
        app.commit();
        QueryOptions off = QueryOptions.defaults();
        QueryOptions on = off.withStartTimestamps(true);
        Vector plain = assertInstanceOf(Vector.class, engine.instantQuery(h, "increase(d_total[5m])", 600_000, off).value());
        assertEquals(0.0, plain.v(0), "without start timestamps a constant series never increases");
        Vector st = assertInstanceOf(Vector.class, engine.instantQuery(h, "increase(d_total[5m])", 600_000, on).value());
        assertEquals(300.0, st.v(0), 1e-9);
        assertEquals(0, ((Vector) engine.instantQuery(h, "start_timestamp(d_total)", 600_000, off).value()).size());
        Vector starts = assertInstanceOf(Vector.class, engine.instantQuery(h, "start_timestamp(d_total)", 600_000, on).value());
        assertEquals(540.0, starts.v(0));
        // A subquery's points carry no start timestamps, even with the option on.
        Vector sub = assertInstanceOf(Vector.class, engine.instantQuery(h, "increase(d_total[5m:1m])", 600_000, on).value());
        assertEquals(0.0, sub.v(0));
    }

    /** The sample limit also covers intermediate results: inputs and result are held together. */
    @Test
    void maxSamplesCountsIntermediateResults() {
        QueryOptions fifteen = QueryOptions.defaults().withMaxSamples(15);
        Result plain = engine.instantQuery(head, "x_total", 600_000, fifteen);
        assertEquals(10, plain.stats().totalQueryableSamples());
        assertEquals(10, plain.stats().peakSamples());
        QueryException e = assertThrows(QueryException.class, () -> engine.instantQuery(head, "x_total * 2", 600_000, fifteen));
        assertEquals(QueryException.ErrorType.EXECUTION, e.errorType());
        assertTrue(e.getMessage().contains("too many samples"), e.getMessage());
        Result doubled = engine.instantQuery(head, "x_total * 2", 600_000, QueryOptions.defaults());
        assertEquals(20, doubled.stats().peakSamples());
        assertEquals(10, doubled.stats().totalQueryableSamples());
        // sum: 10 inputs and 1 output at the peak.
        assertEquals(11, engine.instantQuery(head, "sum(x_total)", 600_000, QueryOptions.defaults()).stats().peakSamples());
    }

    @Test
    void instantQueryReturnsAVectorAtTheEvaluationTime() {
        Result r = engine.instantQuery(head, "sum by (job) (x_total)", 600_000, QueryOptions.defaults());
        Vector v = assertInstanceOf(Vector.class, r.value());
        assertEquals(2, v.size());
        for (int i = 0; i < v.size(); i++) {
            assertEquals(600_000, v.t(i));
        }
        assertTrue(r.warnings().isEmpty());
    }

    @Test
    void rangeQueryReturnsSortedSeriesWithOnePointPerStep() {
        Result r = engine.rangeQuery(head, "rate(x_total[1m])", 60_000, 900_000, 60_000, QueryOptions.defaults());
        Matrix m = assertInstanceOf(Matrix.class, r.value());
        assertEquals(10, m.size());
        for (int i = 1; i < m.size(); i++) {
            assertTrue(m.series(i - 1).labels().compareTo(m.series(i).labels()) < 0);
        }
        assertEquals(15, m.series(0).count());
        assertEquals(60_000, m.series(0).t()[0]);
        assertTrue(m.series(0).labels().metricName().isEmpty(), "rate drops the metric name");
    }

    @Test
    void scalarQueries() {
        Scalar s = assertInstanceOf(Scalar.class, engine.instantQuery(head, "1 + 2 * 3", 0, QueryOptions.defaults()).value());
        assertEquals(7, s.v());
    }

    @Test
    void parseErrorsAreBadData() {
        QueryException e = assertThrows(QueryException.class,
                () -> engine.instantQuery(head, "sum(", 0, QueryOptions.defaults()));
        assertEquals(QueryException.ErrorType.BAD_DATA, e.errorType());
    }

    @Test
    void rangeQueryOfARangeVectorIsBadData() {
        QueryException e = assertThrows(QueryException.class,
                () -> engine.rangeQuery(head, "x_total[5m]", 0, 60_000, 15_000, QueryOptions.defaults()));
        assertEquals(QueryException.ErrorType.BAD_DATA, e.errorType());
    }

    @Test
    void maxSamplesUsesPrometheusText() {
        QueryException e = assertThrows(QueryException.class, () -> engine.rangeQuery(head, "x_total", 0, 900_000,
                15_000, QueryOptions.defaults().withMaxSamples(100)));
        assertEquals(QueryException.ErrorType.EXECUTION, e.errorType());
        assertEquals("query processing would load too many samples into memory in query execution", e.getMessage());
    }

    @Test
    void cancellationStopsTheQuery() {
        AtomicBoolean gone = new AtomicBoolean(true);
        QueryException e = assertThrows(QueryException.class, () -> engine.rangeQuery(head,
                "sum_over_time(x_total[10m:1s])", 0, 900_000, 1_000, QueryOptions.defaults(), gone::get));
        assertEquals(QueryException.ErrorType.CANCELED, e.errorType());
    }

    @Test
    void timeoutIsReportedAsTimeout() {
        QueryException e = assertThrows(QueryException.class, () -> engine.rangeQuery(head,
                "sum_over_time(x_total[10m:1s])", 0, 900_000, 1_000, QueryOptions.defaults().withTimeout(Duration.ofNanos(1))));
        assertEquals(QueryException.ErrorType.TIMEOUT, e.errorType());
    }

    @Test
    void queriesBeyondTheConcurrencyLimitWaitForASlot() throws Exception {
        Engine one = new Engine(1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> one.instantQuery(head, "x_total", 0, QueryOptions.defaults(), () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }));
        // The first query polls its cancellation check while evaluating; it holds the only slot
        // until released. A second query with a short timeout times out in the queue.
        t.start();
        QueryException e = null;
        if (started.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            e = assertThrows(QueryException.class, () -> one.instantQuery(head, "x_total", 0,
                    QueryOptions.defaults().withTimeout(Duration.ofMillis(50))));
        }
        release.countDown();
        t.join();
        if (e != null) {
            assertEquals(QueryException.ErrorType.TIMEOUT, e.errorType());
            assertEquals("query timed out in query queue", e.getMessage());
        }
    }

    @Test
    void annotationsCarryPrometheusTextAndPosition() {
        Result r = engine.instantQuery(head, "quantile(2, x_total)", 600_000, QueryOptions.defaults());
        assertEquals(1, r.warnings().size());
        assertEquals("PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)", r.warnings().get(0).toString());
    }
}
