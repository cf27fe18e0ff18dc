package io.gnomon.tsdb.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.Db;
import io.gnomon.tsdb.block.Block;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a child JVM ({@link CompactionCrashWriter}) that appends while its background thread
 * compacts the head into blocks, merges blocks, truncates the head and checkpoints the WAL, at
 * random moments; restarts it; and checks at the end that every acknowledged sample is there
 * exactly once: through the merged query path (no gap, no duplicate, right values), and in storage
 * (after a final compaction the blocks do not overlap and blocks + head hold each sample once).
 */
class DbCompactionCrashTest {

    static final int THREADS = 2;
    static final int ROUNDS = 16;

    @TempDir
    Path dir;

    @Test
    void acknowledgedSamplesSurviveKillsDuringCompaction() throws Exception {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("DbCompactionCrashTest seed=" + seed);
        Random rnd = new Random(seed);
        long[] lastAck = new long[THREADS];
        java.util.Arrays.fill(lastAck, -1);
        for (int round = 0; round < ROUNDS; round++) {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CompactionCrashWriter.class.getName(), dir.toString()));
            for (int t = 0; t < THREADS; t++) {
                cmd.add(Long.toString(lastAck[t] + 1));
            }
            Path log = dir.resolveSibling(dir.getFileName() + "-cc-round-" + round + ".out");
            Path errLog = dir.resolveSibling(dir.getFileName() + "-cc-round-" + round + ".err");
            Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile()).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("READY")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("child did not start (round " + round + ", seed " + seed + "): " + Files.readString(errLog));
                }
                Thread.sleep(5);
            }
            Thread.sleep(200 + rnd.nextInt(1000));
            p.destroyForcibly(); // SIGKILL
            p.waitFor();
            for (String line : Files.readAllLines(log)) {
                String[] parts = line.split(" ");
                if (line.startsWith("ERROR")) {
                    throw new AssertionError("child reported (round " + round + ", seed " + seed + "): " + line);
                }
                if (line.startsWith("ACK ") && parts.length == 3) {
                    int t = Integer.parseInt(parts[1]);
                    lastAck[t] = Math.max(lastAck[t], Long.parseLong(parts[2]));
                }
            }
            Files.delete(log);
            Files.delete(errLog);
        }
        try (Db db = Db.open(dir, CompactionCrashWriter.options(0))) {
            assertTrue(db.blocks().size() > 0, "the child compacted");
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            long total = 0;
            for (int t = 0; t < THREADS; t++) {
                for (int s = 0; s < CrashWriter.SERIES_PER_THREAD; s++) {
                    Labels l = CrashWriter.labels(t, s);
                    SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("thread", Integer.toString(t)),
                        Matcher.eq("series", Integer.toString(s)));
                    assertTrue(ss.next(), "series lost: " + l);
                    SampleIterator it = ss.at().iterator(null);
                    long batch = 0;
                    while (it.next() == ValueType.FLOAT) {
                        assertEquals(batch * CompactionCrashWriter.STEP, it.atT(), "gap or duplicate in " + l + " (seed " + seed + ")");
                        assertEquals(CrashWriter.value(t, s, batch), it.atV(), "wrong value in " + l);
                        batch++;
                    }
                    assertTrue(batch > lastAck[t], "acknowledged batch " + lastAck[t] + " of " + l + " missing: only "
                        + batch + " batches (seed " + seed + ")");
                    total += batch;
                }
            }
            q.close();
            // Storage holds each sample once: merge what overlaps, then count.
            db.compact();
            List<Block> blocks = db.blocks();
            long stored = 0;
            for (int i = 0; i < blocks.size(); i++) {
                if (i > 0) {
                    assertTrue(blocks.get(i).minTime() >= blocks.get(i - 1).maxTime(), "blocks overlap after compaction: " + blocks);
                }
                stored += blocks.get(i).meta().stats().numSamples();
            }
            try (Querier hq = db.head().querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet ss = hq.select(false, SelectHints.NONE, Matcher.eq("__name__", "crash_test"));
                while (ss.next()) {
                    SampleIterator it = ss.at().iterator(null);
                    while (it.next() == ValueType.FLOAT) {
                        assertTrue(it.atT() >= blocks.get(blocks.size() - 1).maxTime(), "head sample inside a block's range");
                        stored++;
                    }
                }
            }
            assertEquals(total, stored, "samples stored more than once or lost (seed " + seed + ")");
            try (Stream<Path> s = Files.list(dir)) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "leftovers cleaned");
            }
            System.out.println("DbCompactionCrashTest acked " + java.util.Arrays.toString(lastAck) + ", blocks " + blocks.size()
                + ", samples " + total + ", replay: " + db.replayStats());
        }
    }
}
