package io.gnomon.tsdb.storage;

/** Where ingest writes: the head, or the database in front of it. Thread-safe. */
public interface Appendable {

    /** A new batch. Each appender is used by one thread and ends with commit or rollback. */
    Appender appender();
}
