package io.gnomon.promql.engine;

import io.gnomon.promql.engine.value.Value;
import java.util.List;

/**
 * The outcome of a query: its value and the annotations it produced. Warnings and infos are
 * kept apart because the HTTP API reports them in separate lists; each is already rendered
 * as Prometheus renders it (with the position of the node). {@code stats} says what it cost.
 */
public record Result(Value value, List<Annotation> warnings, List<Annotation> infos, QueryStats stats) {
    public Result {
        warnings = List.copyOf(warnings);
        infos = List.copyOf(infos);
    }

    public Result(Value value, List<Annotation> warnings, List<Annotation> infos) {
        this(value, warnings, infos, new QueryStats(0, 0, 0, 0, 0, 0));
    }
}
