package io.gnomon.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Deterministic test records: the first 8 bytes are the id, the rest follows from the id. */
final class TestRecords {

    private TestRecords() {
    }

    /** A record of {@code length >= 8} bytes for {@code id}; half-compressible content. */
    static byte[] record(long id, int length) {
        final byte[] b = new byte[length];
        new UnsafeBuffer(b).putLong(0, id);
        final SplittableRandom random = new SplittableRandom(id * 31 + length);
        for (int i = 8; i < length; i++) {
            b[i] = (byte) (i % 2 == 0 ? random.nextInt(256) : i % 7);
        }
        return b;
    }

    /** Checks a record read back and returns its id. */
    static long check(DirectBuffer buffer, int length) {
        final long id = buffer.getLong(0);
        final byte[] expected = record(id, length);
        final byte[] actual = new byte[length];
        buffer.getBytes(0, actual);
        for (int i = 0; i < length; i++) {
            if (expected[i] != actual[i]) {
                throw new AssertionError("record content differs [id=" + id + ", length=" + length + ", index=" + i + "]");
            }
        }
        return id;
    }

    /** Reads every record of {@code dir} offline, checks contents, asserts no error, returns the ids. */
    static List<Long> readIds(Path dir) {
        try (WalReader r = WalReader.open(dir)) {
            final List<Long> ids = new ArrayList<>();
            while (r.next()) {
                ids.add(check(r.record(), r.length()));
            }
            assertNull(r.error(), () -> "unexpected corruption: " + r.error());
            return ids;
        }
    }

    static List<Long> range(long fromInclusive, long toExclusive) {
        final List<Long> out = new ArrayList<>();
        for (long i = fromInclusive; i < toExclusive; i++) {
            out.add(i);
        }
        return out;
    }

    static void flipBit(Path file, long offset, int bit) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            final int b = f.read();
            f.seek(offset);
            f.write(b ^ (1 << bit));
        }
    }

    static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        }
    }

    static void zero(Path file, long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (f.length() < to) {
                f.setLength(to);
            }
            f.seek(from);
            f.write(new byte[(int) (to - from)]);
        }
    }

    static void assertIds(List<Long> expected, List<Long> actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        assertEquals(expected, actual);
    }
}
