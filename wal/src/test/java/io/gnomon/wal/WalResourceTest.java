package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Open files and threads are back to their baseline after close (STYLE rule 14). */
class WalResourceTest {

    @TempDir
    Path dir;

    /**
     * Open descriptors of this process that point into {@code under}. Counting only these (not all
     * descriptors) keeps the test independent of what the JVM and surefire open and close meanwhile.
     */
    private static long openFileDescriptors(Path under) throws IOException {
        final Path root = under.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(root);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed between list and readlink
                }
            }).count();
        }
    }

    private static long walThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gnomon-wal-") && t.isAlive()).count();
    }

    private void cycle(int round) throws IOException {
        try (Wal wal = Wal.open(dir.resolve("r" + round), WalOptions.defaults().withSegmentSize(64 * 1024))) {
            for (int i = 0; i < 100; i++) {
                wal.append(ByteBuffer.wrap(record(i, 2000)));
            }
            final int cut = wal.cutSegment();
            wal.checkpoint(wal.firstSegment(), cut - 1, RecordFilter.keepAll());
            try (WalReader r = wal.reader()) {
                r.next();   // left open mid-segment on purpose: close must release it
            }
            assertEquals(100, WalRoundTripTest.readAll(wal.reader()).size());
            assertTrue(openFileDescriptors(dir) > 0, "the open wal holds files in its directory");
        }
    }

    @Test
    void closeReleasesFilesAndThreads() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        for (int round = 0; round <= 3; round++) {
            cycle(round);
            assertEquals(0, openFileDescriptors(dir), "no descriptor into the wal directory after close");
        }
        assertEquals(0, walThreads(), "flusher threads stopped");
    }

    @Test
    void closeIsIdempotentAndAppendsAfterCloseFail() {
        final Wal wal = Wal.open(dir, WalOptions.defaults());
        final long p = wal.append(ByteBuffer.wrap(record(1, 100)));
        wal.close();
        wal.close();
        assertThrows(WalException.class, () -> wal.append(ByteBuffer.wrap(record(2, 100))));
        final WalReader r = WalReader.open(dir);
        r.close();
        r.close();
        try (Wal again = Wal.open(dir, WalOptions.defaults())) {
            assertArrayEquals(new int[] {0, 1}, again.segments());
            assertEquals(WalPosition.segment(p), again.firstSegment());
        }
    }

    @Test
    void aSecondWriterOnTheSameDirectoryIsRefused() {
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            final WalException e = assertThrows(WalException.class, () -> Wal.open(dir, WalOptions.defaults()));
            assertTrue(e.getMessage().startsWith("wal directory is locked"), e.getMessage());
            wal.append(ByteBuffer.wrap(record(1, 10)));
        }
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            assertEquals(1, WalRoundTripTest.readAll(wal.reader()).size());
        }
    }
}
