package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random damage at random places (seed logged): open always succeeds, what survives is a prefix
 * of the log, and for a single flipped bit the survivors plus the reported lost records are
 * exactly the records that were written.
 */
class WalFuzzTest {

    private static final System.Logger LOG = System.getLogger(WalFuzzTest.class.getName());
    private static final int RECORDS = 40;
    /** 60 by default to keep the suite fast; raise with -Dwal.fuzz.rounds for a soak run. */
    private static final int ROUNDS = Integer.getInteger("wal.fuzz.rounds", 60);
    private static final WalOptions OPTIONS = WalOptions.defaults().withSegmentSize(64 * 1024);

    @TempDir
    Path tmp;

    @Test
    void randomDamageIsAlwaysRepairedToAPrefix() throws IOException {
        final long seed = Long.getLong("wal.fuzz.seed", System.nanoTime());
        LOG.log(System.Logger.Level.INFO, "fuzz seed=" + seed + " (rerun with -Dwal.fuzz.seed=" + seed + ")");
        final Random random = new Random(seed);
        final Path original = tmp.resolve("original");
        try (Wal wal = Wal.open(original, OPTIONS)) {
            for (int i = 0; i < RECORDS; i++) {
                final int length = i % 6 == 5 ? 40_000 + i : 8 + random.nextInt(5000);
                wal.append(ByteBuffer.wrap(record(i, length)));
            }
        }
        final List<Path> segments;
        try (Stream<Path> s = Files.list(original)) {
            segments = s.filter(p -> WalDescriptor.parseSegmentName(p.getFileName().toString()) >= 0).sorted().toList();
        }
        int repaired = 0;
        for (int round = 0; round < ROUNDS; round++) {
            final Path dir = tmp.resolve("round-" + round);
            Files.createDirectories(dir);
            for (Path p : segments) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
            final Path victim = dir.resolve(segments.get(random.nextInt(segments.size())).getFileName());
            final long size = Files.size(victim);
            final int damage = random.nextInt(4);
            long offset;
            do {
                offset = random.nextInt((int) size);
            } while (offset == WalDescriptor.VERSION_OFFSET); // a newer version is refused on purpose
            final String what;
            switch (damage) {
                case 0:
                    TestRecords.flipBit(victim, offset, random.nextInt(8));
                    what = "bit flip";
                    break;
                case 1:
                    TestRecords.truncate(victim, offset);
                    what = "truncation";
                    break;
                case 2:
                    TestRecords.zero(victim, offset, size + random.nextInt(3) * 10_000L);
                    what = "zero tail";
                    break;
                default:
                    final byte[] garbage = new byte[1 + random.nextInt(64)];
                    random.nextBytes(garbage);
                    try (var f = new java.io.RandomAccessFile(victim.toFile(), "rw")) {
                        f.seek(offset);
                        f.write(garbage);
                    }
                    what = "garbage";
            }
            final String context = "round " + round + ", " + what + " in " + victim.getFileName() + " at " + offset
                    + ", seed " + seed;
            final RepairReport report;
            final List<Long> survivors;
            try (Wal wal = Wal.open(dir, OPTIONS)) {
                report = wal.repairReport();
                survivors = WalRoundTripTest.readAll(wal.reader());
            } catch (RuntimeException e) {
                throw new AssertionError("open failed: " + context, e);
            }
            if (!report.clean()) {
                repaired++;
            }
            assertEquals(TestRecords.range(0, survivors.size()), survivors, "survivors are a prefix: " + context);
            if (damage == 0) {
                assertEquals(RECORDS, survivors.size() + report.recordsLost(), "exact loss: " + context + " " + report);
            }
            try (Wal wal = Wal.open(dir, OPTIONS)) {
                assertTrue(wal.repairReport().clean(), "second open is clean: " + context);
            }
        }
        LOG.log(System.Logger.Level.INFO, "fuzz: rounds=" + ROUNDS + " repaired=" + repaired);
        assertTrue(repaired > ROUNDS / 2);
    }
}
