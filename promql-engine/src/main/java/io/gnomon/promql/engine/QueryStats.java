package io.gnomon.promql.engine;

/**
 * What a query cost, as Prometheus reports it with {@code stats=...}: time per phase and the
 * samples it touched. {@code totalQueryableSamples} counts, per evaluation step, the samples an
 * instant selector returned and the samples inside each range window (a window's samples count
 * once per step it serves, as in Prometheus); {@code peakSamples} is the most samples held in
 * memory at once.
 *
 * @param queueNanos       waiting for a query slot ({@code --query.max-concurrency})
 * @param preparationNanos parsing and planning
 * @param innerEvalNanos   evaluating the expression
 * @param resultSortNanos  turning the evaluation into the result value, sorting included
 */
public record QueryStats(long queueNanos, long preparationNanos, long innerEvalNanos, long resultSortNanos,
                         long totalQueryableSamples, long peakSamples) {

    public long evalTotalNanos() {
        return innerEvalNanos + resultSortNanos;
    }

    public long execTotalNanos() {
        return queueNanos + preparationNanos + evalTotalNanos();
    }
}
