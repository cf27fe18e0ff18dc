package io.gnomon.tsdb.fileutil;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * A buffered, position-tracking writer of a new file with the integer encodings the block formats
 * use (big-endian fixed width, Go varints), and an optional running CRC32C over what is written
 * between {@link #startCrc()} and {@link #crc()}. Not thread-safe. {@link #close()} flushes and
 * fsyncs.
 */
public final class FileWriter implements Closeable {

    private final Path path;
    private final FileChannel ch;
    private final ByteBuffer buf;
    private long pos;
    private final CRC32C crc = new CRC32C();
    private int crcFrom = -1;
    private boolean closed;

    public FileWriter(Path path, int bufferSize) throws IOException {
        this.path = path;
        this.ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        this.buf = ByteBuffer.allocate(bufferSize);
    }

    public Path path() {
        return path;
    }

    /** Bytes written so far (the offset of the next byte). */
    public long position() {
        return pos;
    }

    private void ensure(int n) throws IOException {
        if (buf.remaining() < n) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (crcFrom >= 0) {
            crc.update(buf.array(), crcFrom, buf.position() - crcFrom);
            crcFrom = 0;
        }
        buf.flip();
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        buf.clear();
    }

    /** Starts a CRC32C over the bytes written from now on. */
    public void startCrc() {
        crc.reset();
        crcFrom = buf.position();
    }

    /** The CRC32C of the bytes written since {@link #startCrc()}; stops it. */
    public int crc() {
        crc.update(buf.array(), crcFrom, buf.position() - crcFrom);
        crcFrom = -1;
        return (int) crc.getValue();
    }

    public void u8(int b) throws IOException {
        ensure(1);
        buf.put((byte) b);
        pos++;
    }

    public void be32(int v) throws IOException {
        ensure(4);
        buf.putInt(v);
        pos += 4;
    }

    public void be64(long v) throws IOException {
        ensure(8);
        buf.putLong(v);
        pos += 8;
    }

    public void uvarint(long v) throws IOException {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf.put((byte) ((v & 0x7F) | 0x80));
            v >>>= 7;
            pos++;
        }
        buf.put((byte) v);
        pos++;
    }

    public void varint(long v) throws IOException {
        uvarint((v << 1) ^ (v >> 63));
    }

    public void bytes(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buf.hasRemaining()) {
                flushBuffer();
            }
            int n = Math.min(len, buf.remaining());
            buf.put(b, off, n);
            off += n;
            len -= n;
            pos += n;
        }
    }

    public void bytes(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (!buf.hasRemaining()) {
                flushBuffer();
            }
            int n = Math.min(b.remaining(), buf.remaining());
            ByteBuffer s = b.slice(b.position(), n);
            buf.put(s);
            b.position(b.position() + n);
            pos += n;
        }
    }

    /** A uvarint byte length and the UTF-8 bytes. */
    public void uvarintString(String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uvarint(b.length);
        bytes(b, 0, b.length);
    }

    /** Writes zeros until the position is a multiple of {@code align}. */
    public void pad(int align) throws IOException {
        while (pos % align != 0) {
            u8(0);
        }
    }

    /** Overwrites 4 bytes at an earlier position (a length field reserved before its section). */
    public void patchBe32(long at, int v) throws IOException {
        flushBuffer();
        ByteBuffer b = ByteBuffer.allocate(4).putInt(v).flip();
        while (b.hasRemaining()) {
            ch.write(b, at + b.position());
        }
    }

    /** Flushes the buffer to the file (not fsynced). */
    public void flush() throws IOException {
        flushBuffer();
    }

    /** Flushes, fsyncs and closes; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            flushBuffer();
            ch.force(true);
        } finally {
            ch.close();
        }
    }
}
