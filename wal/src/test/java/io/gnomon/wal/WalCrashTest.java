package io.gnomon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 at random moments: a real child JVM ({@link CrashWriterMain}) appends from several
 * threads and prints every acknowledged record id; the test kills it with SIGKILL, reopens the
 * WAL (repairing whatever the kill left) and checks that every acknowledged record is there,
 * exactly once, in each thread's order. The same directory is reused across rounds, so repair
 * and continuation are exercised repeatedly.
 */
class WalCrashTest {

    private static final System.Logger LOG = System.getLogger(WalCrashTest.class.getName());
    private static final int ROUNDS = 20;
    private static final int THREADS = 3;

    @TempDir
    Path tmp;

    @Test
    void everyAcknowledgedRecordSurvivesKill9() throws Exception {
        final long seed = Long.getLong("wal.crash.seed", 20261122L);
        LOG.log(System.Logger.Level.INFO, "crash test seed=" + seed + " (rerun with -Dwal.crash.seed=" + seed + ")");
        final Random random = new Random(seed);
        final Path dir = tmp.resolve("wal");
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final String classpath = System.getProperty("java.class.path");
        final Set<Long> acknowledged = new HashSet<>();
        long repairs = 0;
        final long started = System.nanoTime();

        for (int round = 0; round < ROUNDS; round++) {
            final FsyncPolicy policy = round % 4 == 3 ? FsyncPolicy.ALWAYS : FsyncPolicy.SEGMENT_AND_INTERVAL;
            final Path stderr = tmp.resolve("child-" + round + ".err");
            final Process child = new ProcessBuilder(java, "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", classpath, CrashWriterMain.class.getName(), dir.toString(), Integer.toString(round),
                    Integer.toString(THREADS), policy.name())
                    .redirectError(stderr.toFile())
                    .start();
            final LineCollector lines = new LineCollector(child.getInputStream());
            lines.start();
            if (!lines.ready.await(30, TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
                fail("child did not start: " + Files.readString(stderr));
            }
            Thread.sleep(20 + random.nextInt(280));
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            lines.join(10_000);
            final List<Long> acked = lines.ids();
            acknowledged.addAll(acked);

            try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
                final RepairReport report = wal.repairReport();
                if (!report.clean()) {
                    repairs++;
                }
                LOG.log(System.Logger.Level.INFO, "crash round " + round + ": acknowledged=" + acked.size()
                        + " exit=" + child.exitValue() + " " + report);
                checkLog(wal, acknowledged, round);
            }
        }
        LOG.log(System.Logger.Level.INFO, "crash test done: rounds=" + ROUNDS + " acknowledged=" + acknowledged.size()
                + " repairs=" + repairs + " seconds=" + (System.nanoTime() - started) / 1e9);
        assertTrue(acknowledged.size() > ROUNDS, "the children acknowledged records");
    }

    /** Every acknowledged id once; per (round, thread) the ids are 0, 1, 2, ... without gaps. */
    private static void checkLog(Wal wal, Set<Long> acknowledged, int round) {
        final Set<Long> seen = new HashSet<>();
        final Map<Long, Long> nextSeq = new HashMap<>();
        try (WalReader r = wal.reader()) {
            while (r.next()) {
                final long id = TestRecords.check(r.record(), r.length());
                assertTrue(seen.add(id), "duplicate record id " + Long.toHexString(id) + " in round " + round);
                final long stream = id >>> 40;
                final long seq = id & ((1L << 40) - 1);
                final long expected = nextSeq.getOrDefault(stream, 0L);
                assertEquals(expected, seq, "records of one writer thread in order without gaps, stream="
                        + Long.toHexString(stream) + ", round " + round);
                nextSeq.put(stream, seq + 1);
            }
            assertEquals(null, r.error(), "round " + round);
        }
        final List<Long> missing = new ArrayList<>();
        for (long id : acknowledged) {
            if (!seen.contains(id)) {
                missing.add(id);
            }
        }
        assertTrue(missing.isEmpty(), "acknowledged records lost in round " + round + ": " + missing.size());
    }

    /** Collects complete stdout lines of the child; a line cut by the kill is ignored. */
    private static final class LineCollector extends Thread {
        final CountDownLatch ready = new CountDownLatch(1);
        private final InputStream in;
        private final List<Long> ids = new ArrayList<>();

        LineCollector(InputStream in) {
            this.in = in;
            setDaemon(true);
        }

        @Override
        public void run() {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            final byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            final String s = line.toString(StandardCharsets.US_ASCII);
                            line.reset();
                            if (s.equals("READY")) {
                                ready.countDown();
                            } else {
                                synchronized (ids) {
                                    ids.add(Long.parseLong(s));
                                }
                            }
                        } else {
                            line.write(buf[i]);
                        }
                    }
                }
            } catch (IOException e) {
                // the child died; what was read completely counts
            }
        }

        List<Long> ids() {
            synchronized (ids) {
                return new ArrayList<>(ids);
            }
        }
    }
}
