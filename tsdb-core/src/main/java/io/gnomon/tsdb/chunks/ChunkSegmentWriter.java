package io.gnomon.tsdb.chunks;

import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.CRC_SIZE;
import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.HEADER_SIZE;
import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.MAGIC;
import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.MAX_LEN_VARINT;
import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.VERSION;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.fileutil.FileUtil;
import io.gnomon.tsdb.fileutil.FileWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the chunk segment files of a block ({@code chunks/000001, 000002, ...}), in
 * Prometheus's format ({@code tsdb/docs/format/chunks.md}).
 *
 * <pre>
 * segment file:
 * offset  field      width        notes
 * ------  ---------  -----------  ---------------------------------------------------------------
 * 0       magic      4 bytes      0x85BD40DD, big-endian
 * 4       version    1 byte       1
 * 5       padding    3 bytes      zeros
 * 8       chunk *    variable     back to back until the end of the file:
 *
 * chunk:
 *         len        uvarint      length of data in bytes (1-5 bytes for a 32-bit length)
 *         encoding   1 byte       1 = XOR, 2 = histogram, 3 = float histogram (chunkenc.Encoding)
 *         data       len bytes    the chunk's encoded bytes (e.g. XorChunk's format)
 *         CRC32C     4 bytes      Castagnoli, big-endian, over encoding and data (not len)
 * </pre>
 *
 * <p>A chunk is referenced from the index by {@code segmentIndex << 32 | offset}, where the segment
 * index is 0-based (file {@code 000001} is index 0) and the offset is that of the chunk's
 * {@code len}. A new segment is started when the next chunk would make the current one exceed the
 * segment size (512 MiB by default); a chunk is never split. Example: the first chunk of a block,
 * 23 bytes of XOR data, is {@code 17 01 <23 bytes> <crc>} at offset 8 of {@code 000001}: ref 8.
 *
 * <p>Not thread-safe. {@link #close()} flushes and fsyncs every segment and the directory.
 */
public final class ChunkSegmentWriter implements Closeable {

    private static final int BUFFER = 1 << 20;

    private final Path dir;
    private final long segmentSize;
    private FileWriter cur;
    private int segment = -1;
    private long totalBytes;
    private boolean closed;

    /** Creates {@code dir} (the block's {@code chunks} directory) if needed. */
    public ChunkSegmentWriter(Path dir, long segmentSize) throws IOException {
        if (segmentSize < HEADER_SIZE + 64 || segmentSize > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("segment size out of range [segmentSize=" + segmentSize + "]");
        }
        this.dir = dir;
        this.segmentSize = segmentSize;
        Files.createDirectories(dir);
    }

    public ChunkSegmentWriter(Path dir) throws IOException {
        this(dir, ChunkSegmentDescriptor.DEFAULT_SEGMENT_SIZE);
    }

    /** Writes a chunk and returns its reference. */
    public long write(Chunk c) throws IOException {
        ByteBuffer data = c.bytes();
        int len = data.remaining();
        long need = MAX_LEN_VARINT + 1L + len + CRC_SIZE;
        if (cur == null || (cur.position() + need > segmentSize && cur.position() > HEADER_SIZE)) {
            cut();
        }
        long ref = ChunkSegmentDescriptor.ref(segment, cur.position());
        cur.uvarint(len);
        cur.startCrc();
        cur.u8(c.encoding().code());
        cur.bytes(data);
        cur.be32(cur.crc());
        return ref;
    }

    private void cut() throws IOException {
        if (cur != null) {
            totalBytes += cur.position();
            cur.close();
        }
        segment++;
        cur = new FileWriter(dir.resolve(ChunkSegmentDescriptor.segmentName(segment)), BUFFER);
        cur.be32(MAGIC);
        cur.u8(VERSION);
        cur.u8(0);
        cur.u8(0);
        cur.u8(0);
    }

    /** Bytes written to all segments so far. */
    public long bytesWritten() {
        return totalBytes + (cur == null ? 0 : cur.position());
    }

    /** Closes the last segment (fsynced) and fsyncs the directory; idempotent. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (cur != null) {
            totalBytes += cur.position();
            cur.close();
            cur = null;
        }
        FileUtil.fsyncDir(dir);
    }
}
