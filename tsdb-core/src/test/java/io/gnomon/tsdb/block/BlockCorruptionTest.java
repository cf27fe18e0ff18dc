package io.gnomon.tsdb.block;

import static io.gnomon.tsdb.block.BlockTestUtil.HOUR;
import static io.gnomon.tsdb.block.BlockTestUtil.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.fileutil.CorruptFileException;
import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged blocks: every kind of damage is reported with the path of the file at fault, at open
 * ({@link CorruptBlockException}) or through a querier's {@code err()} ({@link CorruptFileException}),
 * and never escapes as anything else.
 */
class BlockCorruptionTest {

    @TempDir
    Path dir;

    private Path block;
    private Head head;

    @BeforeEach
    void writeBlock() throws Exception {
        head = BlockTestUtil.randomHead(new Random(BlockTestUtil.seed("BlockCorruptionTest")), 20, T0, T0 + 2 * HOUR, 30_000);
        BlockMeta m = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        block = dir.resolve(m.ulid().toString());
    }

    private CorruptBlockException openFails(String file) {
        CorruptBlockException e = assertThrows(CorruptBlockException.class, () -> Block.open(block).close());
        assertTrue(e.getMessage().contains(block.resolve(file).toString()), e.getMessage());
        assertEquals(block.resolve(file), e.path());
        return e;
    }

    private void flip(Path f, long at) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5A);
        }
    }

    private void truncate(Path f, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Test
    void missingOrBadMetaJson() throws Exception {
        Files.writeString(block.resolve("meta.json"), "{\"ulid\": \"nope\", \"version\": 1");
        assertTrue(openFails("meta.json").getMessage().contains("invalid meta.json"));
        Files.writeString(block.resolve("meta.json"),
                "{\"ulid\":\"01BKGV7JBM69T2G1BGBGM6KB12\",\"minTime\":0,\"maxTime\":1,\"version\":2}");
        assertTrue(openFails("meta.json").getMessage().contains("version 2"));
        Files.delete(block.resolve("meta.json"));
        assertTrue(openFails("meta.json").getMessage().contains("missing"));
    }

    @Test
    void halfWrittenIndex() throws Exception {
        Path ix = block.resolve("index");
        truncate(ix, Files.size(ix) / 2);
        assertTrue(openFails("index").getMessage().contains("TOC"));
        truncate(ix, 3);
        openFails("index");
    }

    @Test
    void indexMagicVersionAndTableCrc() throws Exception {
        Path ix = block.resolve("index");
        flip(ix, 9); // inside the symbol table
        assertTrue(openFails("index").getMessage().contains("symbol table CRC32C mismatch"));
        flip(ix, 9);
        flip(ix, 4);
        assertTrue(openFails("index").getMessage().contains("version"));
        flip(ix, 4);
        flip(ix, 0);
        assertTrue(openFails("index").getMessage().contains("magic"));
    }

    @Test
    void damagedSeriesEntryIsReportedByTheQuery() throws Exception {
        Path ix = block.resolve("index");
        long seriesOff;
        try (RandomAccessFile raf = new RandomAccessFile(ix.toFile(), "r")) {
            raf.seek(raf.length() - 52 + 8);
            seriesOff = raf.readLong();
        }
        flip(ix, seriesOff + 3);
        try (Block b = Block.open(block); Querier q = b.querier(T0, T0 + 2 * HOUR)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.re("__name__", ".+"));
            while (ss.next()) {
                drain(ss.at().iterator(null));
            }
            CorruptFileException e = assertInstanceOf(CorruptFileException.class, ss.err());
            assertEquals(ix, e.path());
            assertTrue(e.getMessage().contains("series entry CRC32C mismatch"), e.getMessage());
        }
    }

    @Test
    void damagedChunkIsReportedByItsIterator() throws Exception {
        Path seg = block.resolve("chunks").resolve("000001");
        flip(seg, 8 + 5); // inside the first chunk's data
        try (Block b = Block.open(block); Querier q = b.querier(T0, T0 + 2 * HOUR)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.re("__name__", ".+"));
            Throwable err = null;
            while (ss.next()) {
                Throwable e = drain(ss.at().iterator(null));
                if (e != null && err == null) {
                    err = e;
                }
            }
            CorruptFileException e = assertInstanceOf(CorruptFileException.class, err);
            assertEquals(seg, e.path());
            assertEquals(8, e.offset());
            assertTrue(e.getMessage().contains("chunk CRC32C mismatch"), e.getMessage());
        }
    }

    @Test
    void badSegmentHeaderAndTruncatedSegment() throws Exception {
        Path seg = block.resolve("chunks").resolve("000001");
        flip(seg, 1);
        assertTrue(openFails("chunks/000001").getMessage().contains("magic"));
        flip(seg, 1);
        truncate(seg, Files.size(seg) - 10);
        try (Block b = Block.open(block); Querier q = b.querier(T0, T0 + 2 * HOUR)) {
            SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.re("__name__", ".+"));
            Throwable err = null;
            while (ss.next()) {
                Throwable e = drain(ss.at().iterator(null));
                err = err == null ? e : err;
            }
            CorruptFileException e = assertInstanceOf(CorruptFileException.class, err);
            assertEquals(seg, e.path());
        }
        truncate(seg, 4);
        openFails("chunks/000001");
    }

    @Test
    void tombstonesCrcAndMissingChunks() throws Exception {
        try (Block b = Block.open(block)) {
            b.delete(T0, T0 + HOUR, Matcher.eq("job", "node"));
        }
        Path ts = block.resolve("tombstones");
        flip(ts, 6);
        assertTrue(openFails("tombstones").getMessage().contains("CRC32C"));
        Files.delete(ts);
        try (Block b = Block.open(block)) {
            assertTrue(b.tombstones().isEmpty(), "a missing tombstones file means nothing deleted");
        }
        Files.delete(block.resolve("chunks").resolve("000001"));
        Files.delete(block.resolve("chunks"));
        openFails("chunks");
    }

    /** Random byte flips anywhere in the index or a chunk segment: open fails cleanly or queries report errors. */
    @Test
    void randomDamageNeverEscapes() throws Exception {
        Random rnd = new Random(BlockTestUtil.seed("randomDamageNeverEscapes"));
        Path ix = block.resolve("index");
        Path seg = block.resolve("chunks").resolve("000001");
        byte[] ixOrig = Files.readAllBytes(ix);
        byte[] segOrig = Files.readAllBytes(seg);
        int opened = 0;
        int reported = 0;
        for (int round = 0; round < 300; round++) {
            Files.write(ix, ixOrig);
            Files.write(seg, segOrig);
            Path f = rnd.nextBoolean() ? ix : seg;
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) {
                flip(f, rnd.nextInt((int) Files.size(f)));
            }
            Block b;
            try {
                b = Block.open(block);
            } catch (CorruptBlockException e) {
                assertNotNull(e.path());
                continue;
            }
            opened++;
            try (b; Querier q = b.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
                SeriesSet ss = q.select(true, SelectHints.NONE, Matcher.re("__name__", ".+"));
                boolean err = false;
                while (ss.next()) {
                    Throwable e = drain(ss.at().iterator(null));
                    err |= e != null;
                }
                if (ss.err() != null || err) {
                    reported++;
                }
                try {
                    q.labelNames();
                    q.labelValues("instance", Matcher.eq("job", "node"));
                } catch (CorruptFileException e) {
                    reported++;
                }
            }
        }
        System.out.printf("random damage: %d of 300 opened, %d reported while querying%n", opened, reported);
    }

    private static Throwable drain(SampleIterator it) {
        while (it.next() != ValueType.NONE) {
            // read all
        }
        return it.err();
    }
}
