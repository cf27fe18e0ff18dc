package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.wal.WalCorruptionException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each damage a crash or a disk can do: the WAL opens, truncates at the damage, and reports
 * exactly which records and segments were lost.
 */
class WalRepairTest {

    private static final int PAGE = WalDescriptor.PAGE_SIZE;
    private static final int HEADER = WalDescriptor.FRAGMENT_HEADER_LENGTH;
    private static final WalOptions OPTIONS = WalOptions.defaults().withSegmentSize(64 * 1024);

    @TempDir
    Path dir;

    /** Where one record landed. */
    record Written(long id, int segment, long start, long end, int length) {
    }

    private List<Written> log;

    @BeforeEach
    void writeLog() {
        log = new ArrayList<>();
        final SplittableRandom sizes = new SplittableRandom(42);
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            long previous = wal.writtenPosition();
            for (int i = 0; i < 80; i++) {
                final int length = i == 79 ? 70_000 : i % 10 == 5 ? 100_000 + i : 500 + sizes.nextInt(3000);
                final long end = wal.append(ByteBuffer.wrap(record(i, length)));
                long start = WalPosition.segment(end) == WalPosition.segment(previous)
                        ? WalPosition.offset(previous) : WalDescriptor.SEGMENT_HEADER_LENGTH;
                if (PAGE - start % PAGE < HEADER + 1) {
                    start += PAGE - start % PAGE;
                }
                log.add(new Written(i, WalPosition.segment(end), start, WalPosition.offset(end), length));
                previous = end;
            }
        }
        assertTrue(lastSegment() >= 4, "the fixture spans several segments");
    }

    private int lastSegment() {
        return log.get(log.size() - 1).segment();
    }

    private Path segment(int index) {
        return dir.resolve(WalDescriptor.segmentName(index));
    }

    private List<Long> idsBefore(Written w) {
        return log.stream().filter(x -> x.id() < w.id()).map(Written::id).collect(Collectors.toList());
    }

    private List<Long> allIds() {
        return log.stream().map(Written::id).collect(Collectors.toList());
    }

    private long countFrom(Written w) {
        return log.stream().filter(x -> x.id() >= w.id()).count();
    }

    private long countInSegmentsAfter(int segment) {
        return log.stream().filter(x -> x.segment() > segment).count();
    }

    private List<Integer> segmentsAfter(int segment) {
        final List<Integer> out = new ArrayList<>();
        for (int s = segment + 1; s <= lastSegment(); s++) {
            out.add(s);
        }
        return out;
    }

    /** The second record of the first segment holding several: a record in a middle segment with one before it. */
    private Written middleRecord() {
        for (int s = 0; s < lastSegment(); s++) {
            final int segment = s;
            final List<Written> in = log.stream().filter(w -> w.segment() == segment).collect(Collectors.toList());
            if (in.size() >= 3) {
                return in.get(1);
            }
        }
        throw new AssertionError("fixture has no middle segment with several records");
    }

    /** A record spanning several pages, in a middle segment. */
    private Written multiPageRecordInAMiddleSegment() {
        return log.stream().filter(w -> w.segment() > 0 && w.segment() < lastSegment() && w.end() - w.start() > PAGE)
                .findFirst().orElseThrow();
    }

    /** The last record: it spans several pages. */
    private Written lastRecord() {
        final Written last = log.get(log.size() - 1);
        assertTrue(last.end() - last.start() > PAGE);
        return last;
    }

    /** Opens, checks the report, checks the surviving records, appends, and reopens clean. */
    private RepairReport openAndCheck(Kind kind, int segment, long offset, long lost, List<Long> survivors) {
        final RepairReport report;
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            report = wal.repairReport();
            assertFalse(report.clean(), "expected a repair");
            assertEquals(kind, report.corruption().kind(), report.toString());
            assertEquals(segment, report.corruption().segment(), report.toString());
            assertEquals(offset, report.corruption().offset(), report.toString());
            assertEquals(lost, report.recordsLost(), report.toString());
            assertEquals(1, wal.metrics().repairs());
            assertEquals(survivors, WalRoundTripTest.readAll(wal.reader()));
            wal.append(ByteBuffer.wrap(record(1000, 3000)));
        }
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean(), wal.repairReport().toString());
            final List<Long> expected = new ArrayList<>(survivors);
            expected.add(1000L);
            assertEquals(expected, WalRoundTripTest.readAll(wal.reader()));
        }
        return report;
    }

    @Test
    void cleanLogNeedsNoRepair() {
        try (Wal wal = Wal.open(dir, OPTIONS)) {
            assertTrue(wal.repairReport().clean());
            assertEquals(80, wal.repairReport().recordsScanned());
            assertEquals(0, wal.repairReport().recordsLost());
            assertEquals(allIds(), WalRoundTripTest.readAll(wal.reader()));
        }
    }

    @Test
    void tornLastRecordIsCutOff() throws IOException {
        final Written last = log.get(log.size() - 1);
        TestRecords.truncate(segment(last.segment()), last.start() + HEADER + 3);
        final RepairReport r = openAndCheck(Kind.TORN_TAIL, last.segment(), last.start(), 1, idsBefore(last));
        assertEquals(last.start(), r.truncatedTo());
        assertEquals(HEADER + 3, r.bytesDiscarded());
        assertEquals(List.of(), r.segmentsDeleted());
    }

    @Test
    void tornFragmentHeaderIsCutOff() throws IOException {
        final Written last = log.get(log.size() - 1);
        TestRecords.truncate(segment(last.segment()), last.start() + 3);
        openAndCheck(Kind.TORN_TAIL, last.segment(), last.start(), 1, idsBefore(last));
    }

    @Test
    void recordTornBetweenItsFragmentsIsCutOff() throws IOException {
        final Written big = lastRecord();
        final long second = (big.start() / PAGE + 1) * PAGE;
        TestRecords.truncate(segment(big.segment()), second + 100); // inside the second fragment
        final RepairReport r = openAndCheck(Kind.TORN_TAIL, big.segment(), second, 1, idsBefore(big));
        assertEquals(big.start(), r.truncatedTo());
    }

    @Test
    void truncatedMiddleSegmentLosesItsTailAndAllLaterSegments() throws IOException {
        final Written w = middleRecord();
        TestRecords.truncate(segment(w.segment()), w.start() + HEADER + 10);
        final RepairReport r = openAndCheck(Kind.TORN_TAIL, w.segment(), w.start(), 1 + countInSegmentsAfter(w.segment()),
                idsBefore(w));
        assertEquals(segmentsAfter(w.segment()), r.segmentsDeleted());
        assertEquals(w.start(), r.truncatedTo());
    }

    @Test
    void bitFlipInARecordTruncatesThereAndCountsEveryLaterRecord() throws IOException {
        final Written w = middleRecord();
        TestRecords.flipBit(segment(w.segment()), w.start() + HEADER + 5, 3);
        final RepairReport r = openAndCheck(Kind.CRC_MISMATCH, w.segment(), w.start(), countFrom(w), idsBefore(w));
        assertEquals(segmentsAfter(w.segment()), r.segmentsDeleted());
        assertEquals(w.start(), r.truncatedTo());
        assertEquals(w.start(), Files.size(segment(w.segment())));
    }

    @Test
    void bitFlipInTheLastFragmentOfAMultiPageRecord() throws IOException {
        final Written big = multiPageRecordInAMiddleSegment();
        TestRecords.flipBit(segment(big.segment()), big.end() - 2, 0);
        final long fragmentStart = (big.end() - 1) / PAGE * PAGE; // the last fragment starts its page
        final RepairReport r = openAndCheck(Kind.CRC_MISMATCH, big.segment(), fragmentStart, countFrom(big), idsBefore(big));
        assertEquals(big.start(), r.truncatedTo());
        assertEquals(segmentsAfter(big.segment()), r.segmentsDeleted());
    }

    @Test
    void bitFlipInAFragmentLengthIsCaughtByTheCrc() throws IOException {
        final Written w = middleRecord();
        TestRecords.flipBit(segment(w.segment()), w.start() + WalDescriptor.LENGTH_OFFSET + 1, 0);
        openAndCheck(Kind.CRC_MISMATCH, w.segment(), w.start(), countFrom(w), idsBefore(w));
    }

    @Test
    void lengthDamagedToReachPastTheEndOfFileStillCountsTheRecordsAfterIt() throws IOException {
        // In the last, partial page a larger length looks like a torn write; the loss count must
        // still find the records that follow.
        for (Written w : log) {
            final Path file = segment(w.segment());
            final long size = Files.size(file);
            final boolean lastInSegment = log.stream().noneMatch(x -> x.segment() == w.segment() && x.id() > w.id());
            if (w.start() < size / PAGE * PAGE || lastInSegment) {
                continue;
            }
            final byte[] bytes = Files.readAllBytes(file);
            final int length = ((bytes[(int) w.start() + 1] & 0xFF) << 8) | (bytes[(int) w.start() + 2] & 0xFF);
            for (int bit = 8; bit < 15; bit++) {
                final int damaged = length | (1 << bit);
                if (damaged != length && damaged <= PAGE - w.start() % PAGE - HEADER
                        && w.start() + HEADER + damaged > size) {
                    TestRecords.flipBit(file, w.start() + 1, bit - 8);
                    final RepairReport r = openAndCheck(Kind.TORN_TAIL, w.segment(), w.start(), countFrom(w),
                            idsBefore(w));
                    assertEquals(segmentsAfter(w.segment()), r.segmentsDeleted());
                    return;
                }
            }
        }
        throw new AssertionError("fixture has no record to damage this way");
    }

    @Test
    void garbageOverARecordHeaderTruncatesThere() throws IOException {
        final Written w = middleRecord();
        final byte[] garbage = new byte[Math.min(200, w.length() / 4)];
        new SplittableRandom(3).nextBytes(garbage);
        garbage[0] = (byte) 0xF7; // reserved bits set: never a valid type
        try (var f = new java.io.RandomAccessFile(segment(w.segment()).toFile(), "rw")) {
            f.seek(w.start());
            f.write(garbage);
        }
        openAndCheck(Kind.MALFORMED, w.segment(), w.start(), countFrom(w), idsBefore(w));
    }

    @Test
    void zeroFilledTailAfterCompleteRecordsLosesNothing() throws IOException {
        final Path last = segment(lastSegment());
        final long size = Files.size(last);
        TestRecords.zero(last, size, size + 100_000);
        final RepairReport r = openAndCheck(Kind.ZERO_TAIL, lastSegment(), size, 0, allIds());
        assertEquals(size, r.truncatedTo());
        assertEquals(100_000, r.bytesDiscarded());
    }

    @Test
    void zeroFilledTailInsideARecordLosesThatRecord() throws IOException {
        final Written big = lastRecord();
        final long from = (big.start() / PAGE + 1) * PAGE; // the second fragment and everything after
        final Path file = segment(big.segment());
        TestRecords.zero(file, from, Files.size(file));
        openAndCheck(Kind.ZERO_TAIL, big.segment(), from, 1, idsBefore(big));
    }

    @Test
    void missingSegmentInTheMiddleIsCorruptionThere() throws IOException {
        Files.delete(segment(2));
        final Written firstOfSegment2 = log.stream().filter(w -> w.segment() == 2).findFirst().orElseThrow();
        final RepairReport r = openAndCheck(Kind.MISSING_SEGMENT, 2, 0, countInSegmentsAfter(2),
                idsBefore(firstOfSegment2));
        assertEquals(segmentsAfter(2), r.segmentsDeleted());
        assertEquals(-1, r.truncatedTo());
    }

    @Test
    void emptySegmentLeftByACrashAtCreationIsRemoved() throws IOException {
        final int extra = lastSegment() + 1;
        Files.createFile(segment(extra));
        final RepairReport r = openAndCheck(Kind.TORN_TAIL, extra, 0, 0, allIds());
        assertEquals(List.of(extra), r.segmentsDeleted());
    }

    @Test
    void badMagicDeletesTheSegmentAndCountsItsRecords() throws IOException {
        TestRecords.flipBit(segment(3), 0, 1);
        final Written firstOf3 = log.stream().filter(w -> w.segment() == 3).findFirst().orElseThrow();
        final RepairReport r = openAndCheck(Kind.BAD_SEGMENT_HEADER, 3, 0, countFrom(firstOf3), idsBefore(firstOf3));
        final List<Integer> deleted = new ArrayList<>(List.of(3));
        deleted.addAll(segmentsAfter(3));
        assertEquals(deleted, r.segmentsDeleted());
    }

    @Test
    void readerReportsCorruptionWithFileSegmentAndOffsetWithoutRepairing() throws IOException {
        final Written w = middleRecord();
        TestRecords.flipBit(segment(w.segment()), w.start() + HEADER + 5, 3);
        final long size = Files.size(segment(w.segment()));
        try (WalReader r = WalReader.open(dir)) {
            int n = 0;
            while (r.next()) {
                n++;
            }
            assertEquals(idsBefore(w).size(), n);
            final WalCorruptionException e = r.error();
            assertNotNull(e);
            assertEquals(Kind.CRC_MISMATCH, e.kind());
            assertEquals(segment(w.segment()), e.file());
            assertEquals(w.segment(), e.segment());
            assertEquals(w.start(), e.offset());
            assertTrue(e.getMessage().contains("segment=" + w.segment()), e.getMessage());
            assertFalse(r.next(), "errors are sticky");
        }
        assertEquals(size, Files.size(segment(w.segment())), "reading never repairs");
    }
}
