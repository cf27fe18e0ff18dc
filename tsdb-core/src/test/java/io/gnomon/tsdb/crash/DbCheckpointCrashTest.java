package io.gnomon.tsdb.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM that appends while it truncates the head and checkpoints the WAL in a loop
 * ({@link CheckpointCrashWriter}), so kills land before, inside and after checkpoints; restarts
 * it on the same directory; and checks that every acknowledged sample at or after the last
 * started truncation is there exactly once with its value and start timestamp, and nothing in
 * between is missing. A truncation counts from when it starts: a kill after its checkpoint is
 * durable but before the child reported it may leave the log cut at that truncation's mint.
 */
class DbCheckpointCrashTest {

    static final int THREADS = 2;
    static final int ROUNDS = 12;

    @TempDir
    Path dir;

    @Test
    void acknowledgedSamplesSurviveKillsDuringCheckpoints() throws Exception {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("DbCheckpointCrashTest seed=" + seed);
        Random rnd = new Random(seed);
        long[] lastAck = new long[THREADS];
        java.util.Arrays.fill(lastAck, -1);
        long maxMint = Long.MIN_VALUE;
        long maxStartedMint = Long.MIN_VALUE;
        int truncations = 0;
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CheckpointCrashWriter.class.getName(), dir.toString()));
            for (int t = 0; t < THREADS; t++) {
                cmd.add(Long.toString(lastAck[t] + 1));
            }
            Path log = dir.resolveSibling(dir.getFileName() + "-cp-round-" + round + ".out");
            Path errLog = dir.resolveSibling(dir.getFileName() + "-cp-round-" + round + ".err");
            Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile()).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("READY")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child did not start (round " + round + ", seed " + seed + "): "
                        + Files.readString(errLog));
                }
                Thread.sleep(5);
            }
            Thread.sleep(200 + rnd.nextInt(600));
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            for (String line : Files.readAllLines(log)) {
                String[] parts = line.split(" ");
                if (line.startsWith("ERROR")) {
                    throw new AssertionError("child reported: " + line);
                }
                if (line.startsWith("ACK ") && parts.length == 3) {
                    int t = Integer.parseInt(parts[1]);
                    lastAck[t] = Math.max(lastAck[t], Long.parseLong(parts[2]));
                }
                if (line.startsWith("TRUNC-START ") && parts.length == 2) {
                    maxStartedMint = Math.max(maxStartedMint, Long.parseLong(parts[1]));
                }
                if (line.startsWith("TRUNC ") && parts.length == 2) {
                    maxMint = Math.max(maxMint, Long.parseLong(parts[1]));
                    truncations++;
                }
            }
            Files.delete(log);
            Files.delete(errLog);
        }
        assertTrue(truncations > 0, "the child truncated at least once");
        try (Db db = Db.open(dir, HeadOptions.defaults(), CheckpointCrashWriter.WAL)) {
            assertTrue(db.wal().checkpointIndex() >= 0, "a checkpoint exists");
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            for (int t = 0; t < THREADS; t++) {
                for (int s = 0; s < CrashWriter.SERIES_PER_THREAD; s++) {
                    Labels l = CrashWriter.labels(t, s);
                    SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("thread", Integer.toString(t)),
                        Matcher.eq("series", Integer.toString(s)));
                    assertTrue(ss.next(), "series lost: " + l);
                    SampleIterator it = ss.at().iterator(null);
                    long batch = -1;
                    while (it.next() == ValueType.FLOAT) {
                        if (batch < 0) {
                            batch = it.atT() / 1000;
                            assertTrue(it.atT() <= Math.max(0, maxStartedMint), "samples from " + it.atT()
                                + " on, but everything from the truncation started at " + maxStartedMint
                                + " was acknowledged (seed " + seed + ")");
                        }
                        assertEquals(batch * 1000, it.atT(), "gap or duplicate in " + l + " (seed " + seed + ")");
                        assertEquals(CrashWriter.value(t, s, batch), it.atV(), "wrong value in " + l + " at " + it.atT());
                        assertEquals(CrashWriter.startTimestamp(t, s, batch), it.atST(), "wrong start timestamp in " + l + " at " + it.atT());
                        batch++;
                    }
                    assertTrue(batch > lastAck[t], "acknowledged batch " + lastAck[t] + " of " + l
                        + " missing: only up to " + batch + " (seed " + seed + ")");
                }
            }
            System.out.println("DbCheckpointCrashTest acked " + java.util.Arrays.toString(lastAck) + ", truncations "
                + truncations + ", last mint " + maxMint + ", replay: " + db.replayStats());
        }
    }
}
