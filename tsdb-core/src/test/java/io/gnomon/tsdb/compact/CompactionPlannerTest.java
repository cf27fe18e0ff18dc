package io.gnomon.tsdb.compact;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Planning and retention tables: blocks in, ids out. */
class CompactionPlannerTest {

    static final long H = 3600_000L;
    static final CompactionPlanner PLANNER = new CompactionPlanner(CompactionPlanner.exponentialRanges(2 * H, 10, 3));

    static BlockInfo b(String id, long minH, long maxH) {
        return new BlockInfo(id, minH * H, maxH * H, 100, 0, 1000);
    }

    static List<String> ids(List<BlockInfo> bs) {
        List<String> out = new ArrayList<>();
        for (BlockInfo x : bs) {
            out.add(x.id());
        }
        return out;
    }

    @Test
    void rangesAreExponentialAndCapped() {
        assertEquals(List.of(2 * H, 6 * H, 18 * H, 54 * H, 162 * H), CompactionPlanner.exponentialRanges(2 * H, 5, 3));
        long max = CompactionPlanner.maxBlockDuration(15 * 24 * H, 2 * H); // 10% of 15d = 36h
        assertEquals(36 * H, max);
        assertEquals(List.of(2 * H, 6 * H, 18 * H), CompactionPlanner.capRanges(CompactionPlanner.exponentialRanges(2 * H, 10, 3), max));
        assertEquals(31 * 24 * H, CompactionPlanner.maxBlockDuration(0, 2 * H));
        assertEquals(List.of(2 * H), CompactionPlanner.capRanges(List.of(2 * H, 6 * H), H));
    }

    @Test
    void nothingWithOneOrTwoFreshBlocks() {
        assertEquals(List.of(), ids(PLANNER.plan(List.of())));
        assertEquals(List.of(), ids(PLANNER.plan(List.of(b("a", 0, 2)))));
        assertEquals(List.of(), ids(PLANNER.plan(List.of(b("a", 0, 2), b("b", 2, 4)))));
    }

    @Test
    void threeTwoHourBlocksBecomeSixHoursOnceTheNextBlockExists() {
        // The newest is left out, so 0-6h needs a fourth block after it.
        assertEquals(List.of(), ids(PLANNER.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6)))));
        assertEquals(List.of("a", "b", "c"), ids(PLANNER.plan(List.of(b("c", 4, 6), b("a", 0, 2), b("b", 2, 4), b("d", 6, 8)))));
    }

    @Test
    void partialWindowBeforeTheNewestBlockIsCompactedToo() {
        // 0-4h then a gap: the window [0,6h) is not full, but a later block (d) exists besides the newest.
        assertEquals(List.of(), ids(PLANNER.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("d", 8, 10)))));
        assertEquals(List.of("a", "b"), ids(PLANNER.plan(List.of(b("a", 0, 2), b("b", 2, 4), b("d", 8, 10), b("e", 10, 12)))));
    }

    @Test
    void sixHourBlocksBecomeEighteen() {
        List<BlockInfo> bs = List.of(b("a", 0, 6), b("b", 6, 12), b("c", 12, 18), b("d", 18, 20));
        assertEquals(List.of("a", "b", "c"), ids(PLANNER.plan(bs)));
    }

    @Test
    void overlappingBlocksComeFirst() {
        List<BlockInfo> bs = List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6), b("d", 6, 8), b("x", 5, 7), b("y", 20, 22));
        assertEquals(List.of("c", "x", "d"), ids(PLANNER.plan(bs)));
        assertEquals(List.of(), ids(CompactionPlanner.firstOverlapping(List.of(b("a", 0, 2), b("b", 2, 4)))));
    }

    @Test
    void aBlockWithManyTombstonesIsRewritten() {
        CompactionPlanner p = new CompactionPlanner(List.of(2 * H, 6 * H, 18 * H)); // middle range 6h
        BlockInfo big = new BlockInfo("big", 0, 18 * H, 100, 10, 1000);
        assertEquals(List.of("big"), ids(p.plan(List.of(big, b("n", 18, 20)))));
        BlockInfo few = new BlockInfo("few", 0, 18 * H, 100, 2, 1000);
        assertEquals(List.of(), ids(p.plan(List.of(few, b("n", 18, 20)))));
        BlockInfo small = new BlockInfo("small", 0, 2 * H, 100, 50, 1000);
        assertEquals(List.of(), ids(p.plan(List.of(small, b("n", 18, 20)))), "too short to be worth rewriting");
    }

    @Test
    void aWindowWithAFailedBlockIsSkipped() {
        BlockInfo failed = new BlockInfo("b", 2 * H, 4 * H, 100, 0, 1000, true);
        assertEquals(List.of(), ids(PLANNER.plan(List.of(b("a", 0, 2), failed, b("c", 4, 6), b("d", 6, 8)))));
        // Overlaps are still merged: their duplicates must go.
        BlockInfo failedOverlap = new BlockInfo("x", 1 * H, 3 * H, 100, 0, 1000, true);
        assertEquals(List.of("a", "x"), ids(PLANNER.plan(List.of(b("a", 0, 2), failedOverlap, b("d", 6, 8)))));
    }

    @Test
    void timeRetentionDeletesOlderThanTheNewestMinusRetention() {
        List<BlockInfo> bs = List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6), b("d", 6, 8));
        assertEquals(Set.of("a", "b"), Retention.select(bs, 4 * H, 0, 0));
        assertEquals(Set.of(), Retention.select(bs, 7 * H, 0, 0));
        assertEquals(Set.of(), Retention.select(bs, 0, 0, 0));
    }

    @Test
    void sizeRetentionCountsTheWalAndDeletesOldestFirst() {
        List<BlockInfo> bs = List.of(b("a", 0, 2), b("b", 2, 4), b("c", 4, 6), b("d", 6, 8)); // 1000 bytes each
        assertEquals(Set.of("a"), Retention.select(bs, 0, 3500, 0));
        assertEquals(Set.of("a", "b"), Retention.select(bs, 0, 3500, 600));
        assertEquals(Set.of("a", "b", "c", "d"), Retention.select(bs, 0, 500, 0));
        assertEquals(Set.of(), Retention.select(bs, 0, 4000, 0));
    }
}
