package io.gnomon.tsdb;

/**
 * How far the WAL replay of {@link Db#open} has come, in WAL segments, for
 * {@code /api/v1/status/walreplay}: {@code min} and {@code max} are the first and last segment
 * to replay, {@code current} the one being read. Written by the replaying thread, read by any.
 * All three stay 0 for an empty WAL, as Prometheus reports it.
 */
public final class ReplayProgress {

    private volatile int min;
    private volatile int max;
    private volatile int current;

    void range(int first, int last) {
        this.min = first;
        this.max = last;
    }

    /** Called by the replayer whenever it moves on to another segment. */
    public void current(int segment) {
        this.current = segment;
    }

    public int min() {
        return min;
    }

    public int max() {
        return max;
    }

    public int current() {
        return current;
    }
}
