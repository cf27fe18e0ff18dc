package io.gnomon.tsdb.head;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The sample-applying side of {@link HeadReplayer}: batches of (series, timestamp, value bits or
 * XOR) go to the worker that owns the series (ref modulo the number of workers), which advances
 * the series' XOR state and appends through the normal chunk path. With one worker the caller
 * applies each batch itself. Queues are bounded, so a slow worker slows the reader instead of
 * buffering the log in memory.
 */
final class Shards {

    static final int BATCH = 4096;
    private static final int QUEUE = 4;

    /** What the workers applied. */
    static final class Totals {
        long samples;
        long outOfOrder;
        /** Samples before the head's lower bound (already in a block): skipped. */
        long tooOld;
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        /** Keeps the touch-ahead loads of {@link #apply} from being optimized away; meaningless. */
        int touchSink;

        void merge(Totals o) {
            samples += o.samples;
            outOfOrder += o.outOfOrder;
            tooOld += o.tooOld;
            mint = Math.min(mint, o.mint);
            maxt = Math.max(maxt, o.maxt);
        }
    }

    private static final class Batch {
        final MemSeries[] series = new MemSeries[BATCH];
        final long[] t = new long[BATCH];
        final long[] bits = new long[BATCH];
        final boolean[] xor = new boolean[BATCH];
        /** Entry only sets the series' XOR base (XOR_BASES), no sample. */
        final boolean[] base = new boolean[BATCH];
        /** Entry deletes the series' samples in [t, bits] (TOMBSTONES). */
        final boolean[] del = new boolean[BATCH];
        /** Start timestamp of the sample (0: none). */
        final long[] st = new long[BATCH];
        int n;
    }

    private static final Batch END = new Batch();

    private final long chunkRange;
    private final StColumns startTimestamps;
    private final long minValidTime;
    private final int n;
    /** {@code n - 1} when {@code n} is a power of two (a mask picks the worker), else -1 (a modulo). */
    private final int mask;
    private final Batch[] filling;
    private final BlockingQueue<Batch>[] queues;
    private final BlockingQueue<Batch> free;
    private final Thread[] threads;
    private final Totals[] totals;
    private final Throwable[] failures;
    private long queued;

    @SuppressWarnings("unchecked")
    Shards(Head head, long chunkRange, int workers) {
        this.chunkRange = chunkRange;
        this.startTimestamps = head.startTimestamps;
        this.minValidTime = head.minValidTime();
        this.n = workers;
        this.mask = Integer.bitCount(workers) == 1 ? workers - 1 : -1;
        this.filling = new Batch[workers];
        this.queues = new BlockingQueue[workers];
        this.free = new ArrayBlockingQueue<>(workers * (QUEUE + 2));
        this.threads = new Thread[workers];
        this.totals = new Totals[workers];
        this.failures = new Throwable[workers];
        for (int i = 0; i < workers; i++) {
            filling[i] = new Batch();
            totals[i] = new Totals();
        }
        if (workers > 1) {
            for (int i = 0; i < workers; i++) {
                int w = i;
                queues[i] = new ArrayBlockingQueue<>(QUEUE);
                threads[i] = new Thread(() -> work(w), "gnomon-wal-replay-" + i);
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }
    }

    /*
     * Every method takes the series and its ref ({@code s.ref()}, passed so that the decoding
     * thread does not read the series object: with many series that is a cache miss per sample
     * on the thread that bounds replay). The ref picks the worker that owns the series.
     */

    /** Queues one sample; {@code bits} is the value's bits, or its XOR when {@code xor}. */
    void add(MemSeries s, long ref, long t, long bits, boolean xor) {
        queue(s, ref, t, bits, xor, false, false, 0L);
    }

    /** Queues one sample given by its value bits, with its start timestamp {@code st} (0: none). */
    void addWithStart(MemSeries s, long ref, long t, long bits, long st) {
        queue(s, ref, t, bits, false, false, false, st);
    }

    /** Queues a new XOR base for a series (no sample), in log order with its samples. */
    void addBase(MemSeries s, long ref, long bits) {
        queue(s, ref, Long.MIN_VALUE, bits, false, true, false, 0L);
    }

    /** Queues a deletion of the series' samples in {@code [mint, maxt]}, in log order with its samples. */
    void addDelete(MemSeries s, long ref, long mint, long maxt) {
        queue(s, ref, mint, maxt, false, false, true, 0L);
    }

    private void queue(MemSeries s, long ref, long t, long bits, boolean xor, boolean base, boolean del, long st) {
        int w = mask >= 0 ? (int) (ref & mask) : (int) (ref % n);
        Batch b = filling[w];
        int i = b.n;
        b.series[i] = s;
        b.t[i] = t;
        b.bits[i] = bits;
        b.xor[i] = xor;
        b.base[i] = base;
        b.del[i] = del;
        b.st[i] = st;
        b.n = i + 1;
        queued++;
        if (b.n == BATCH) {
            hand(w, b);
        }
    }

    /** Samples queued so far (applied or about to be). */
    long queued() {
        return queued;
    }

    private void hand(int w, Batch b) {
        if (n == 1) {
            apply(b, totals[0]);
            b.n = 0;
            return;
        }
        try {
            queues[w].put(b);
            Batch next = free.poll();
            filling[w] = next != null ? next : new Batch();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during WAL replay", e);
        }
    }

    /** Flushes the partial batches, waits for the workers, and sums what they applied. */
    Totals finish() {
        for (int w = 0; w < n; w++) {
            if (filling[w].n > 0) {
                hand(w, filling[w]);
            }
        }
        Totals sum = new Totals();
        if (n > 1) {
            for (int w = 0; w < n; w++) {
                try {
                    queues[w].put(END);
                    threads[w].join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted during WAL replay", e);
                }
                if (failures[w] != null) {
                    throw new IllegalStateException("WAL replay worker failed", failures[w]);
                }
            }
        }
        for (Totals t : totals) {
            sum.merge(t);
        }
        return sum;
    }

    private void work(int w) {
        try {
            while (true) {
                Batch b = queues[w].take();
                if (b == END) {
                    return;
                }
                apply(b, totals[w]);
                b.n = 0;
                java.util.Arrays.fill(b.series, null);
                free.offer(b);
            }
        } catch (Throwable t) {
            failures[w] = t;
            // Keep draining so the reader never blocks on a dead worker.
            try {
                while (queues[w].take() != END) {
                    // discard
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Applies a batch in order: the owner thread is the only one touching these series. */
    private void apply(Batch b, Totals tot) {
        int touched = 0;
        for (int i = 0; i < b.n; i++) {
            if (i >= touched) {
                // Load the next series' lines together, so that their cache misses overlap.
                touched = Math.min(b.n, i + MemSeries.TOUCH_AHEAD);
                tot.touchSink += MemSeries.touchAll(b.series, i, touched);
            }
            MemSeries s = b.series[i];
            if (b.del[i]) {
                synchronized (s) {
                    s.deleteRange(b.t[i], b.bits[i], chunkRange, startTimestamps);
                }
                continue;
            }
            long bits = b.xor[i] ? s.walLastBits ^ b.bits[i] : b.bits[i];
            s.walLastBits = bits;
            if (b.base[i]) {
                continue;
            }
            long t = b.t[i];
            if (t < minValidTime) {
                tot.tooOld++;
                continue;
            }
            int code;
            synchronized (s) {
                code = s.append(t, Double.longBitsToDouble(bits), b.st[i], chunkRange, startTimestamps);
            }
            if (code < 0) {
                tot.samples++;
                if (t < tot.mint) {
                    tot.mint = t;
                }
                if (t > tot.maxt) {
                    tot.maxt = t;
                }
            } else if (code > 0) {
                tot.outOfOrder++;
            }
        }
    }
}
