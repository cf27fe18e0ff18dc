package io.gnomon.scrape;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Byte arrays for scrape bodies, shared by all loops: only scrapes in flight hold one, so memory
 * follows concurrency rather than the number of targets (1,000 idle targets hold nothing).
 * Arrays larger than {@link #MAX_RETAINED_SIZE} are not kept, and at most {@link #MAX_RETAINED} are.
 */
final class BufferPool {
    static final int MAX_RETAINED_SIZE = 4 << 20;
    static final int MAX_RETAINED = 64;

    private final ConcurrentLinkedDeque<byte[]> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger retained = new AtomicInteger();

    /** An array of at least {@code min} bytes. */
    byte[] take(int min) {
        byte[] b = free.pollFirst();
        if (b != null) {
            retained.decrementAndGet();
            if (b.length >= min) {
                return b;
            }
        }
        return new byte[Math.max(min, 64 * 1024)];
    }

    void give(byte[] b) {
        if (b == null || b.length > MAX_RETAINED_SIZE || retained.get() >= MAX_RETAINED) {
            return;
        }
        retained.incrementAndGet();
        free.offerFirst(b);
    }
}
