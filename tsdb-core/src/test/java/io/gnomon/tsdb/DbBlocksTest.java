package io.gnomon.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.block.Block;
import io.gnomon.tsdb.block.Ulid;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The database with blocks: head compaction, leveled compaction, retention, crash leftovers, admin operations. */
class DbBlocksTest {

    /** A 10 s block range keeps the tests small: ranges 10 s, 30 s, 90 s. */
    static final long R = 10_000;
    static final Matcher ALL = Matcher.re("__name__", ".+");

    @TempDir
    Path dir;

    static DbOptions options() {
        return new DbOptions(new HeadOptions(R, 1000), WalOptions.defaults().withSegmentSize(64 * 1024), 0, 0, 9 * R, 0);
    }

    /** 20 series, one sample per second in [from, to). */
    static void fill(Db db, long from, long to) {
        for (long t = from; t < to; t += 1000) {
            Appender app = db.appender();
            for (int s = 0; s < 20; s++) {
                app.append(0, Labels.of("__name__", "m", "s", Integer.toString(s), "parity", s % 2 == 0 ? "even" : "odd"), t, t * 10 + s);
            }
            AppendResult r = app.commit();
            assertFalse(r.hasRejections(), r.describe());
        }
    }

    static String dump(Db db) {
        try (Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            return DbReplayTest.dump(q, ALL);
        }
    }

    /** The dump of 20 series with every second in [from, to). */
    static String expected(long from, long to) {
        Db mem = null;
        StringBuilder sb = new StringBuilder();
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < 20; s++) {
            StringBuilder line = new StringBuilder(Labels.of("__name__", "m", "s", Integer.toString(s), "parity", s % 2 == 0 ? "even" : "odd").toString()).append(':');
            for (long t = from; t < to; t += 1000) {
                line.append(' ').append(t).append('=').append(Long.toHexString(Double.doubleToRawLongBits(t * 10 + s)));
            }
            lines.add(line.toString());
        }
        lines.sort(null);
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    static List<long[]> ranges(Db db) {
        List<long[]> out = new ArrayList<>();
        for (Block b : db.blocks()) {
            out.add(new long[] {b.minTime(), b.maxTime()});
        }
        return out;
    }

    static String rangesText(Db db) {
        StringBuilder sb = new StringBuilder();
        for (long[] r : ranges(db)) {
            sb.append('[').append(r[0] / 1000).append(',').append(r[1] / 1000).append(')');
        }
        return sb.toString();
    }

    @Test
    void headCompactionWritesBlocksTruncatesHeadAndSurvivesRestart() {
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 36_000);
            String before = dump(db);
            assertEquals(expected(0, 36_000), sortLines(before));
            db.compact();
            assertEquals("[0,10)[10,20)", rangesText(db));
            assertEquals(20_000, db.head().minTime());
            assertEquals(20_000, db.head().minValidTime());
            assertEquals(before, dump(db), "head + blocks answer as the head did");
        }
        try (Db db = Db.open(dir, options())) {
            assertEquals("[0,10)[10,20)", rangesText(db));
            assertEquals(expected(0, 36_000), sortLines(dump(db)), "no sample lost or doubled by the restart");
            assertEquals(20_000, db.head().minValidTime());
        }
    }

    static String sortLines(String s) {
        List<String> lines = new ArrayList<>(List.of(s.split("\n")));
        lines.sort(null);
        return String.join("\n", lines) + "\n";
    }

    @Test
    void leveledCompactionMergesThreeBlocksAndRetentionDropsTheOldest() {
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 56_000);
            db.compact();
            // Head blocks [0,10) .. [30,40); [0,30) is complete and not the newest: merged.
            assertEquals("[0,30)[30,40)", rangesText(db));
            assertEquals(expected(0, 56_000), sortLines(dump(db)));
            Block merged = db.blocks().get(0);
            assertEquals(2, merged.meta().compaction().level());
            assertEquals(3, merged.meta().compaction().sources().size());
        }
        DbOptions retained = options().withRetention(25_000, 0);
        try (Db db = Db.open(dir, retained)) {
            fill(db, 56_000, 76_000);
            db.compact();
            // Newest block ends at 60 s: [0,30) ends 30 s behind it, which is past 25 s.
            assertEquals("[30,40)[40,50)[50,60)", rangesText(db));
            assertEquals(expected(30_000, 76_000), sortLines(dump(db)));
        }
    }

    @Test
    void sizeRetentionCountsTheWal() {
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 56_000);
            db.compact();
            long blocks = 0;
            for (Block b : db.blocks()) {
                blocks += b.sizeBytes();
            }
            assertTrue(blocks > 0);
        }
        try (Db db = Db.open(dir, options().withRetention(0, 1))) {
            db.compact();
            assertEquals(0, db.blocks().size(), "one byte allows no block");
        }
    }

    @Test
    void openCleansUpLeftoversOfACrash() throws IOException {
        Path parentsCopy = dir.resolveSibling(dir.getFileName() + "-parents");
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 36_000);
            db.compact();
            fill(db, 36_000, 47_000);
            // Keep copies of the head blocks that the next compaction will merge and delete.
            for (Block b : db.blocks()) {
                copyTree(b.dir(), parentsCopy.resolve(b.dir().getFileName()));
            }
            db.compact();
            assertEquals("[0,30)[30,40)", rangesText(db));
        }
        // As if the process died after the merged block's rename but before deleting its parents,
        // and in the middle of writing another block, and with a damaged block.
        try (Stream<Path> s = Files.list(parentsCopy)) {
            for (Path p : s.toList()) {
                if (!Files.exists(dir.resolve(p.getFileName()))) {
                    copyTree(p, dir.resolve(p.getFileName()));
                }
            }
        }
        Files.createDirectories(dir.resolve(Ulid.generate() + ".tmp").resolve("chunks"));
        Path corrupt = dir.resolve(Ulid.generate().toString());
        Files.createDirectories(corrupt);
        Files.writeString(corrupt.resolve("meta.json"), "{not json");
        try (Db db = Db.open(dir, options())) {
            assertEquals("[0,30)[30,40)", rangesText(db));
            assertEquals(expected(0, 47_000), sortLines(dump(db)), "no duplicates from the superseded parents");
            try (Stream<Path> s = Files.list(dir)) {
                List<String> names = s.map(p -> p.getFileName().toString()).sorted().toList();
                assertTrue(names.stream().noneMatch(n -> n.endsWith(".tmp")), names.toString());
                assertTrue(names.contains(corrupt.getFileName() + ".corrupt"), names.toString());
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d);
                }
            }
        }
    }

    @Test
    void aQuerierKeepsItsBlocksReadableWhileCompactionReplacesThem() throws Exception {
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 47_000);
            db.compact();
            assertEquals("[0,30)[30,40)", rangesText(db));
        }
        try (Db db = Db.open(dir, options())) {
            fill(db, 47_000, 56_000);
            Querier q = db.querier(Long.MIN_VALUE, Long.MAX_VALUE);
            Thread compactor = new Thread(db::compact);
            compactor.start();
            // The compaction replaces blocks while our querier still reads the old ones.
            compactor.join(200);
            String got = DbReplayTest.dump(q, ALL);
            q.close();
            compactor.join();
            assertEquals(expected(0, 56_000), sortLines(got));
            assertEquals(expected(0, 56_000), sortLines(dump(db)));
        }
    }

    @Test
    void deleteSeriesCleanTombstonesAndSnapshot() throws IOException {
        try (Db db = Db.open(dir, options())) {
            fill(db, 0, 36_000);
            db.compact();
            // Delete the odd series over [5 s, 25 s]: in both blocks and in the head.
            db.delete(5_000, 25_000, Matcher.eq("parity", "odd"));
            String after = dump(db);
            for (String line : after.split("\n")) {
                boolean odd = line.contains("parity=\"odd\"");
                for (long t = 5_000; t <= 25_000; t += 1000) {
                    assertEquals(!odd, line.contains(" " + t + "="), line + " at " + t);
                }
                assertTrue(line.contains(" 4000=") && line.contains(" 26000="), line);
            }
            assertEquals(2, db.cleanTombstones());
            assertEquals(after, dump(db), "clean_tombstones changes no answer");
            for (Block b : db.blocks()) {
                assertEquals(0, b.tombstones().numIntervals());
            }
            String name = db.snapshot(false);
            assertTrue(name.matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}"), name);
            Path snap = dir.resolve("snapshots").resolve(name);
            try (Stream<Path> s = Files.list(snap)) {
                assertEquals(3, s.count(), "two blocks and the head");
            }
            String headless = db.snapshot(true);
            assertNotEquals(name, headless);
            try (Stream<Path> s = Files.list(dir.resolve("snapshots").resolve(headless))) {
                assertEquals(2, s.count());
            }
        }
        try (Db db = Db.open(dir, options())) {
            for (String line : dump(db).split("\n")) {
                if (line.contains("parity=\"odd\"")) {
                    assertFalse(line.contains(" 25000="), "the head's deletion survives replay: " + line);
                }
            }
        }
    }
}
