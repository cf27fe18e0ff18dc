package io.gnomon.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.wal.CheckpointResult;
import io.gnomon.wal.WalOptions;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncation + WAL checkpoint, then a restart: the head answers as before for [mint, now]. */
class DbCheckpointTest {

    static final WalOptions WAL = WalOptions.defaults().withSegmentSize(64 * 1024);

    @TempDir
    Path dir;

    /** Appends {@code steps} scrapes of 200 series from {@code t0}; series of odd index churn every 50 steps. */
    static long scrape(Db db, Random rnd, long t0, int steps) {
        long t = t0;
        for (int step = 0; step < steps; step++) {
            t += 10_000;
            Appender app = db.appender();
            for (int s = 0; s < 200; s++) {
                String gen = s % 2 == 0 ? "stable" : "gen" + (t / 500_000);
                Labels l = Labels.of("__name__", "m" + (s % 7), "series", Integer.toString(s), "gen", gen);
                // Random walk with repeats, so XOR entries carry changed and unchanged values.
                app.append(0, l, t, rnd.nextInt(4) == 0 ? rnd.nextDouble() : s);
                if (step == 0) {
                    app.updateMetadata(0, l, new Metadata("gauge", "", "help " + (s % 7)));
                }
            }
            AppendResult r = app.commit();
            assertFalse(r.hasRejections(), r.describe());
        }
        return t;
    }

    static final Matcher ALL = Matcher.re("__name__", ".+");

    @Test
    void restartAfterCheckpointsAnswersLikeBefore() {
        long seed = Long.getLong("gnomon.test.seed", 4_2026L);
        Random rnd = new Random(seed);
        long t;
        long mint;
        String before;
        try (Db db = Db.open(dir, HeadOptions.defaults(), WAL)) {
            t = scrape(db, rnd, 0, 600);
            mint = t - 2_000_000;
            CheckpointResult first = db.truncateHead(mint);
            assertNotNull(first, "enough segments to checkpoint");
            assertTrue(first.recordsKept() < first.recordsRead(), first.toString());
            t = scrape(db, rnd, t, 400);
            mint = t - 1_500_000;
            CheckpointResult second = db.truncateHead(mint);
            assertNotNull(second);
            assertEquals(second.index(), db.wal().checkpointIndex());
            t = scrape(db, rnd, t, 50);
            before = DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL);
            assertTrue(before.length() > 10_000);
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), WAL)) {
            assertEquals(0, db.replayStats().corruptRecords());
            assertEquals(before, DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL), "seed " + seed);
            assertEquals("help 3", db.head().metadata().get("m3").help());
            // A third checkpoint folds the second one after the restart.
            t = scrape(db, rnd, t, 400);
            mint = t - 1_000_000;
            assertNotNull(db.truncateHead(mint));
            before = DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL);
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), WAL)) {
            assertEquals(before, DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL), "seed " + seed);
        }
    }

    /**
     * A checkpoint that folds many samples at or after mint (about 10M ms of them) replays
     * completely. (This once looked like replay losing the window [7.2M, 14.4M): it was the
     * background head compaction, which starts right after open here, truncating the head under
     * a querier that had taken the block list before the new block; head truncation now waits
     * for such queriers.)
     */
    @Test
    void largeFoldAtOrAfterMintReplaysCompletely() {
        Random rnd = new Random(4_2026L);
        long t;
        long mint;
        String before;
        try (Db db = Db.open(dir, HeadOptions.defaults(), WAL)) {
            t = scrape(db, rnd, 0, 600);
            assertNotNull(db.truncateHead(t - 2_000_000));
            t = scrape(db, rnd, t, 1900);
            mint = t - 17_000_000;
            assertNotNull(db.truncateHead(mint));
            t = scrape(db, rnd, t, 50);
            before = DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL);
        }
        try (Db db = Db.open(dir, HeadOptions.defaults(), WAL)) {
            assertEquals(before, DbReplayTest.dump(db.querier(mint, Long.MAX_VALUE), ALL));
        }
    }
}
