package io.gnomon.wal;

import org.agrona.DirectBuffer;

/**
 * Decides what a checkpoint keeps of each record it folds (see {@link Wal#checkpoint}). The
 * filter is called once per record, in log order, on the checkpointing thread; it emits zero, one
 * or several records to the sink, unchanged or rewritten (for example a samples record reduced to
 * the series that are still live). The record buffer is valid only during the call; the sink
 * copies what it is given.
 */
@FunctionalInterface
public interface RecordFilter {

    void apply(DirectBuffer record, int offset, int length, Sink keep);

    /**
     * Called once after the last record, before the checkpoint is closed: a filter that carries
     * state across records (for example each series' latest value) emits it here, after
     * everything it kept. Nothing by default.
     */
    default void finish(Sink keep) {
    }

    /** Receives the records the checkpoint keeps. */
    @FunctionalInterface
    interface Sink {
        void emit(DirectBuffer buffer, int offset, int length);
    }

    /** A yes/no decision per record. */
    @FunctionalInterface
    interface Predicate {
        boolean test(DirectBuffer record, int offset, int length);
    }

    /** Keeps every record unchanged. */
    static RecordFilter keepAll() {
        return (record, offset, length, keep) -> keep.emit(record, offset, length);
    }

    /** Keeps the records the predicate accepts, unchanged. */
    static RecordFilter keepIf(Predicate predicate) {
        return (record, offset, length, keep) -> {
            if (predicate.test(record, offset, length)) {
                keep.emit(record, offset, length);
            }
        };
    }
}
