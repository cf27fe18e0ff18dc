package io.gnomon.tsdb.chunks;

import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.CRC_SIZE;
import static io.gnomon.tsdb.chunks.ChunkSegmentDescriptor.HEADER_SIZE;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunkenc.Encoding;
import io.gnomon.tsdb.fileutil.CorruptFileException;
import io.gnomon.tsdb.fileutil.MappedFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads chunks from a block's memory-mapped segment files (format: {@link ChunkSegmentWriter}).
 * Opening checks each segment's header; every chunk read checks the reference against the file
 * size, the length against the file, and the CRC32C, and copies just that chunk's bytes.
 *
 * <p>Thread-safe. {@link #close()} unmaps and is idempotent; it is the owner's job (the block)
 * not to close while readers run.
 */
public final class ChunkSegmentReader implements Closeable {

    private final MappedFile[] segments;
    private final long size;

    private ChunkSegmentReader(MappedFile[] segments, long size) {
        this.segments = segments;
        this.size = size;
    }

    /**
     * Maps the segments of {@code dir} (the block's {@code chunks} directory): the files named by
     * digits, in name order; they must be numbered 000001 up without gaps.
     *
     * @throws CorruptFileException on a missing segment, a bad header or version
     */
    public static ChunkSegmentReader open(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    files.add(p);
                }
            }
        }
        files.sort(null);
        MappedFile[] segs = new MappedFile[files.size()];
        long total = 0;
        try {
            for (int i = 0; i < segs.length; i++) {
                Path f = files.get(i);
                String n = f.getFileName().toString();
                if (Long.parseLong(n) != i + 1) {
                    throw new CorruptFileException(f, -1, "chunk segment numbering has a gap: expected "
                            + ChunkSegmentDescriptor.segmentName(i));
                }
                MappedFile m = MappedFile.open(f);
                segs[i] = m;
                if (m.size() < HEADER_SIZE) {
                    throw m.corrupt(0, "chunk segment shorter than its 8-byte header (" + m.size() + " bytes)");
                }
                int magic = m.getInt(0);
                if (magic != ChunkSegmentDescriptor.MAGIC) {
                    throw m.corrupt(0, "bad chunk segment magic 0x" + Integer.toHexString(magic));
                }
                int v = m.get(4);
                if (v != ChunkSegmentDescriptor.VERSION) {
                    throw m.corrupt(4, "unsupported chunk segment version " + v + ", only 1 is known");
                }
                total += m.size();
            }
        } catch (IOException | RuntimeException e) {
            for (MappedFile m : segs) {
                if (m != null) {
                    m.close();
                }
            }
            throw e;
        }
        return new ChunkSegmentReader(segs, total);
    }

    /** Number of segment files. */
    public int numSegments() {
        return segments.length;
    }

    /** Total bytes of the segment files. */
    public long size() {
        return size;
    }

    /**
     * The chunk at {@code ref}, verified and copied.
     *
     * @throws CorruptFileException when the reference, length, encoding or CRC is wrong
     */
    public Chunk chunk(long ref) {
        int seg = ChunkSegmentDescriptor.segment(ref);
        long off = ChunkSegmentDescriptor.offset(ref);
        if (seg < 0 || seg >= segments.length) {
            throw new CorruptFileException(segments.length == 0 ? null : segments[0].path().getParent(), off,
                    "chunk reference names segment " + seg + " of " + segments.length);
        }
        MappedFile m = segments[seg];
        if (off < HEADER_SIZE || off >= m.size()) {
            throw m.corrupt(off, "chunk reference beyond the segment (size " + m.size() + ")");
        }
        MappedFile.Cursor c = m.cursor(off, m.size());
        long len = c.uvarint();
        long encAt = c.position();
        if (len < 0 || len > m.size() - encAt - 1 - CRC_SIZE) {
            throw m.corrupt(off, "chunk length " + len + " runs past the end of the segment");
        }
        int enc = c.u8();
        byte[] data = new byte[(int) len];
        m.get(encAt + 1, data, 0, data.length);
        int want = m.getInt(encAt + 1 + len);
        int got = m.crc32c(encAt, 1 + len);
        if (want != got) {
            throw m.corrupt(off, "chunk CRC32C mismatch");
        }
        Encoding e;
        try {
            e = Encoding.ofCode(enc);
        } catch (IllegalArgumentException x) {
            throw m.corrupt(encAt, "unknown chunk encoding " + enc);
        }
        return new ImmutableChunk(e, data);
    }

    @Override
    public void close() {
        for (MappedFile m : segments) {
            m.close();
        }
    }
}
