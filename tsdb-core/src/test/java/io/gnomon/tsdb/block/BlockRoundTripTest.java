package io.gnomon.tsdb.block;

import static io.gnomon.tsdb.block.BlockTestUtil.HOUR;
import static io.gnomon.tsdb.block.BlockTestUtil.T0;
import static io.gnomon.tsdb.block.BlockTestUtil.read;
import static io.gnomon.tsdb.block.BlockTestUtil.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.PostingsOps;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Querier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Head -> block -> query, compaction of blocks, deletion: what goes in comes out. */
class BlockRoundTripTest {

    @TempDir
    Path dir;

    private static final Matcher[][] SELECTORS = {
        {Matcher.re("__name__", ".+")},
        {Matcher.eq("job", "node")},
        {Matcher.eq("__name__", "metric_3"), Matcher.neq("zone", "z1")},
        {Matcher.re("instance", "host-1.*"), Matcher.nre("job", "app")},
        {Matcher.eq("zone", "z2"), Matcher.eq("missing", "")},
        {Matcher.eq("job", "nope")},
    };

    @Test
    void headBlockAnswersLikeTheHead() throws Exception {
        Random rnd = new Random(BlockTestUtil.seed("headBlockAnswersLikeTheHead"));
        Head head = BlockTestUtil.randomHead(rnd, 60, T0, T0 + 2 * HOUR, 15_000);
        BlockMeta meta = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        assertNotNull(meta);
        assertEquals(60, meta.stats().numSeries());
        assertEquals(List.of(meta.ulid()), meta.compaction().sources());
        assertEquals(1, meta.compaction().level());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve(meta.ulid().toString())), s.toList(), "no .tmp left behind");
        }
        try (Block b = Block.open(dir.resolve(meta.ulid().toString()))) {
            assertEquals(meta, b.meta());
            long samples = 0;
            for (Matcher[] ms : SELECTORS) {
                for (long[] r : new long[][] {{T0, T0 + 2 * HOUR - 1}, {T0 + 1234, T0 + HOUR}, {T0 - HOUR, T0}}) {
                    try (Querier hq = head.querier(r[0], r[1]); Querier bq = b.querier(r[0], r[1])) {
                        Map<Labels, List<long[]>> want = read(hq, ms);
                        Map<Labels, List<long[]>> got = read(bq, ms);
                        assertEquals(render(want), render(got), "selector " + List.of(ms) + " range " + r[0] + ".." + r[1]);
                        if (ms.length == 1 && r[0] == T0 && r[1] == T0 + 2 * HOUR - 1 && ms[0].name().equals("__name__")) {
                            for (List<long[]> l : got.values()) {
                                samples += l.size();
                            }
                        }
                    }
                }
            }
            assertEquals(meta.stats().numSamples(), samples);
            try (Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE); Querier hq = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertEquals(hq.labelNames(), q.labelNames());
                assertEquals(hq.labelValues("instance"), q.labelValues("instance"));
                assertEquals(hq.labelValues("zone", Matcher.eq("job", "node")), q.labelValues("zone", Matcher.eq("job", "node")));
            }
        }
    }

    @Test
    void headChunksAreCopiedVerbatim() throws Exception {
        Head head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        Labels l = Labels.of("__name__", "up");
        for (int i = 0; i < 480; i++) {
            app.append(0, l, T0 + i * 15_000L, i % 3);
        }
        app.commit();
        BlockMeta meta = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        try (Block b = Block.open(dir.resolve(meta.ulid().toString())); BlockIndexReader ix = b.index()) {
            long[] refs = PostingsOps.expand(ix.allPostings());
            assertEquals(1, refs.length);
            List<ChunkMeta> chks = new ArrayList<>();
            assertEquals(l, ix.series(refs[0], chks));
            assertEquals(4, chks.size(), "head cuts 120-sample chunks: " + chks);
            assertEquals(T0, chks.get(0).minTime());
            assertEquals(T0 + 479 * 15_000L, chks.get(3).maxTime());
            assertEquals(480, meta.stats().numSamples());
            assertEquals(4, meta.stats().numChunks());
        }
    }

    @Test
    void rangeHeadOpenChunkIsFrozenAtItsMeta() throws Exception {
        Head head = new Head(HeadOptions.defaults());
        Labels l = Labels.of("__name__", "live");
        Appender app = head.appender();
        for (int i = 0; i < 10; i++) {
            app.append(0, l, T0 + i * 1000L, i);
        }
        app.commit();
        RangeHead rh = new RangeHead(head, T0, T0 + 2 * HOUR);
        List<ChunkMeta> chks = new ArrayList<>();
        try (BlockIndexReader ix = rh.index(); io.gnomon.tsdb.chunks.ChunkReader cr = rh.chunks()) {
            long ref = PostingsOps.expand(ix.allPostings())[0];
            ix.series(ref, chks);
            assertEquals(List.of(new ChunkMeta(ref, T0, T0 + 9000)), chks);
            // Appends after the index was read do not leak into the chunk.
            app = head.appender();
            app.append(0, l, T0 + 10_000, 10);
            app.commit();
            assertEquals(10, cr.chunk(chks.get(0)).numSamples());
        }
        try (Querier q = new BlockQuerier(rh, T0, T0 + 2 * HOUR)) {
            assertEquals(11, read(q, Matcher.eq("__name__", "live")).get(l).size());
        }
    }

    @Test
    void emptyRangeWritesNothing() throws Exception {
        Head head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        app.append(0, Labels.of("__name__", "x"), T0 + 3 * HOUR, 1);
        app.commit();
        assertNull(BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head()));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void rangeIsHalfOpenAndTrimsChunks() throws Exception {
        Head head = new Head(HeadOptions.defaults());
        Appender app = head.appender();
        Labels l = Labels.of("__name__", "x");
        for (long t = T0; t < T0 + 4 * HOUR; t += 60_000) {
            app.append(0, l, t, t);
        }
        app.commit();
        // A range that cuts through head chunks: they are re-encoded with only the kept samples.
        long mint = T0 + HOUR + 30_000;
        long maxt = T0 + 3 * HOUR;
        BlockMeta meta = BlockWriter.write(dir, mint, maxt, List.of(new RangeHead(head, mint, maxt)), BlockMeta.Compaction.head());
        try (Block b = Block.open(dir.resolve(meta.ulid().toString())); Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            List<long[]> got = read(q, Matcher.eq("__name__", "x")).get(l);
            assertEquals(T0 + HOUR + 60_000, got.get(0)[0]);
            assertEquals(maxt - 60_000, got.get(got.size() - 1)[0], "maxt is exclusive");
            assertEquals(got.size(), meta.stats().numSamples());
        }
    }

    @Test
    void compactsAdjacentAndOverlappingBlocks() throws Exception {
        Random rnd = new Random(BlockTestUtil.seed("compactsAdjacentAndOverlappingBlocks"));
        Head head = BlockTestUtil.randomHead(rnd, 40, T0, T0 + 6 * HOUR, 30_000);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long mint = T0 + i * 2 * HOUR;
            BlockMeta m = BlockWriter.write(dir, mint, mint + 2 * HOUR, List.of(new RangeHead(head, mint, mint + 2 * HOUR)),
                    BlockMeta.Compaction.head());
            blocks.add(Block.open(dir.resolve(m.ulid().toString())));
        }
        // An overlapping block: a copy of part of the middle one's data plus extra samples of a
        // new series and of an existing one at timestamps of its own.
        Head extra = new Head(HeadOptions.defaults());
        Appender app = extra.appender();
        Labels fresh = Labels.of("__name__", "late", "job", "backfill");
        for (long t = T0 + 3 * HOUR; t < T0 + 4 * HOUR; t += 10_000) {
            app.append(0, fresh, t, 7);
        }
        app.commit();
        BlockMeta om = BlockWriter.write(dir, T0 + 3 * HOUR, T0 + 4 * HOUR,
                List.of(new RangeHead(extra, T0 + 3 * HOUR, T0 + 4 * HOUR), new RangeHead(head, T0 + 3 * HOUR, T0 + 4 * HOUR)),
                BlockMeta.Compaction.head());
        Block overlapping = Block.open(dir.resolve(om.ulid().toString()));
        blocks.add(overlapping);

        List<BlockMeta> metas = new ArrayList<>();
        for (Block b : blocks) {
            metas.add(b.meta());
        }
        BlockMeta merged = BlockWriter.write(dir, T0, T0 + 6 * HOUR, blocks, BlockMeta.Compaction.merge(metas));
        assertEquals(2, merged.compaction().level());
        assertEquals(4, merged.compaction().sources().size());
        assertEquals(4, merged.compaction().parents().size());
        try (Block b = Block.open(dir.resolve(merged.ulid().toString()))) {
            try (Querier hq = head.querier(T0, T0 + 6 * HOUR); Querier bq = b.querier(T0, T0 + 6 * HOUR)) {
                Map<Labels, List<long[]>> want = read(hq, Matcher.re("__name__", "metric_.*"));
                assertEquals(render(want), render(read(bq, Matcher.re("__name__", "metric_.*"))));
                assertEquals(360, read(bq, Matcher.eq("__name__", "late")).get(fresh).size());
            }
            // Re-cut chunks of the overlapped range hold at most 120 samples.
            try (BlockIndexReader ix = b.index()) {
                long[] refs = PostingsOps.expand(ix.postings("job", "backfill"));
                List<ChunkMeta> chks = new ArrayList<>();
                ix.series(refs[0], chks);
                assertEquals(3, chks.size());
            }
            long total = 0;
            for (Block src : blocks) {
                total += src.meta().stats().numSamples();
            }
            assertEquals(total - (om.stats().numSamples() - 360), b.meta().stats().numSamples(),
                    "overlapping duplicates are dropped once");
        } finally {
            for (Block b : blocks) {
                b.close();
            }
        }
    }

    @Test
    void deletionHidesSamplesAndCompactionDropsThem() throws Exception {
        Random rnd = new Random(BlockTestUtil.seed("deletionHidesSamplesAndCompactionDropsThem"));
        Head head = BlockTestUtil.randomHead(rnd, 12, T0, T0 + 2 * HOUR, 15_000);
        BlockMeta meta = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        Path bdir = dir.resolve(meta.ulid().toString());
        long delFrom = T0 + HOUR;
        long delTo = T0 + HOUR + 30 * 60_000;
        Map<Labels, List<long[]>> before;
        try (Block b = Block.open(bdir)) {
            try (Querier q = b.querier(T0, T0 + 2 * HOUR)) {
                before = read(q, Matcher.eq("job", "node"));
            }
            int n = b.delete(delFrom, delTo, Matcher.eq("job", "node"));
            assertEquals(before.size(), n);
            assertEquals(0, b.delete(delFrom, delTo, Matcher.eq("job", "node")), "already deleted");
            assertEquals(n, b.meta().stats().numTombstones());
        }
        // Reopened: the tombstones file and meta.json were rewritten.
        try (Block b = Block.open(bdir)) {
            assertEquals(before.size(), b.tombstones().numSeries());
            Map<Labels, List<long[]>> after;
            try (Querier q = b.querier(T0, T0 + 2 * HOUR)) {
                after = read(q, Matcher.eq("job", "node"));
                assertEquals(render(read(head.querier(T0, T0 + 2 * HOUR), Matcher.eq("job", "app"))),
                        render(read(q, Matcher.eq("job", "app"))), "other series untouched");
            }
            for (Map.Entry<Labels, List<long[]>> e : before.entrySet()) {
                List<long[]> kept = new ArrayList<>();
                for (long[] s : e.getValue()) {
                    if (s[0] < delFrom || s[0] > delTo) {
                        kept.add(s);
                    }
                }
                assertEquals(render(Map.of(e.getKey(), kept)), render(Map.of(e.getKey(), after.get(e.getKey()))));
            }
            BlockMeta compacted = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(b), BlockMeta.Compaction.merge(List.of(b.meta())));
            try (Block c = Block.open(dir.resolve(compacted.ulid().toString())); Querier q = c.querier(T0, T0 + 2 * HOUR)) {
                assertTrue(c.tombstones().isEmpty());
                assertEquals(render(after), render(read(q, Matcher.eq("job", "node"))));
                long expected = b.meta().stats().numSamples();
                for (Map.Entry<Labels, List<long[]>> e : before.entrySet()) {
                    expected -= e.getValue().size() - after.get(e.getKey()).size();
                }
                assertEquals(expected, c.meta().stats().numSamples(), "deleted samples are gone for good");
            }
        }
    }

    @Test
    void chunksSpreadOverSegments() throws Exception {
        Random rnd = new Random(BlockTestUtil.seed("chunksSpreadOverSegments"));
        Head head = BlockTestUtil.randomHead(rnd, 30, T0, T0 + 2 * HOUR, 10_000);
        BlockMeta meta = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head(), 4096);
        Path bdir = dir.resolve(meta.ulid().toString());
        try (Stream<Path> s = Files.list(bdir.resolve("chunks"))) {
            List<Path> segs = s.sorted().toList();
            assertTrue(segs.size() > 3, "small segments: " + segs);
            assertEquals("000001", segs.get(0).getFileName().toString());
            for (Path p : segs) {
                assertTrue(Files.size(p) <= 4096, p + " exceeds the segment size");
            }
        }
        try (Block b = Block.open(bdir); Querier q = b.querier(T0, T0 + 2 * HOUR)) {
            assertEquals(render(read(head.querier(T0, T0 + 2 * HOUR), Matcher.re("job", ".+"))),
                    render(read(q, Matcher.re("job", ".+"))));
            assertFalse(b.sizeBytes() <= 0);
        }
    }
}
