package io.gnomon.wal;

import static io.gnomon.wal.WalDescriptor.SEGMENT_HEADER_LENGTH;

import io.gnomon.wal.WalCorruptionException.Kind;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a WAL directory into a state the writer can continue from, at open. Steps, in order:
 * remove temporary checkpoints; keep only the newest checkpoint; delete segments it covers; scan
 * the remaining segments (CRC, fragment order, numbering); at the first corruption truncate that
 * segment to the end of its last complete record (delete it if its header is bad) and delete
 * every later segment. Modelled on the repair of Prometheus's {@code tsdb/wlog}: corruption is
 * never skipped over, because records after it could depend on the lost ones.
 */
final class WalRepair {

    private static final System.Logger LOG = System.getLogger(WalRepair.class.getName());

    private WalRepair() {
    }

    static RepairReport run(Path dir, WalMetrics metrics) throws IOException {
        Files.createDirectories(dir);
        final List<String> tmpDeleted = new ArrayList<>();
        for (Path tmp : WalDirectory.temporaryCheckpoints(dir)) {
            WalDirectory.deleteRecursively(tmp);
            tmpDeleted.add(tmp.getFileName().toString());
            LOG.log(System.Logger.Level.WARNING, "removed interrupted checkpoint [dir=" + tmp + "]");
        }
        final int[] checkpoints = WalDirectory.checkpoints(dir);
        final int checkpoint = checkpoints.length > 0 ? checkpoints[checkpoints.length - 1] : -1;
        final List<Integer> staleCheckpoints = new ArrayList<>();
        for (int i = 0; i < checkpoints.length - 1; i++) {
            WalDirectory.deleteRecursively(dir.resolve(WalDescriptor.checkpointName(checkpoints[i])));
            staleCheckpoints.add(checkpoints[i]);
        }
        final List<Integer> staleSegments = new ArrayList<>();
        final List<Integer> live = new ArrayList<>();
        for (int s : WalDirectory.segments(dir)) {
            if (s <= checkpoint) {
                Files.delete(dir.resolve(WalDescriptor.segmentName(s)));
                staleSegments.add(s);
            } else {
                live.add(s);
            }
        }
        metrics.segmentsDeleted.addAndGet(staleSegments.size());

        long scanned = 0;
        WalCorruptionException corruption = null;
        long lost = 0;
        long truncatedTo = -1;
        long discarded = 0;
        final List<Integer> deleted = new ArrayList<>();
        int expected = checkpoint >= 0 ? checkpoint + 1 : (live.isEmpty() ? 0 : live.get(0));
        for (int i = 0; i < live.size() && corruption == null; i++) {
            final int s = live.get(i);
            final Path file = dir.resolve(WalDescriptor.segmentName(s));
            if (s != expected) {
                corruption = WalCorruptionException.of(Kind.MISSING_SEGMENT, dir.resolve(WalDescriptor.segmentName(expected)),
                        expected, 0, false, "segment missing from the sequence [next present=" + s + "]");
                for (int j = i; j < live.size(); j++) {
                    final long[] counted = countAndDelete(dir, live.get(j));
                    lost += counted[0];
                    discarded += counted[1];
                    deleted.add(live.get(j));
                }
                break;
            }
            expected = s + 1;
            boolean headerValid = true;
            long goodEnd = 0;
            try (SegmentRecords records = new SegmentRecords(new SegmentScanner(file, s, false, -1), false)) {
                while (records.next()) {
                    scanned++;
                }
                corruption = records.error();
                if (corruption != null) {
                    final SegmentScanner scanner = records.scanner;
                    lost += (records.inRecord() || scanner.damagedRecord) ? 1 : 0;
                    if (scanner.resumeOffset < scanner.limit()) {
                        lost += scanner.countRecordStarts(scanner.resumeOffset);
                    }
                    headerValid = scanner.headerValid;
                    goodEnd = records.goodEnd();
                }
            }
            if (corruption == null) {
                continue;
            }
            final long size = Files.size(file);
            if (!headerValid) {
                Files.delete(file);
                deleted.add(s);
                discarded += size;
            } else {
                truncatedTo = goodEnd;
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    ch.truncate(truncatedTo);
                    ch.force(true);
                }
                discarded += size - truncatedTo;
            }
            for (int j = i + 1; j < live.size(); j++) {
                final long[] counted = countAndDelete(dir, live.get(j));
                lost += counted[0];
                discarded += counted[1];
                deleted.add(live.get(j));
            }
        }
        WalWriter.fsyncDirectory(dir);
        metrics.segmentsDeleted.addAndGet(deleted.size());
        final RepairReport report = new RepairReport(corruption, scanned, lost, truncatedTo, discarded, deleted,
                staleSegments, staleCheckpoints, tmpDeleted);
        if (corruption != null) {
            metrics.corruptions.incrementAndGet();
            metrics.repairs.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "repaired wal [dir=" + dir + ", " + report + ", cause="
                    + corruption.getMessage() + "]");
        } else if (!staleSegments.isEmpty() || !staleCheckpoints.isEmpty() || !tmpDeleted.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "cleaned wal directory [dir=" + dir + ", " + report + "]");
        }
        return report;
    }

    /** Counts the record starts of a segment that is about to be discarded, then deletes it. */
    private static long[] countAndDelete(Path dir, int segment) throws IOException {
        final Path file = dir.resolve(WalDescriptor.segmentName(segment));
        final long size = Files.size(file);
        long count;
        try (SegmentScanner scanner = new SegmentScanner(file, segment, false, -1)) {
            count = scanner.countRecordStarts(SEGMENT_HEADER_LENGTH);
        } catch (WalException tooNewOrOld) {
            count = 0;
        }
        Files.delete(file);
        return new long[] {count, size};
    }
}
