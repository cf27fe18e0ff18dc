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
import io.gnomon.wal.WalOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM with SIGKILL at random moments while it appends, restarts it on the same
 * directory, and checks that every acknowledged sample is there exactly once with its value.
 * The seed is printed; set {@code -Dgnomon.test.seed} to replay a run.
 */
class DbCrashTest {

    static final int THREADS = 2;
    static final int ROUNDS = 20;

    @TempDir
    Path dir;

    @Test
    void acknowledgedSamplesSurviveKillMinusNine() throws Exception {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("DbCrashTest seed=" + seed);
        Random rnd = new Random(seed);
        long[] lastAck = new long[THREADS];
        java.util.Arrays.fill(lastAck, -1);
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashWriter.class.getName(), dir.toString()));
            for (int t = 0; t < THREADS; t++) {
                cmd.add(Long.toString(lastAck[t] + 1));
            }
            // Output goes to a file: a killed child's pipe is closed by the JDK before we could
            // read the last acknowledgements it printed.
            Path log = dir.resolveSibling(dir.getFileName() + "-round-" + round + ".out");
            Path errLog = dir.resolveSibling(dir.getFileName() + "-round-" + round + ".err");
            Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile())
                .redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!java.nio.file.Files.readString(log).contains("READY")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child did not start (round " + round + ", seed " + seed + "): "
                        + java.nio.file.Files.readString(errLog));
                }
                Thread.sleep(5);
            }
            Thread.sleep(20 + rnd.nextInt(400));
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            for (String line : java.nio.file.Files.readAllLines(log)) {
                if (line.startsWith("ERROR")) {
                    throw new AssertionError("child reported: " + line);
                }
                if (line.startsWith("ACK ") && line.split(" ").length == 3) {
                    String[] parts = line.split(" ");
                    int t = Integer.parseInt(parts[1]);
                    lastAck[t] = Math.max(lastAck[t], Long.parseLong(parts[2]));
                }
            }
            java.nio.file.Files.delete(log);
            java.nio.file.Files.delete(errLog);
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), WalOptions.defaults())) {
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            for (int t = 0; t < THREADS; t++) {
                for (int s = 0; s < CrashWriter.SERIES_PER_THREAD; s++) {
                    Labels l = CrashWriter.labels(t, s);
                    SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("thread", Integer.toString(t)),
                        Matcher.eq("series", Integer.toString(s)));
                    if (lastAck[t] < 0) {
                        continue;
                    }
                    assertTrue(ss.next(), "series lost: " + l);
                    SampleIterator it = ss.at().iterator(null);
                    long batch = 0;
                    while (it.next() == ValueType.FLOAT) {
                        assertEquals(batch * 1000, it.atT(), "gap or duplicate in " + l + " (seed " + seed + ")");
                        assertEquals(CrashWriter.value(t, s, batch), it.atV(), "wrong value in " + l);
                        assertEquals(CrashWriter.startTimestamp(t, s, batch), it.atST(), "wrong start timestamp in " + l + " at " + it.atT());
                        batch++;
                    }
                    assertTrue(batch > lastAck[t], "acknowledged batch " + lastAck[t] + " of " + l
                        + " missing: only " + batch + " batches present (seed " + seed + ")");
                }
            }
            System.out.println("DbCrashTest acked batches per thread: " + java.util.Arrays.toString(lastAck)
                + ", replay: " + db.replayStats());
        }
    }
}
