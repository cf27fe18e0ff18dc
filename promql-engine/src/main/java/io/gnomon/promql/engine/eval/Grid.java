package io.gnomon.promql.engine.eval;

/**
 * The evaluation steps of a node: {@code start + k*step} for {@code k < n}. An instant query
 * is a grid of one step. Every node is evaluated for all steps at once, as Prometheus does.
 */
record Grid(long start, long end, long step, int n) {
    static Grid of(long start, long end, long step) {
        int n = step == 0 ? 1 : (int) ((end - start) / step + 1);
        return new Grid(start, step == 0 ? start : start + (n - 1) * step, step, n);
    }

    long t(int i) {
        return start + i * step;
    }

    Grid single() {
        return new Grid(start, start, 0, 1);
    }
}
