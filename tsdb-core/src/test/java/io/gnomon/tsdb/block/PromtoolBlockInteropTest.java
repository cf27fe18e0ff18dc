package io.gnomon.tsdb.block;

import static io.gnomon.tsdb.block.BlockTestUtil.HOUR;
import static io.gnomon.tsdb.block.BlockTestUtil.T0;
import static io.gnomon.tsdb.block.BlockTestUtil.read;
import static io.gnomon.tsdb.block.BlockTestUtil.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.PostingsOps;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.testing.PeerBinaries;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gnomon's blocks against a real promtool (Prometheus 2.x): {@code tsdb list}, {@code analyze} and
 * {@code dump} accept every block Gnomon writes and dump exactly the ingested samples; blocks that
 * promtool builds from OpenMetrics are read by Gnomon with the same samples, and their chunks are
 * byte-for-byte the chunks Gnomon writes for the same samples.
 *
 * <p>Runs when promtool is installed; fails when it is missing under {@code CI=true}.
 */
class PromtoolBlockInteropTest {

    @TempDir
    Path dir;

    private Head head;

    private Head head() {
        if (head == null) {
            head = BlockTestUtil.randomHead(new Random(BlockTestUtil.seed("PromtoolBlockInteropTest")), 50, T0, T0 + 2 * HOUR, 15_000);
        }
        return head;
    }

    private BlockMeta writeGnomonBlock(Path blocks) throws Exception {
        Files.createDirectories(blocks);
        return BlockWriter.write(blocks, T0, T0 + 2 * HOUR, List.of(new RangeHead(head(), T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
    }

    @Test
    void promtoolListsAnalyzesAndDumpsGnomonBlocks() throws Exception {
        Path promtool = PeerBinaries.promtool();
        Path blocks = dir.resolve("gnomon");
        BlockMeta meta = writeGnomonBlock(blocks);
        // A compacted block with a parent and a tombstone, too: promtool must accept every kind.
        BlockMeta compacted;
        try (Block b = Block.open(blocks.resolve(meta.ulid().toString()))) {
            b.delete(T0, T0 + HOUR, Matcher.eq("instance", "host-0"));
            Path second = dir.resolve("second");
            Files.createDirectories(second);
            compacted = BlockWriter.write(second, T0, T0 + 2 * HOUR, List.of(b), BlockMeta.Compaction.merge(List.of(b.meta())));
            String list2 = PeerBinaries.run(dir, promtool.toString(), "tsdb", "list", second.toString());
            assertTrue(list2.contains(compacted.ulid().toString()), list2);
        }

        String list = PeerBinaries.run(dir, promtool.toString(), "tsdb", "list", blocks.toString());
        assertTrue(list.contains(meta.ulid().toString()), list);
        assertTrue(list.contains(String.valueOf(meta.stats().numSamples())), list);

        String analyze = PeerBinaries.run(dir, promtool.toString(), "tsdb", "analyze", blocks.toString(), meta.ulid().toString());
        assertTrue(analyze.contains("Series: " + meta.stats().numSeries()), analyze);

        // The dump of a fresh copy without the tombstone equals the head's samples exactly.
        Path clean = dir.resolve("clean");
        BlockMeta m2 = writeGnomonBlock(clean);
        Files.createDirectories(clean.resolve("wal")); // promtool opens the data directory as a DB
        String dump = PeerBinaries.run(dir, promtool.toString(), "tsdb", "dump", clean.toString());
        Map<String, List<String>> dumped = new TreeMap<>();
        for (String line : dump.split("\n")) {
            if (line.isBlank() || !line.startsWith("{")) {
                continue;
            }
            int sp2 = line.lastIndexOf(' ');
            int sp1 = line.lastIndexOf(' ', sp2 - 1);
            dumped.computeIfAbsent(line.substring(0, sp1), k -> new ArrayList<>())
                    .add(line.substring(sp2 + 1) + " " + canonical(Double.parseDouble(goFloat(line.substring(sp1 + 1, sp2)))));
        }
        Map<String, List<String>> want = new TreeMap<>();
        long n = 0;
        try (Querier q = head().querier(T0, T0 + 2 * HOUR)) {
            for (Map.Entry<Labels, List<long[]>> e : read(q, Matcher.re("__name__", ".+")).entrySet()) {
                List<String> l = new ArrayList<>();
                for (long[] s : e.getValue()) {
                    l.add(s[0] + " " + canonical(Double.longBitsToDouble(s[1])));
                    n++;
                }
                want.put(e.getKey().toString(), l);
            }
        }
        assertEquals(m2.stats().numSamples(), n);
        assertEquals(want, dumped);
    }

    @Test
    void gnomonReadsPromtoolBlocksAndWritesTheSameChunks() throws Exception {
        Path promtool = PeerBinaries.promtool();
        // OpenMetrics from the head's samples; promtool builds a block of its own from it.
        StringBuilder om = new StringBuilder();
        Map<Labels, List<long[]>> samples;
        try (Querier q = head().querier(T0, T0 + 2 * HOUR)) {
            samples = read(q, Matcher.re("__name__", ".+"));
        }
        Map<String, List<Map.Entry<Labels, List<long[]>>>> families = new TreeMap<>();
        for (Map.Entry<Labels, List<long[]>> e : samples.entrySet()) {
            families.computeIfAbsent(e.getKey().metricName(), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<Map.Entry<Labels, List<long[]>>>> f : families.entrySet()) {
            om.append("# TYPE ").append(f.getKey()).append(" gauge\n");
            for (Map.Entry<Labels, List<long[]>> e : f.getValue()) {
                StringBuilder series = new StringBuilder("{");
                e.getKey().forEach((k, v) -> {
                    if (!k.equals("__name__")) {
                        series.append(series.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"');
                    }
                });
                series.append('}');
                for (long[] s : e.getValue()) {
                    om.append(f.getKey()).append(series).append(' ').append(omValue(Double.longBitsToDouble(s[1]))).append(' ')
                            .append(s[0] / 1000).append('.').append(String.format("%03d", s[0] % 1000)).append('\n');
                }
            }
        }
        om.append("# EOF\n");
        Path input = dir.resolve("input.om");
        Files.writeString(input, om.toString(), StandardCharsets.UTF_8);
        Path promBlocks = dir.resolve("prom");
        PeerBinaries.run(dir, promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(), promBlocks.toString());
        Path promBlock;
        try (Stream<Path> s = Files.list(promBlocks)) {
            List<Path> l = s.filter(Files::isDirectory).toList();
            assertEquals(1, l.size(), "one block: " + l);
            promBlock = l.get(0);
        }
        BlockMeta gm = writeGnomonBlock(dir.resolve("gnomon"));
        try (Block prom = Block.open(promBlock); Block ours = Block.open(dir.resolve("gnomon").resolve(gm.ulid().toString()))) {
            try (Querier q = prom.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                assertEquals(render(samples), render(read(q, Matcher.re("__name__", ".+"))));
            }
            assertEquals(prom.meta().stats().numSamples(), gm.stats().numSamples());
            assertEquals(prom.meta().stats().numSeries(), gm.stats().numSeries());
            assertEquals(prom.meta().stats().numChunks(), gm.stats().numChunks());
            // Chunk for chunk, same time ranges and the same bits (Prometheus 2.x may end a chunk
            // with one spare zero byte, see XorChunk's javadoc).
            int legacy = 0;
            try (BlockIndexReader pi = prom.index(); BlockIndexReader gi = ours.index();
                    ChunkReader pc = prom.chunks(); ChunkReader gc = ours.chunks()) {
                long[] pr = PostingsOps.expand(pi.allPostings());
                long[] gr = PostingsOps.expand(gi.allPostings());
                assertEquals(pr.length, gr.length);
                List<ChunkMeta> pm = new ArrayList<>();
                List<ChunkMeta> gmeta = new ArrayList<>();
                for (int i = 0; i < pr.length; i++) {
                    assertEquals(pi.series(pr[i], pm), gi.series(gr[i], gmeta));
                    assertEquals(pm.size(), gmeta.size());
                    for (int k = 0; k < pm.size(); k++) {
                        assertEquals(pm.get(k).minTime(), gmeta.get(k).minTime());
                        assertEquals(pm.get(k).maxTime(), gmeta.get(k).maxTime());
                        byte[] a = bytes(pc.chunk(pm.get(k)));
                        byte[] b = bytes(gc.chunk(gmeta.get(k)));
                        if (a.length == b.length + 1 && a[b.length] == 0) {
                            a = java.util.Arrays.copyOf(a, b.length);
                            legacy++;
                        }
                        assertEquals(java.util.HexFormat.of().formatHex(a), java.util.HexFormat.of().formatHex(b));
                    }
                }
            }
            System.out.printf("promtool block: %d chunks identical (%d with 2.x's spare zero byte); chunk files %d vs %d bytes,"
                    + " index %d vs %d bytes (Prometheus vs Gnomon)%n", gm.stats().numChunks(), legacy,
                    dirSize(promBlock.resolve("chunks")), dirSize(ours.dir().resolve("chunks")),
                    Files.size(promBlock.resolve("index")), Files.size(ours.dir().resolve("index")));
        }
    }

    private static long dirSize(Path p) throws Exception {
        return io.gnomon.tsdb.fileutil.FileUtil.sizeOf(p);
    }

    private static byte[] bytes(Chunk c) {
        ByteBuffer b = c.bytes();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String omValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    /** Go's %g output to Java's number syntax. */
    private static String goFloat(String s) {
        return switch (s) {
            case "+Inf" -> "Infinity";
            case "-Inf" -> "-Infinity";
            default -> s;
        };
    }

    private static String canonical(double v) {
        return Double.isNaN(v) ? "NaN" : Double.toString(v);
    }
}
