package io.gnomon.tsdb.tombstones;

import io.gnomon.tsdb.fileutil.CorruptFileException;
import io.gnomon.tsdb.fileutil.FileUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The {@code tombstones} file of a block (Prometheus's tombstones format v1), read whole and
 * written atomically ({@code tombstones.tmp}, fsync, rename, fsync of the directory).
 *
 * <pre>
 * offset  field           width        notes
 * ------  --------------  -----------  ------------------------------------------------------
 * 0       magic           4 bytes      0x0130BA30, big-endian
 * 4       version         1 byte       1
 * 5       tombstone *     variable     one per deleted interval, ascending series ref:
 *                                        series ref   uvarint64
 *                                        mint         varint64 (zig-zag), inclusive ms
 *                                        maxt         varint64 (zig-zag), inclusive ms
 * end-4   CRC32C          4 bytes      Castagnoli, big-endian, over the tombstones only (from
 *                                      offset 5 to end-4; not the magic, not the version)
 * </pre>
 *
 * <p>Example: nothing deleted is the 9 bytes {@code 01 30 BA 30 01 00 00 00 00}; series 3 deleted
 * over [1000, 2000] adds {@code 03 D0 0F A0 1F} before the CRC. A series with several intervals
 * has one tombstone per interval. The constants are in {@link TombstonesDescriptor}.
 */
public final class TombstonesFile {

    private TombstonesFile() {
    }

    /**
     * Reads {@code dir/tombstones}. A missing file means nothing is deleted (Prometheus tolerates
     * its absence too).
     *
     * @throws CorruptFileException on a bad magic, version, CRC or entry
     */
    public static Tombstones read(Path dir) throws IOException {
        Path f = dir.resolve(TombstonesDescriptor.FILE_NAME);
        byte[] b;
        try {
            b = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return new Tombstones();
        }
        return decode(b, f);
    }

    /** Decodes a tombstones file's bytes; {@code f} names it in errors. */
    public static Tombstones decode(byte[] b, Path f) {
        if (b.length < TombstonesDescriptor.HEADER_SIZE + TombstonesDescriptor.CRC_SIZE) {
            throw new CorruptFileException(f, 0, "tombstones file too short (" + b.length + " bytes)");
        }
        int magic = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if (magic != TombstonesDescriptor.MAGIC) {
            throw new CorruptFileException(f, 0, "bad tombstones magic 0x" + Integer.toHexString(magic));
        }
        if (b[4] != TombstonesDescriptor.VERSION) {
            throw new CorruptFileException(f, 4, "unsupported tombstones version " + b[4] + ", only 1 is known");
        }
        int end = b.length - TombstonesDescriptor.CRC_SIZE;
        CRC32C crc = new CRC32C();
        crc.update(b, TombstonesDescriptor.HEADER_SIZE, end - TombstonesDescriptor.HEADER_SIZE);
        int want = ((b[end] & 0xFF) << 24) | ((b[end + 1] & 0xFF) << 16) | ((b[end + 2] & 0xFF) << 8) | (b[end + 3] & 0xFF);
        if ((int) crc.getValue() != want) {
            throw new CorruptFileException(f, end, "tombstones CRC32C mismatch");
        }
        Tombstones t = new Tombstones();
        int[] pos = {TombstonesDescriptor.HEADER_SIZE};
        while (pos[0] < end) {
            long ref = uvarint(b, pos, end, f);
            long mint = zigzag(uvarint(b, pos, end, f));
            long maxt = zigzag(uvarint(b, pos, end, f));
            t.add(ref, mint, maxt);
        }
        return t;
    }

    /** The bytes of a tombstones file holding {@code t}. */
    public static byte[] encode(Tombstones t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int m = TombstonesDescriptor.MAGIC;
        out.write(m >>> 24);
        out.write(m >>> 16);
        out.write(m >>> 8);
        out.write(m);
        out.write(TombstonesDescriptor.VERSION);
        t.forEach((iv, ref) -> {
            for (int i = 0; i < iv.size(); i++) {
                putUvarint(out, ref);
                putUvarint(out, (iv.mint(i) << 1) ^ (iv.mint(i) >> 63));
                putUvarint(out, (iv.maxt(i) << 1) ^ (iv.maxt(i) >> 63));
            }
        });
        byte[] body = out.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body, TombstonesDescriptor.HEADER_SIZE, body.length - TombstonesDescriptor.HEADER_SIZE);
        int c = (int) crc.getValue();
        out.write(c >>> 24);
        out.write(c >>> 16);
        out.write(c >>> 8);
        out.write(c);
        return out.toByteArray();
    }

    /** Writes {@code dir/tombstones} atomically; returns its size in bytes. */
    public static long write(Path dir, Tombstones t) throws IOException {
        byte[] b = encode(t);
        FileUtil.writeAtomically(dir.resolve(TombstonesDescriptor.FILE_NAME + ".tmp"),
                dir.resolve(TombstonesDescriptor.FILE_NAME), b);
        return b.length;
    }

    private static void putUvarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long zigzag(long u) {
        return (u >>> 1) ^ -(u & 1);
    }

    private static long uvarint(byte[] b, int[] pos, int end, Path f) {
        long x = 0;
        int s = 0;
        for (int i = 0; i < 10; i++) {
            if (pos[0] >= end) {
                throw new CorruptFileException(f, pos[0], "tombstone entry truncated");
            }
            int c = b[pos[0]++] & 0xFF;
            if (c < 0x80) {
                if (i == 9 && c > 1) {
                    break;
                }
                return x | ((long) c << s);
            }
            x |= (long) (c & 0x7F) << s;
            s += 7;
        }
        throw new CorruptFileException(f, pos[0], "tombstone varint overflows 64 bits");
    }
}
