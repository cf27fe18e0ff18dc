package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads append at once: nothing lost, nothing interleaved, each thread's order kept. */
class WalConcurrencyTest {

    private static final System.Logger LOG = System.getLogger(WalConcurrencyTest.class.getName());

    @TempDir
    Path dir;

    private static long id(int thread, int seq) {
        return ((long) thread << 32) | seq;
    }

    private void appendConcurrently(WalOptions options, int threads, int perThread, boolean submitThenAwait)
            throws Exception {
        final long seed = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, "concurrency test seed=" + seed);
        final List<Set<Long>> positions = new ArrayList<>();
        final long written;
        try (Wal wal = Wal.open(dir, options)) {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<Set<Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                futures.add(pool.submit(() -> {
                    final SplittableRandom random = new SplittableRandom(seed + thread);
                    final Set<Long> mine = new HashSet<>();
                    start.await();
                    long last = 0;
                    for (int i = 0; i < perThread; i++) {
                        final byte[] r = record(id(thread, i), 8 + random.nextInt(random.nextInt(10) == 0 ? 40_000 : 3000));
                        final long p;
                        if (submitThenAwait) {
                            p = wal.submit(new UnsafeBuffer(r), 0, r.length);
                        } else {
                            p = wal.append(ByteBuffer.wrap(r));
                            assertTrue(wal.writtenPosition() >= p, "acknowledged means written");
                        }
                        assertTrue(p > last, "positions of one thread grow");
                        last = p;
                        mine.add(p);
                    }
                    if (submitThenAwait) {
                        wal.await(last);
                    }
                    return mine;
                }));
            }
            start.countDown();
            for (Future<Set<Long>> f : futures) {
                positions.add(f.get(60, TimeUnit.SECONDS));
            }
            pool.shutdown();
            final WalMetrics m = wal.metrics();
            written = m.records();
            LOG.log(System.Logger.Level.INFO, "concurrency test " + m);
            assertTrue(m.writes() < m.records(), "group commit shared writes: " + m);
        }
        final Set<Long> all = new HashSet<>();
        positions.forEach(all::addAll);
        assertEquals((long) threads * perThread, all.size(), "every record has its own position");
        assertEquals((long) threads * perThread, written);

        final int[] next = new int[threads];
        long count = 0;
        try (WalReader r = WalReader.open(dir)) {
            while (r.next()) {
                final long id = TestRecords.check(r.record(), r.length());
                final int thread = (int) (id >>> 32);
                final int seq = (int) id;
                assertEquals(next[thread], seq, "thread " + thread + " records in call order, none lost");
                next[thread]++;
                count++;
            }
            assertEquals(null, r.error());
        }
        assertEquals((long) threads * perThread, count);
    }

    @Test
    void manyThreadsSegmentAndInterval() throws Exception {
        appendConcurrently(WalOptions.defaults().withSegmentSize(1 << 20), 8, 1500, false);
    }

    @Test
    void manyThreadsFsyncAlways() throws Exception {
        appendConcurrently(WalOptions.defaults().withSegmentSize(1 << 20).withFsyncPolicy(FsyncPolicy.ALWAYS), 6, 150,
                false);
    }

    @Test
    void submitWithoutWaitingUnderBackPressure() throws Exception {
        appendConcurrently(WalOptions.defaults().withSegmentSize(256 * 1024).withCompression(false)
                .withMaxPendingBytes(WalDescriptor.PAGE_SIZE), 4, 2000, true);
    }

    @Test
    void interruptingAnAppenderNeitherBreaksTheWalNorLosesTheInterrupt() throws Exception {
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            final int[] interruptedSeen = new int[1];
            final Thread appender = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    wal.append(ByteBuffer.wrap(record(i, 1000)));
                    if (Thread.interrupted()) {
                        interruptedSeen[0]++;
                    }
                }
            });
            appender.start();
            while (appender.isAlive()) {
                appender.interrupt();
                Thread.sleep(0, 200_000);
            }
            appender.join();
            assertTrue(interruptedSeen[0] > 0, "interrupts reached the appender");
            wal.append(ByteBuffer.wrap(record(2000, 1000)));
            assertEquals(TestRecords.range(0, 2001), WalRoundTripTest.readAll(wal.reader()));
        }
    }
}
