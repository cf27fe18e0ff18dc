package io.gnomon.promql.engine.eval;

import io.gnomon.promql.ast.PosRange;
import io.gnomon.promql.engine.Annotation;
import io.gnomon.promql.engine.QueryException;
import io.gnomon.promql.engine.QueryOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * What one query evaluation shares across nodes: options, the deadline and cancellation check,
 * the sample budget ({@code --query.max-samples}) and the annotations collected so far.
 * Single-threaded, like the evaluation itself.
 */
final class EvalContext {
    final String query;
    final QueryOptions options;
    final long queryStart;
    final long queryEnd;
    final long queryStep;
    private final long deadlineNanos;
    private final BooleanSupplier canceled;
    private long samples;
    private int checks;
    private final Set<String> seen = new LinkedHashSet<>();
    final List<Annotation> warnings = new ArrayList<>();
    final List<Annotation> infos = new ArrayList<>();

    EvalContext(String query, QueryOptions options, long queryStart, long queryEnd, long queryStep,
            BooleanSupplier canceled) {
        this.query = query;
        this.options = options;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.queryStep = queryStep;
        this.deadlineNanos = System.nanoTime() + options.timeout().toNanos();
        this.canceled = canceled;
    }

    /** Counts samples held in memory; fails the query past {@code --query.max-samples}. */
    void addSamples(long n) {
        samples += n;
        if (samples > options.maxSamples()) {
            throw QueryException.tooManySamples();
        }
    }

    void releaseSamples(long n) {
        samples -= n;
    }

    /** Cheap enough to call per series: looks at the clock every 64th call. */
    void check(String where) {
        if ((checks++ & 63) != 0) {
            return;
        }
        checkNow(where);
    }

    void checkNow(String where) {
        if (canceled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw QueryException.canceled(where);
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            throw QueryException.timeout(where);
        }
    }

    void warn(String message, PosRange pos) {
        add(Annotation.Kind.WARNING, message, pos);
    }

    void info(String message, PosRange pos) {
        add(Annotation.Kind.INFO, message, pos);
    }

    private void add(Annotation.Kind kind, String message, PosRange pos) {
        String p = pos == null || pos.start() < 0 ? null : pos.lineColumn(query);
        Annotation a = new Annotation(kind, message, p);
        if (seen.add(a.toString())) {
            (kind == Annotation.Kind.WARNING ? warnings : infos).add(a);
        }
    }
}
