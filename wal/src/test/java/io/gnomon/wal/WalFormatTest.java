package io.gnomon.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes on disk are exactly what the format specification (WalWriter javadoc, docs/format/wal.md) says. */
class WalFormatTest {

    @TempDir
    Path dir;

    @Test
    void workedExampleOfTheSpecification() throws Exception {
        try (Wal wal = Wal.open(dir, WalOptions.defaults().withCompression(false))) {
            final long end = wal.append(ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
            assertEquals(WalPosition.of(0, 20), end);
        }
        final byte[] expected = HexFormat.of().parseHex("4757414C01000000" + "01" + "0005" + "47D25EBA" + "68656C6C6F");
        assertArrayEquals(expected, Files.readAllBytes(dir.resolve("00000000")));
    }

    @Test
    void fragmentsNeverCrossAPageAndShortPageTailsArePadded() {
        final int page = WalDescriptor.PAGE_SIZE;
        final int header = WalDescriptor.FRAGMENT_HEADER_LENGTH;
        assertEquals(header + 10, WalWriter.framedLength(8, 10));
        // Fits exactly into the rest of page 0.
        assertEquals(page - 8, WalWriter.framedLength(8, page - 8 - header));
        // One byte more: a second fragment on the next page.
        assertEquals(page - 8 + header + 1, WalWriter.framedLength(8, page - 8 - header + 1));
        // Six bytes left in a page cannot hold a header: padding, then the fragment.
        assertEquals(6 + header + 100, WalWriter.framedLength(page - 6, 100));
        // Seven bytes left are padding, even for an empty record: the rule depends on the offset alone.
        assertEquals(7 + header, WalWriter.framedLength(page - 7, 0));
        assertEquals(7 + header + 1, WalWriter.framedLength(page - 7, 1));
        // Eight bytes left hold a header and one data byte.
        assertEquals(header + 1, WalWriter.framedLength(page - 8, 1));
        assertEquals(header + 1 + header + 1, WalWriter.framedLength(page - 8, 2));
    }

    @Test
    void recordsAroundThePaddingBoundaryReadBack() {
        final int page = WalDescriptor.PAGE_SIZE;
        for (int left = 5; left <= 10; left++) {
            for (int next = 0; next <= 3; next++) {
                final Path sub = dir.resolve(left + "-" + next);
                final byte[] filler = new byte[page - 8 - 7 - left];
                final byte[] second = new byte[next];
                java.util.Arrays.fill(second, (byte) 0x5A);
                try (Wal wal = Wal.open(sub, WalOptions.defaults().withCompression(false))) {
                    assertEquals(WalPosition.of(0, page - left), wal.append(ByteBuffer.wrap(filler)));
                    final long end = wal.append(ByteBuffer.wrap(second));
                    assertEquals(page - left + WalWriter.framedLength(page - left, next), WalPosition.offset(end));
                }
                try (WalReader r = WalReader.open(sub)) {
                    assertTrue(r.next());
                    assertEquals(filler.length, r.length());
                    assertTrue(r.next(), () -> "second record, left=" + r.error());
                    final byte[] got = new byte[r.length()];
                    r.record().getBytes(0, got);
                    assertArrayEquals(second, got);
                    assertTrue(!r.next() && r.error() == null, () -> String.valueOf(r.error()));
                }
            }
        }
    }

    @Test
    void segmentFromANewerFormatVersionIsRefusedNotRepaired() throws Exception {
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            wal.append(ByteBuffer.wrap(TestRecords.record(1, 100)));
        }
        final Path segment = dir.resolve("00000000");
        final byte[] bytes = Files.readAllBytes(segment);
        bytes[WalDescriptor.VERSION_OFFSET] = (byte) (WalDescriptor.FORMAT_VERSION + 1);
        Files.write(segment, bytes);
        final WalException e = assertThrows(WalException.class, () -> Wal.open(dir, WalOptions.defaults()));
        assertTrue(e.getMessage().startsWith("wal segment format too new"), e.getMessage());
        assertEquals(bytes.length, Files.size(segment), "nothing was truncated");
    }

    @Test
    void namesHaveEightDigits() {
        assertEquals("00000042", WalDescriptor.segmentName(42));
        assertEquals("checkpoint.00000042", WalDescriptor.checkpointName(42));
        assertEquals(42, WalDescriptor.parseSegmentName("00000042"));
        assertEquals(-1, WalDescriptor.parseSegmentName("0000042"));
        assertEquals(-1, WalDescriptor.parseSegmentName("0000004x"));
        assertEquals(42, WalDescriptor.parseCheckpointName("checkpoint.00000042"));
        assertEquals(-1, WalDescriptor.parseCheckpointName("checkpoint.00000042.tmp"));
        assertEquals(7, WalPosition.segment(WalPosition.of(7, 0xFFFF_FFF0L)));
        assertEquals(0xFFFF_FFF0L, WalPosition.offset(WalPosition.of(7, 0xFFFF_FFF0L)));
        assertTrue(WalPosition.of(8, 8) > WalPosition.of(7, 0xFFFF_FFF0L));
    }
}
