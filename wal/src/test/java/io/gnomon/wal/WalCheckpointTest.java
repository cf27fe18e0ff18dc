package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalCheckpointTest {

    private static final WalOptions OPTIONS = WalOptions.defaults().withSegmentSize(64 * 1024);

    @TempDir
    Path dir;

    private static void appendIds(Wal wal, long from, long to) {
        for (long id = from; id < to; id++) {
            wal.append(ByteBuffer.wrap(record(id, 500 + (int) (id % 7) * 300)));
        }
    }

    private static RecordFilter idDivisibleBy(int n) {
        return RecordFilter.keepIf((record, offset, length) -> record.getLong(offset) % n == 0);
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    @Test
    void checkpointKeepsWhatTheFilterEmitsAndDeletesFoldedSegments() throws IOException {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 300);
            final int cutAt = wal.cutSegment();
            appendIds(wal, 300, 310);
            assertTrue(cutAt > 3);

            final CheckpointResult first = wal.checkpoint(wal.firstSegment(), cutAt - 1, idDivisibleBy(2));
            assertEquals(cutAt - 1, first.index());
            assertEquals(300, first.recordsRead());
            assertEquals(150, first.recordsKept());
            assertEquals(cutAt, first.segmentsDeleted());
            assertEquals(cutAt, wal.firstSegment());
            assertEquals(cutAt - 1, wal.checkpointIndex());
            assertTrue(names().contains(WalDescriptor.checkpointName(cutAt - 1)));
            assertFalse(names().contains(WalDescriptor.segmentName(cutAt - 1)));

            final List<Long> expected = new ArrayList<>();
            for (long id = 0; id < 300; id += 2) {
                expected.add(id);
            }
            expected.addAll(TestRecords.range(300, 310));
            assertEquals(expected, WalRoundTripTest.readAll(wal.reader()));

            // A second checkpoint folds the first one with the newer segments, filtering both again.
            appendIds(wal, 310, 400);
            final int cut2 = wal.cutSegment();
            final CheckpointResult second = wal.checkpoint(wal.firstSegment(), cut2 - 1, idDivisibleBy(4));
            assertEquals(150 + 100, second.recordsRead());
            final List<Long> expected2 = new ArrayList<>();
            for (long id = 0; id < 400; id += 4) {
                expected2.add(id);
            }
            assertEquals(expected2, WalRoundTripTest.readAll(wal.reader()));
            assertFalse(names().contains(WalDescriptor.checkpointName(cutAt - 1)), "older checkpoint deleted");
            assertEquals(1, names().stream().filter(n -> n.startsWith("checkpoint.")).count());
            assertEquals(2, wal.metrics().checkpoints());
        }
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean(), wal.repairReport().toString());
            final List<Long> expected = new ArrayList<>();
            for (long id = 0; id < 400; id += 4) {
                expected.add(id);
            }
            assertEquals(expected, WalRoundTripTest.readAll(wal.reader()));
        }
    }

    @Test
    void filterMayRewriteAndSplitRecords() {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 10);
            final int cut = wal.cutSegment();
            // Keep only the 8-byte id of each record, twice.
            wal.checkpoint(0, cut - 1, (record, offset, length, keep) -> {
                keep.emit(record, offset, 8);
                final UnsafeBuffer copy = new UnsafeBuffer(new byte[8]);
                copy.putLong(0, record.getLong(offset) + 1000);
                keep.emit(copy, 0, 8);
            });
            final List<Long> got = new ArrayList<>();
            try (WalReader r = wal.reader()) {
                while (r.next()) {
                    assertEquals(8, r.length());
                    assertTrue(r.inCheckpoint());
                    got.add(r.record().getLong(0));
                }
                assertEquals(null, r.error());
            }
            final List<Long> expected = new ArrayList<>();
            for (long id = 0; id < 10; id++) {
                expected.add(id);
                expected.add(id + 1000);
            }
            assertEquals(expected, got);
        }
    }

    @Test
    void leftoverTemporaryCheckpointIsRemovedOnOpen() throws IOException {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 50);
        }
        // A crash in the middle of writing a checkpoint leaves a .tmp directory with a partial segment.
        final Path tmp = dir.resolve(WalDescriptor.checkpointName(0) + WalDescriptor.TMP_SUFFIX);
        Files.createDirectories(tmp);
        Files.write(tmp.resolve("00000000"), new byte[] {0x47, 0x57, 0x41});
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean());
            assertEquals(List.of(tmp.getFileName().toString()), wal.repairReport().temporaryCheckpointsDeleted());
            assertFalse(Files.exists(tmp));
            assertEquals(-1, wal.checkpointIndex());
            assertEquals(TestRecords.range(0, 50), WalRoundTripTest.readAll(wal.reader()));
        }
    }

    @Test
    void crashAfterTheRenameLeavesStaleSegmentsThatOpenDeletes() throws IOException {
        final Path saved = dir.resolveSibling(dir.getFileName() + "-saved");
        Files.createDirectories(saved);
        final int to;
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 100);
            to = wal.cutSegment() - 1;
            for (int s = 0; s <= to; s++) {
                Files.copy(dir.resolve(WalDescriptor.segmentName(s)), saved.resolve(WalDescriptor.segmentName(s)));
            }
            wal.checkpoint(0, to, idDivisibleBy(10));
            appendIds(wal, 100, 105);
        }
        // Put the folded segments back, as if the process died between rename and deletion.
        for (int s = 0; s <= to; s++) {
            Files.copy(saved.resolve(WalDescriptor.segmentName(s)), dir.resolve(WalDescriptor.segmentName(s)),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean());
            assertEquals(to + 1, wal.repairReport().staleSegmentsDeleted().size());
            final List<Long> expected = new ArrayList<>();
            for (long id = 0; id < 100; id += 10) {
                expected.add(id);
            }
            expected.addAll(TestRecords.range(100, 105));
            assertEquals(expected, WalRoundTripTest.readAll(wal.reader()));
        }
    }

    @Test
    void corruptInputAbortsTheCheckpointAndChangesNothing() throws IOException {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 100);
            final int cut = wal.cutSegment();
            TestRecords.flipBit(dir.resolve(WalDescriptor.segmentName(1)), 100, 2);
            final List<String> before = names();
            final WalCorruptionException e = assertThrows(WalCorruptionException.class,
                    () -> wal.checkpoint(0, cut - 1, RecordFilter.keepAll()));
            assertEquals(1, e.segment());
            assertEquals(before, names(), "no checkpoint, no .tmp, no segment deleted");
        }
    }

    @Test
    void rangesThatWouldLoseDataAreRejected() {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 10);
            final int current = wal.lastSegment();
            assertThrows(IllegalArgumentException.class, () -> wal.checkpoint(0, current, RecordFilter.keepAll()));
            wal.cutSegment();
            wal.cutSegment();
            wal.truncate(1);
            assertThrows(IllegalArgumentException.class, () -> wal.checkpoint(2, 2, RecordFilter.keepAll()));
            assertThrows(IllegalArgumentException.class, () -> wal.truncate(wal.lastSegment() + 1));
        }
    }

    @Test
    void openAfterEverySegmentWasFoldedContinuesAfterTheCheckpoint() {
        final int to;
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            appendIds(wal, 0, 20);
            to = wal.cutSegment() - 1;
            wal.checkpoint(0, to, RecordFilter.keepAll());
        }
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean(), wal.repairReport().toString());
            assertTrue(wal.lastSegment() > to);
            appendIds(wal, 20, 25);
            assertEquals(TestRecords.range(0, 25), WalRoundTripTest.readAll(wal.reader()));
        }
    }

    @Test
    void checkpointsWhileOtherThreadsAppend() throws Exception {
        final int threads = 3;
        final long[] appended = new long[threads];
        final java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            final List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int thread = t;
                final Thread appender = new Thread(() -> {
                    for (long i = 0; !stop.get(); i++) {
                        wal.append(ByteBuffer.wrap(record(((long) thread << 32) + i, 300 + (int) (i % 11) * 800)));
                        appended[thread] = i + 1;
                        if (i % 4 == 3) {
                            pause(); // keep the history, which every keepAll checkpoint rewrites, small
                        }
                    }
                });
                appender.start();
                appenders.add(appender);
            }
            int checkpoints = 0;
            int attempts = 0;
            while (checkpoints < 4 && attempts++ < 10_000) {
                // Alternate between an explicit cut and the segments the writer cut by size: the
                // latter may still be being written when lastSegment() has already moved on.
                final int cut = checkpoints % 2 == 0 ? wal.cutSegment() : wal.lastSegment();
                if (cut - 1 > wal.checkpointIndex()) {
                    wal.checkpoint(wal.firstSegment(), cut - 1, RecordFilter.keepAll());
                    checkpoints++;
                }
                Thread.sleep(1);
            }
            stop.set(true);
            for (Thread t : appenders) {
                t.join();
            }
            assertEquals(4, checkpoints, "checkpoints ran during the appends");
        }
        final long[] next = new long[threads];
        try (WalReader r = WalReader.open(dir)) {
            while (r.next()) {
                final long id = TestRecords.check(r.record(), r.length());
                final int t = (int) (id >>> 32);
                assertEquals(next[t], id & 0xFFFF_FFFFL, "thread " + t + " in order, none lost");
                next[t]++;
            }
            assertEquals(null, r.error());
        }
        for (int t = 0; t < threads; t++) {
            assertEquals(appended[t], next[t], "thread " + t + ": every acknowledged record is there");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
