package io.gnomon.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkSegmentReader;
import io.gnomon.tsdb.chunks.ChunkSegmentWriter;
import io.gnomon.tsdb.index.IndexFileReader;
import io.gnomon.tsdb.index.IndexWriter;
import io.gnomon.tsdb.index.PostingsOps;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.tombstones.Intervals;
import io.gnomon.tsdb.tombstones.Tombstones;
import io.gnomon.tsdb.tombstones.TombstonesFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The byte layouts of docs/format/blocks.md, checked against their worked examples, and codec round trips. */
class BlockFormatTest {

    @TempDir
    Path dir;

    @Test
    void ulidTextRoundTripAndOrder() {
        Random rnd = new Random(BlockTestUtil.seed("ulidTextRoundTripAndOrder"));
        Ulid prev = null;
        for (int i = 0; i < 1000; i++) {
            Ulid u = Ulid.generate(1_700_000_000_000L + i, rnd);
            String s = u.toString();
            assertEquals(26, s.length());
            assertEquals(u, Ulid.parse(s));
            assertEquals(u, Ulid.parse(s.toLowerCase()));
            assertEquals(1_700_000_000_000L + i, u.timestamp());
            if (prev != null) {
                assertTrue(prev.compareTo(u) < 0);
                assertTrue(prev.toString().compareTo(s) < 0, "text order is time order");
            }
            prev = u;
        }
        // Known value: all zero bits but the time 1 ms.
        assertEquals("00000000010000000000000000", Ulid.of(1L << 16, 0).toString());
        assertEquals("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", Ulid.of(-1L, -1L).toString());
        assertNull(Ulid.tryParse("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"), "more than 128 bits");
        assertNull(Ulid.tryParse("0000000001000000000000000U"), "U is not Crockford");
        assertNull(Ulid.tryParse("tmp"));
    }

    @Test
    void metaJsonIsWhatPrometheusWrites() throws Exception {
        Ulid a = Ulid.parse("01HZX8Q3W0C9M1ZJ8Q2V4D6B7N");
        Ulid b = Ulid.parse("01HZX8Q3W0C9M1ZJ8Q2V4D6B7P");
        BlockMeta m = new BlockMeta(b, 1000, 7201000, new BlockMeta.Stats(1440, 2, 12, 0),
                new BlockMeta.Compaction(2, List.of(a), List.of(new BlockMeta.BlockDesc(a, 1000, 7201000)), false, false), 1);
        String want = "{\n"
                + "\t\"ulid\": \"01HZX8Q3W0C9M1ZJ8Q2V4D6B7P\",\n"
                + "\t\"minTime\": 1000,\n"
                + "\t\"maxTime\": 7201000,\n"
                + "\t\"stats\": {\n"
                + "\t\t\"numSamples\": 1440,\n"
                + "\t\t\"numSeries\": 2,\n"
                + "\t\t\"numChunks\": 12\n"
                + "\t},\n"
                + "\t\"compaction\": {\n"
                + "\t\t\"level\": 2,\n"
                + "\t\t\"sources\": [\n"
                + "\t\t\t\"01HZX8Q3W0C9M1ZJ8Q2V4D6B7N\"\n"
                + "\t\t],\n"
                + "\t\t\"parents\": [\n"
                + "\t\t\t{\n"
                + "\t\t\t\t\"ulid\": \"01HZX8Q3W0C9M1ZJ8Q2V4D6B7N\",\n"
                + "\t\t\t\t\"minTime\": 1000,\n"
                + "\t\t\t\t\"maxTime\": 7201000\n"
                + "\t\t\t}\n"
                + "\t\t]\n"
                + "\t},\n"
                + "\t\"version\": 1\n"
                + "}";
        assertEquals(want, m.toJson());
        assertEquals(m, BlockMeta.parse(want, dir));
        m.write(dir);
        assertEquals(m, BlockMeta.read(dir));
        assertFalse(Files.exists(dir.resolve("meta.json.tmp")));
        // Newer Prometheus fields are ignored.
        BlockMeta p = BlockMeta.parse("{\"ulid\":\"01HZX8Q3W0C9M1ZJ8Q2V4D6B7N\",\"minTime\":5,\"maxTime\":10,"
                + "\"stats\":{\"numSamples\":3,\"numFloatSamples\":3},\"compaction\":{\"level\":1,"
                + "\"sources\":[\"01HZX8Q3W0C9M1ZJ8Q2V4D6B7N\"],\"hints\":[\"x\"]},\"version\":1}", dir);
        assertEquals(3, p.stats().numSamples());
        assertEquals(List.of(a), p.compaction().sources());
        assertThrows(CorruptBlockException.class, () -> BlockMeta.parse("{\"ulid\":\"01HZX8Q3W0C9M1ZJ8Q2V4D6B7N\",\"minTime\":5,\"maxTime\":1,\"version\":1}", dir));
    }

    @Test
    void tombstonesLayout() throws Exception {
        assertEquals("0130ba300100000000", HexFormat.of().formatHex(TombstonesFile.encode(new Tombstones())));
        Tombstones t = new Tombstones();
        t.add(3, 1000, 2000);
        String hex = HexFormat.of().formatHex(TombstonesFile.encode(t));
        assertTrue(hex.startsWith("0130ba3001" + "03d00fa01f"), hex);
        t.add(3, 2001, 2500); // adjacent: merged
        t.add(3, 4000, 5000);
        t.add(1, -5, 5);
        Tombstones back = TombstonesFile.decode(TombstonesFile.encode(t), dir);
        assertEquals(Intervals.of(1000, 2500).add(4000, 5000), back.get(3));
        assertEquals(Intervals.of(-5, 5), back.get(1));
        assertEquals(3, back.numIntervals());
        TombstonesFile.write(dir, t);
        assertEquals(Intervals.of(-5, 5), TombstonesFile.read(dir).get(1));
    }

    @Test
    void intervalsMerge() {
        Intervals iv = Intervals.of(10, 20).add(30, 40).add(21, 29);
        assertEquals(Intervals.of(10, 40), iv);
        iv = Intervals.of(10, 20).add(50, 60).add(15, 55);
        assertEquals(Intervals.of(10, 60), iv);
        iv = Intervals.of(50, 60).add(10, 20);
        assertEquals(2, iv.size());
        assertEquals(10, iv.mint(0));
        assertTrue(iv.contains(55) && !iv.contains(30) && iv.contains(10) && iv.contains(20));
        assertTrue(iv.covers(11, 19) && !iv.covers(11, 51));
    }

    @Test
    void indexSeriesEntryWorkedExample() throws Exception {
        Path f = dir.resolve("index");
        try (IndexWriter w = new IndexWriter(f)) {
            w.writeSymbols(List.of("__name__", "a", "job", "up"));
            assertEquals(3, w.addSeries(Labels.of("__name__", "up", "job", "a"), List.of(new ChunkMeta(8, 1000, 2000))));
        }
        byte[] b = Files.readAllBytes(f);
        String hex = HexFormat.of().formatHex(b);
        // magic, version 2, symbol table (len 22, 35 bytes in all), padding to 48: the series entry, ref 48 / 16 = 3.
        assertTrue(hex.startsWith("baaad70002" + "00000016" + "00000004" + "085f5f6e616d655f5f" + "0161" + "036a6f62" + "027570"), hex);
        assertEquals("0b0200030201" + "01d00fe80708", HexFormat.of().formatHex(b, 48, 60));
        try (IndexFileReader r = IndexFileReader.open(f)) {
            List<ChunkMeta> chks = new ArrayList<>();
            assertEquals(Labels.of("__name__", "up", "job", "a"), r.series(3, chks));
            assertEquals(List.of(new ChunkMeta(8, 1000, 2000)), chks);
            assertEquals(List.of("__name__", "job"), r.labelNames());
            assertEquals(List.of("a"), r.labelValues("job"));
            assertEquals(1, PostingsOps.count(r.postings("job", "a")));
            assertEquals(0, PostingsOps.count(r.postings("job", "b")));
        }
    }

    @Test
    void indexWithManyValuesFindsEachOne() throws Exception {
        Path f = dir.resolve("index");
        int n = 1000;
        List<String> syms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            syms.add(String.format("v%05d", i));
        }
        syms.add("__name__");
        syms.add("id");
        syms.add("m");
        syms.sort(Labels::compareStrings);
        try (IndexWriter w = new IndexWriter(f)) {
            w.writeSymbols(syms);
            for (int i = 0; i < n; i++) {
                w.addSeries(Labels.of("__name__", "m", "id", String.format("v%05d", i)), List.of(new ChunkMeta(8 + i, i, i + 1)));
            }
        }
        try (IndexFileReader r = IndexFileReader.open(f)) {
            assertEquals(n, PostingsOps.count(r.allPostings()));
            for (int i = 0; i < n; i++) {
                long[] refs = PostingsOps.expand(r.postings("id", String.format("v%05d", i)));
                assertEquals(1, refs.length, "value " + i);
                assertEquals(Labels.of("__name__", "m", "id", String.format("v%05d", i)), r.seriesLabels(refs[0]));
            }
            assertEquals(0, PostingsOps.count(r.postings("id", "v99999", "a", "")));
            assertEquals(10, PostingsOps.count(r.postingsForLabelMatching("id", v -> v.endsWith("00"))));
            assertEquals(n, r.labelValues("id").size());
            List<String> all = new ArrayList<>();
            r.symbols().forEachRemaining(all::add);
            assertEquals(syms, all);
        }
    }

    @Test
    void chunkSegmentLayout() throws Exception {
        XorChunk c = new XorChunk();
        c.append(1000, 1.0);
        c.append(2000, 1.0);
        Path cdir = dir.resolve("chunks");
        long ref;
        try (ChunkSegmentWriter w = new ChunkSegmentWriter(cdir)) {
            ref = w.write(c);
        }
        assertEquals(8, ref);
        byte[] b = Files.readAllBytes(cdir.resolve("000001"));
        assertEquals("85bd40dd01000000", HexFormat.of().formatHex(b, 0, 8));
        int len = c.length();
        assertEquals(len, b[8]);
        assertEquals(1, b[9], "encoding XOR");
        try (ChunkSegmentReader r = ChunkSegmentReader.open(cdir)) {
            ByteBuffer got = r.chunk(ref).bytes();
            assertEquals(c.bytes(), got);
        }
        assertEquals(8 + 1 + 1 + len + 4, b.length);
    }
}
