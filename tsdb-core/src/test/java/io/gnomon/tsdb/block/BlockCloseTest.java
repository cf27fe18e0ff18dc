package io.gnomon.tsdb.block;

import static io.gnomon.tsdb.block.BlockTestUtil.HOUR;
import static io.gnomon.tsdb.block.BlockTestUtil.T0;
import static io.gnomon.tsdb.block.BlockTestUtil.read;
import static io.gnomon.tsdb.block.BlockTestUtil.render;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.RangeHead;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Closing a block waits for its readers, but not for ever. */
class BlockCloseTest {

    @TempDir
    Path dir;

    private Path writeBlock() throws Exception {
        Head head = BlockTestUtil.randomHead(new Random(BlockTestUtil.seed("BlockCloseTest")), 8, T0, T0 + 2 * HOUR, 15_000);
        BlockMeta meta = BlockWriter.write(dir, T0, T0 + 2 * HOUR, List.of(new RangeHead(head, T0, T0 + 2 * HOUR)),
                BlockMeta.Compaction.head());
        return dir.resolve(meta.ulid().toString());
    }

    @Test
    void closeWaitsForAReaderThatIsClosedLater() throws Exception {
        Block b = Block.open(writeBlock());
        Querier q = b.querier(T0, T0 + 2 * HOUR);
        Thread closer = new Thread(() -> b.close(Duration.ofMinutes(1)));
        closer.start();
        closer.join(200);
        assertTrue(closer.isAlive(), "close waits while a querier is open");
        assertThrows(IllegalStateException.class, () -> b.querier(T0, T0 + HOUR), "no new readers while closing");
        read(q, Matcher.eq("job", "node"));
        q.close();
        closer.join(10_000);
        assertFalse(closer.isAlive(), "close returns once the last reader is closed");
    }

    @Test
    void aLeakedReaderDoesNotHangCloseAndStaysReadable() throws Exception {
        Path bdir = writeBlock();
        Block b = Block.open(bdir);
        Querier leaked = b.querier(T0, T0 + 2 * HOUR);
        String before = render(read(leaked, Matcher.eq("job", "node")));
        assertFalse(b.close(Duration.ofMillis(100)), "gave up unmapping: a reader is still open");
        assertFalse(b.close(Duration.ofMillis(100)), "idempotent");
        b.deleteFiles();
        assertFalse(Files.exists(bdir));
        // The leaked querier still reads the (deleted, still mapped) files without crashing.
        assertEquals(before, render(read(leaked, Matcher.eq("job", "node"))));
        leaked.close();
    }

    @Test
    void closeWithoutReadersUnmaps() throws Exception {
        Block b = Block.open(writeBlock());
        try (Querier q = b.querier(T0, T0 + 2 * HOUR)) {
            read(q, Matcher.eq("job", "node"));
        }
        assertTrue(b.close(Duration.ofMillis(100)));
        assertFalse(b.close(Duration.ofMillis(100)));
    }
}
