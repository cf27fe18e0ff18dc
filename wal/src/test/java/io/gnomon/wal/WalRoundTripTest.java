package io.gnomon.wal;

import static io.gnomon.wal.TestRecords.check;
import static io.gnomon.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WalRoundTripTest {

    @TempDir
    Path dir;

    private static WalOptions options(boolean compression) {
        return WalOptions.defaults().withCompression(compression).withSegmentSize(256 * 1024);
    }

    private static final int[] SIZES = {
        8, 9, 100, 1000,                                  // small
        WalDescriptor.PAGE_SIZE - 7 - 8,                  // exactly fills the rest of page 0
        WalDescriptor.PAGE_SIZE - 7, WalDescriptor.PAGE_SIZE, // one page and just over
        70_000, 100_003,                                  // several pages
        3 * 1024 * 1024 + 17, 5 * 1024 * 1024,            // multi-MiB, larger than a segment
        64, 12
    };

    @ParameterizedTest(name = "compression={0}")
    @ValueSource(booleans = {false, true})
    void roundTripsSmallPageSpanningAndMultiMebibyteRecords(boolean compression) {
        final List<Long> ids = new ArrayList<>();
        final List<Long> positions = new ArrayList<>();
        try (Wal wal = Wal.open(dir, options(compression))) {
            assertTrue(wal.repairReport().clean());
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < SIZES.length; i++) {
                    final long id = round * 1000L + i;
                    positions.add(wal.append(ByteBuffer.wrap(record(id, SIZES[i]))));
                    ids.add(id);
                }
            }
            // Positions grow strictly: the log order is the append order.
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1));
            }
            // The live reader sees everything written so far.
            assertEquals(ids, readAll(wal.reader()));
            assertTrue(wal.lastSegment() > 1, "records larger than a segment forced cuts");
        }
        assertEquals(ids, TestRecords.readIds(dir));
        try (Wal wal = Wal.open(dir, options(!compression))) {
            assertTrue(wal.repairReport().clean(), wal.repairReport().toString());
            assertEquals(ids, readAll(wal.reader()));
        }
    }

    @Test
    void compressionShrinksCompressibleRecordsAndKeepsIncompressibleOnesRaw() {
        final byte[] compressible = new byte[10_000];
        for (int i = 8; i < compressible.length; i++) {
            compressible[i] = (byte) (i % 10);
        }
        final byte[] random = new byte[10_000];
        new SplittableRandom(7).nextBytes(random);
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            final long start = wal.writtenPosition();
            final long afterCompressible = wal.append(ByteBuffer.wrap(compressible));
            assertTrue(WalPosition.offset(afterCompressible) - WalPosition.offset(start) < 1000,
                    "compressible record stored compressed");
            final long afterRandom = wal.append(ByteBuffer.wrap(random));
            assertEquals(10_000 + 7, WalPosition.offset(afterRandom) - WalPosition.offset(afterCompressible),
                    "incompressible record stored raw in one fragment");
            try (WalReader r = wal.reader()) {
                assertTrue(r.next());
                final byte[] got = new byte[r.length()];
                r.record().getBytes(0, got);
                assertEquals(ByteBuffer.wrap(compressible), ByteBuffer.wrap(got));
                assertTrue(r.next());
                final byte[] got2 = new byte[r.length()];
                r.record().getBytes(0, got2);
                assertEquals(ByteBuffer.wrap(random), ByteBuffer.wrap(got2));
                assertTrue(!r.next() && r.error() == null);
            }
        }
    }

    @Test
    void acceptsEmptyRecordsAndEveryBufferKind() {
        final byte[] r1 = record(1, 5000);
        final ByteBuffer direct = ByteBuffer.allocateDirect(6000);
        direct.position(100);
        direct.put(record(2, 5000));
        direct.flip().position(100);
        final UnsafeBuffer offHeap = new UnsafeBuffer(ByteBuffer.allocateDirect(5000));
        offHeap.putBytes(0, record(3, 5000));
        final byte[] padded = new byte[5100];
        System.arraycopy(record(4, 5000), 0, padded, 50, 5000);
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            wal.append(ByteBuffer.allocate(0));
            wal.append(ByteBuffer.wrap(r1));
            wal.append(direct);
            assertEquals(100, direct.position(), "the caller's buffer position is not moved");
            wal.append(offHeap, 0, 5000);
            wal.append(new UnsafeBuffer(padded), 50, 5000);
            wal.append(ByteBuffer.wrap(record(6, 5000)).asReadOnlyBuffer());
            final long p = wal.submit(new UnsafeBuffer(record(5, 300)), 0, 300);
            wal.await(p);
        }
        try (WalReader r = WalReader.open(dir)) {
            assertTrue(r.next());
            assertEquals(0, r.length());
            final List<Long> ids = new ArrayList<>();
            while (r.next()) {
                ids.add(check(r.record(), r.length()));
            }
            assertNull(r.error());
            assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 5L), ids);
        }
    }

    @Test
    void everyOpenStartsANewSegmentAndCutSegmentSeparatesRecords() throws Exception {
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            assertEquals(0, wal.lastSegment());
            wal.append(ByteBuffer.wrap(record(1, 100)));
            assertEquals(1, wal.cutSegment());
            final long p = wal.append(ByteBuffer.wrap(record(2, 100)));
            assertEquals(1, WalPosition.segment(p));
            assertEquals(0, wal.firstSegment());
            wal.sync();
            assertEquals(p, wal.durablePosition());
            assertTrue(wal.metrics().fsyncs() >= 2);
            assertEquals(2, wal.metrics().records());
        }
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            assertEquals(2, wal.lastSegment());
            assertTrue(Files.exists(dir.resolve("00000002")));
            assertEquals(List.of(1L, 2L), readAll(wal.reader()));
            assertEquals(2, wal.truncate(2));
            assertEquals(2, wal.firstSegment());
            assertEquals(List.of(), readAll(wal.reader()));
        }
    }

    @Test
    void fsyncAlwaysMakesEveryAppendDurable() {
        try (Wal wal = Wal.open(dir, WalOptions.defaults().withFsyncPolicy(FsyncPolicy.ALWAYS))) {
            for (int i = 0; i < 20; i++) {
                final long p = wal.append(ByteBuffer.wrap(record(i, 200)));
                assertTrue(wal.durablePosition() >= p);
            }
            assertTrue(wal.metrics().fsyncs() >= 20);
            assertTrue(wal.metrics().fsyncMaxNanos() > 0 && wal.metrics().fsyncMaxNanos() <= wal.metrics().fsyncNanos());
        }
    }

    @Test
    void intervalFsyncHappensWhileIdle() throws Exception {
        try (Wal wal = Wal.open(dir, WalOptions.defaults().withFsyncIntervalMillis(50))) {
            final long p = wal.append(ByteBuffer.wrap(record(1, 100)));
            final long deadline = System.nanoTime() + 5_000_000_000L;
            while (wal.durablePosition() < p && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(p, wal.durablePosition(), "the interval fsync ran without further appends");
        }
    }

    static List<Long> readAll(WalReader reader) {
        try (WalReader r = reader) {
            final List<Long> ids = new ArrayList<>();
            while (r.next()) {
                ids.add(check(r.record(), r.length()));
            }
            assertNull(r.error(), () -> "unexpected corruption: " + r.error());
            return ids;
        }
    }
}
