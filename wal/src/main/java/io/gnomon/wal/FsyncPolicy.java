package io.gnomon.wal;

/**
 * When the WAL calls {@code fsync}. In every policy an acknowledged record has been handed to the
 * operating system with {@code FileChannel.write} before {@link Wal#append} returns, so it
 * survives the death of the process ({@code kill -9}); the policies differ only in what survives
 * a power loss or kernel crash.
 */
public enum FsyncPolicy {

    /**
     * Default. The flusher fsyncs a segment when it is cut (before the next one receives data),
     * every {@link WalOptions#fsyncIntervalMillis()} milliseconds while there are unsynced bytes,
     * on {@link Wal#awaitDurable}/{@link Wal#sync} and on close.
     *
     * <p>Power-loss window: records acknowledged during the last interval, plus the duration of
     * the fsync in flight, may be lost (with the default 1000 ms, about one second of
     * acknowledged writes). Repair on the next open cuts whatever torn tail the power loss left.
     */
    SEGMENT_AND_INTERVAL,

    /**
     * Every batch of records is written and fsynced before any append in it returns. Group
     * commit makes concurrent appenders share one {@code write} and one {@code fsync}.
     */
    ALWAYS
}
