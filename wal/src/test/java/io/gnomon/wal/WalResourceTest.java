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

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long walThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gnomon-wal-") && t.isAlive()).count();
    }

    private void cycle(int round) {
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
        }
    }

    @Test
    void closeReleasesFilesAndThreads() throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "needs /proc");
        cycle(0); // loads classes (and the LZ4 native library) once
        final long fds = openFileDescriptors();
        for (int round = 1; round <= 3; round++) {
            cycle(round);
        }
        assertEquals(fds, openFileDescriptors(), "open file descriptors back to baseline");
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
