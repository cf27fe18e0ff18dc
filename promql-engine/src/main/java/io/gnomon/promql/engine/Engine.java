package io.gnomon.promql.engine;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.engine.eval.Evaluator;
import io.gnomon.promql.parser.ParseException;
import io.gnomon.promql.parser.PromQLParser;
import io.gnomon.tsdb.labels.InvalidLabelsException;
import io.gnomon.tsdb.storage.Queryable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The PromQL engine: parses a query and evaluates it over a {@link Queryable}.
 *
 * <p>Thread-safe. At most {@code maxConcurrency} queries ({@code --query.max-concurrency},
 * default 20) evaluate at once; further queries wait for a slot, within their timeout.
 * Errors are {@link QueryException}s with a Prometheus error type; a query that runs out of
 * memory fails alone with an {@code internal} error instead of taking the process down.
 */
public final class Engine {
    private final Semaphore slots;

    public Engine(int maxConcurrency) {
        if (maxConcurrency <= 0) {
            throw new IllegalArgumentException("max concurrency must be positive [maxConcurrency=" + maxConcurrency + "]");
        }
        this.slots = new Semaphore(maxConcurrency, true);
    }

    /** An engine with Prometheus's default concurrency (20). */
    public Engine() {
        this(20);
    }

    /** Evaluates {@code query} at {@code timeMs}. */
    public Result instantQuery(Queryable db, String query, long timeMs, QueryOptions options) {
        return run(db, query, timeMs, timeMs, 0, options, () -> false);
    }

    /** Evaluates {@code query} at {@code start + k*step} up to {@code end}, returning a matrix. */
    public Result rangeQuery(Queryable db, String query, long start, long end, long step, QueryOptions options) {
        return rangeQuery(db, query, start, end, step, options, () -> false);
    }

    /**
     * As {@link #rangeQuery(Queryable, String, long, long, long, QueryOptions)}, polling
     * {@code canceled} (e.g. "the HTTP client went away") during evaluation.
     */
    public Result rangeQuery(Queryable db, String query, long start, long end, long step, QueryOptions options,
            BooleanSupplier canceled) {
        if (step <= 0) {
            throw QueryException.badData("zero or negative query resolution step widths are not accepted. "
                    + "Try a positive integer", null);
        }
        if (end < start) {
            throw QueryException.badData("end timestamp must not be before start time", null);
        }
        if ((end - start) / step > 11000) {
            throw QueryException.badData("exceeded maximum resolution of 11,000 points per timeseries. "
                    + "Try decreasing the query resolution (?step=XX)", null);
        }
        return run(db, query, start, end, step, options, canceled);
    }

    /** As {@link #instantQuery}, polling {@code canceled} during evaluation. */
    public Result instantQuery(Queryable db, String query, long timeMs, QueryOptions options, BooleanSupplier canceled) {
        return run(db, query, timeMs, timeMs, 0, options, canceled);
    }

    private Result run(Queryable db, String query, long start, long end, long step, QueryOptions options,
            BooleanSupplier canceled) {
        long t0 = System.nanoTime();
        Expr expr;
        try {
            expr = PromQLParser.parse(query);
        } catch (ParseException e) {
            throw QueryException.badData(e.getMessage(), e);
        }
        long t1 = System.nanoTime();
        boolean acquired;
        try {
            acquired = slots.tryAcquire(options.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw QueryException.canceled("query queue");
        }
        if (!acquired) {
            throw QueryException.timeout("query queue");
        }
        try {
            long t2 = System.nanoTime();
            Evaluator.Outcome o = Evaluator.evaluate(db, query, expr, start, end, step, options, canceled);
            return new Result(o.value(), o.warnings(), o.infos(), new QueryStats(t2 - t1, t1 - t0, o.evalNanos(),
                o.resultNanos(), o.queryableSamples(), o.peakSamples()));
        } catch (QueryException e) {
            throw e;
        } catch (InvalidLabelsException e) {
            throw QueryException.execution(e.getMessage());
        } catch (RuntimeException e) {
            throw QueryException.internal("unexpected error evaluating the query: " + e, e);
        } catch (OutOfMemoryError e) {
            throw QueryException.internal("query ran out of memory; narrow the time range or the selectors", null);
        } catch (StackOverflowError e) {
            throw QueryException.internal("query is nested too deeply to evaluate", null);
        } finally {
            slots.release();
        }
    }
}
