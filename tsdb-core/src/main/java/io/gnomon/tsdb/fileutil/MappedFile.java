package io.gnomon.tsdb.fileutil;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.agrona.IoUtil;

/**
 * A read-only memory mapping of a whole file, addressed by {@code long} offsets, with every read
 * bounds-checked: a read past the end throws {@link CorruptFileException} naming the file and
 * offset instead of an {@code IndexOutOfBoundsException} (or worse, a fault).
 *
 * <p>Files larger than 1 GiB are mapped as several 1 GiB windows; a read that straddles two
 * windows is assembled byte by byte. Nothing is copied onto the heap except what a read returns.
 *
 * <p>Thread-safe for reads (absolute reads only). {@link #close()} unmaps, idempotently; the
 * owner guarantees no read runs concurrently with or after it (reading unmapped memory crashes
 * the JVM), which {@code Block} does by counting its readers.
 */
public final class MappedFile implements Closeable {

    private static final int WINDOW_SHIFT = 30;
    private static final long WINDOW_MASK = (1L << WINDOW_SHIFT) - 1;

    private final Path path;
    private final long size;
    private final MappedByteBuffer[] windows;
    private volatile boolean closed;

    private MappedFile(Path path, long size, MappedByteBuffer[] windows) {
        this.path = path;
        this.size = size;
        this.windows = windows;
    }

    /** Maps {@code path} read-only. */
    public static MappedFile open(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            int n = (int) ((size + WINDOW_MASK) >>> WINDOW_SHIFT);
            MappedByteBuffer[] w = new MappedByteBuffer[Math.max(n, 0)];
            for (int i = 0; i < n; i++) {
                long start = (long) i << WINDOW_SHIFT;
                long len = Math.min(1L << WINDOW_SHIFT, size - start);
                w[i] = ch.map(FileChannel.MapMode.READ_ONLY, start, len);
                w[i].order(ByteOrder.BIG_ENDIAN);
            }
            return new MappedFile(path, size, w);
        }
    }

    public Path path() {
        return path;
    }

    public long size() {
        return size;
    }

    /** A {@link CorruptFileException} for this file. */
    public CorruptFileException corrupt(long offset, String what) {
        return new CorruptFileException(path, offset, what);
    }

    private void check(long pos, long len) {
        if (pos < 0 || len < 0 || pos > size - len) {
            throw corrupt(pos, "read of " + len + " bytes out of bounds, file size " + size);
        }
    }

    public byte get(long pos) {
        check(pos, 1);
        return windows[(int) (pos >>> WINDOW_SHIFT)].get((int) (pos & WINDOW_MASK));
    }

    /** Big-endian uint32 as an int. */
    public int getInt(long pos) {
        check(pos, 4);
        int w = (int) (pos >>> WINDOW_SHIFT);
        int off = (int) (pos & WINDOW_MASK);
        if (off <= windows[w].limit() - 4) {
            return windows[w].getInt(off);
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (get(pos + i) & 0xFF);
        }
        return v;
    }

    /** Big-endian int64. */
    public long getLong(long pos) {
        check(pos, 8);
        int w = (int) (pos >>> WINDOW_SHIFT);
        int off = (int) (pos & WINDOW_MASK);
        if (off <= windows[w].limit() - 8) {
            return windows[w].getLong(off);
        }
        return ((long) getInt(pos) << 32) | (getInt(pos + 4) & 0xFFFFFFFFL);
    }

    /** Copies {@code len} bytes at {@code pos} into {@code dst[off..]}. */
    public void get(long pos, byte[] dst, int off, int len) {
        check(pos, len);
        int done = 0;
        while (done < len) {
            long p = pos + done;
            int w = (int) (p >>> WINDOW_SHIFT);
            int wo = (int) (p & WINDOW_MASK);
            int n = Math.min(len - done, windows[w].limit() - wo);
            windows[w].get(wo, dst, off + done, n);
            done += n;
        }
    }

    /** CRC32C (Castagnoli) of {@code len} bytes at {@code pos}, as an int. */
    public int crc32c(long pos, long len) {
        check(pos, len);
        CRC32C crc = new CRC32C();
        long done = 0;
        while (done < len) {
            long p = pos + done;
            int w = (int) (p >>> WINDOW_SHIFT);
            int wo = (int) (p & WINDOW_MASK);
            int n = (int) Math.min(len - done, windows[w].limit() - wo);
            crc.update(windows[w].slice(wo, n));
            done += n;
        }
        return (int) crc.getValue();
    }

    /** Decodes {@code len} bytes of UTF-8 at {@code pos}. */
    public String string(long pos, int len) {
        check(pos, len);
        int w = (int) (pos >>> WINDOW_SHIFT);
        int wo = (int) (pos & WINDOW_MASK);
        byte[] b = new byte[len];
        if (wo <= windows[w].limit() - len) {
            windows[w].get(wo, b, 0, len);
        } else {
            get(pos, b, 0, len);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Whether the {@code len} bytes at {@code pos} equal {@code b} (bounds-checked; false past the end). */
    public boolean equalsBytes(long pos, byte[] b) {
        if (pos < 0 || pos > size - b.length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (get(pos + i) != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** A cursor starting at {@code pos} that reads no further than {@code end}. */
    public Cursor cursor(long pos, long end) {
        return new Cursor(this, pos, Math.min(end, size));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MappedByteBuffer w : windows) {
            IoUtil.unmap(w);
        }
    }

    /**
     * A sequential decoder over {@code [pos, end)} of a mapped file: varints, fixed-width
     * big-endian integers and length-prefixed strings; every read stays before {@code end} or
     * throws {@link CorruptFileException}.
     */
    public static final class Cursor {
        private final MappedFile f;
        private long pos;
        private final long end;

        Cursor(MappedFile f, long pos, long end) {
            this.f = f;
            this.pos = pos;
            this.end = end;
        }

        public long position() {
            return pos;
        }

        public void position(long p) {
            pos = p;
        }

        public long remaining() {
            return end - pos;
        }

        private void need(long n) {
            if (n < 0 || pos > end - n) {
                throw f.corrupt(pos, "entry runs past the end of its section (" + n + " bytes needed, section ends at " + end + ")");
            }
        }

        public int be32() {
            need(4);
            int v = f.getInt(pos);
            pos += 4;
            return v;
        }

        public long be64() {
            need(8);
            long v = f.getLong(pos);
            pos += 8;
            return v;
        }

        public int u8() {
            need(1);
            return f.get(pos++) & 0xFF;
        }

        /** Go's binary.Uvarint: up to 10 bytes, the 10th at most 1. */
        public long uvarint() {
            long x = 0;
            int s = 0;
            for (int i = 0; i < 10; i++) {
                need(1);
                int b = f.get(pos++) & 0xFF;
                if (b < 0x80) {
                    if (i == 9 && b > 1) {
                        throw f.corrupt(pos - 1, "varint overflows 64 bits");
                    }
                    return x | ((long) b << s);
                }
                x |= (long) (b & 0x7F) << s;
                s += 7;
            }
            throw f.corrupt(pos, "varint overflows 64 bits");
        }

        /** An unsigned varint that must fit an int (lengths, symbol refs). */
        public int uvarint32() {
            long p = pos;
            long v = uvarint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw f.corrupt(p, "varint " + Long.toUnsignedString(v) + " too large");
            }
            return (int) v;
        }

        /** Go's binary.Varint (zig-zag). */
        public long varint() {
            long u = uvarint();
            return (u >>> 1) ^ -(u & 1);
        }

        /** A uvarint length followed by that many bytes of UTF-8. */
        public String uvarintString() {
            int n = uvarint32();
            need(n);
            String s = f.string(pos, n);
            pos += n;
            return s;
        }

        /** Skips a uvarint-length-prefixed string. */
        public void skipUvarintString() {
            int n = uvarint32();
            need(n);
            pos += n;
        }

        public void skip(long n) {
            need(n);
            pos += n;
        }

        public MappedFile file() {
            return f;
        }
    }
}
