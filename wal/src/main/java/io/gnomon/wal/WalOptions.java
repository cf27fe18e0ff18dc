package io.gnomon.wal;

import java.util.Objects;

/**
 * Immutable writer options. Start from {@link #defaults()} and override with the {@code with*}
 * methods.
 *
 * <ul>
 *   <li>{@code segmentSize}: nominal segment size, default 128 MiB, range
 *       [{@link WalDescriptor#MIN_SEGMENT_SIZE}, {@link WalDescriptor#MAX_SEGMENT_SIZE}]. A
 *       record larger than a whole segment gets a segment of its own, which is then larger.</li>
 *   <li>{@code compression}: LZ4-compress records (each record only when that makes it
 *       smaller). Default true, matching {@code --storage.tsdb.wal-compression}. Reading is
 *       always possible regardless of this option.</li>
 *   <li>{@code fsyncPolicy}: see {@link FsyncPolicy}; default
 *       {@link FsyncPolicy#SEGMENT_AND_INTERVAL}.</li>
 *   <li>{@code fsyncIntervalMillis}: the interval of that policy, default 1000.</li>
 *   <li>{@code maxPendingBytes}: back-pressure; a {@link Wal#submit} waits while more than this
 *       many framed bytes wait for the flusher. Default 16 MiB.</li>
 * </ul>
 */
public final class WalOptions {

    private static final WalOptions DEFAULTS = new WalOptions(
            WalDescriptor.DEFAULT_SEGMENT_SIZE, true, FsyncPolicy.SEGMENT_AND_INTERVAL, 1000, 16 << 20);

    private final long segmentSize;
    private final boolean compression;
    private final FsyncPolicy fsyncPolicy;
    private final long fsyncIntervalMillis;
    private final int maxPendingBytes;

    private WalOptions(long segmentSize, boolean compression, FsyncPolicy fsyncPolicy, long fsyncIntervalMillis,
                       int maxPendingBytes) {
        if (segmentSize < WalDescriptor.MIN_SEGMENT_SIZE || segmentSize > WalDescriptor.MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size out of range [segmentSize=" + segmentSize
                    + ", min=" + WalDescriptor.MIN_SEGMENT_SIZE + ", max=" + WalDescriptor.MAX_SEGMENT_SIZE + "]");
        }
        if (fsyncIntervalMillis <= 0) {
            throw new IllegalArgumentException("fsync interval must be positive [fsyncIntervalMillis="
                    + fsyncIntervalMillis + "]");
        }
        if (maxPendingBytes < WalDescriptor.PAGE_SIZE) {
            throw new IllegalArgumentException("max pending bytes below one page [maxPendingBytes="
                    + maxPendingBytes + "]");
        }
        this.segmentSize = segmentSize;
        this.compression = compression;
        this.fsyncPolicy = Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
        this.fsyncIntervalMillis = fsyncIntervalMillis;
        this.maxPendingBytes = maxPendingBytes;
    }

    /** 128 MiB segments, LZ4 on, {@link FsyncPolicy#SEGMENT_AND_INTERVAL} every 1000 ms. */
    public static WalOptions defaults() {
        return DEFAULTS;
    }

    public WalOptions withSegmentSize(long bytes) {
        return new WalOptions(bytes, compression, fsyncPolicy, fsyncIntervalMillis, maxPendingBytes);
    }

    public WalOptions withCompression(boolean enabled) {
        return new WalOptions(segmentSize, enabled, fsyncPolicy, fsyncIntervalMillis, maxPendingBytes);
    }

    public WalOptions withFsyncPolicy(FsyncPolicy policy) {
        return new WalOptions(segmentSize, compression, policy, fsyncIntervalMillis, maxPendingBytes);
    }

    public WalOptions withFsyncIntervalMillis(long millis) {
        return new WalOptions(segmentSize, compression, fsyncPolicy, millis, maxPendingBytes);
    }

    public WalOptions withMaxPendingBytes(int bytes) {
        return new WalOptions(segmentSize, compression, fsyncPolicy, fsyncIntervalMillis, bytes);
    }

    public long segmentSize() {
        return segmentSize;
    }

    public boolean compression() {
        return compression;
    }

    public FsyncPolicy fsyncPolicy() {
        return fsyncPolicy;
    }

    public long fsyncIntervalMillis() {
        return fsyncIntervalMillis;
    }

    public int maxPendingBytes() {
        return maxPendingBytes;
    }

    @Override
    public String toString() {
        return "WalOptions[segmentSize=" + segmentSize + ", compression=" + compression + ", fsyncPolicy="
                + fsyncPolicy + ", fsyncIntervalMillis=" + fsyncIntervalMillis + ", maxPendingBytes="
                + maxPendingBytes + "]";
    }
}
