package io.gnomon.tsdb.chunks;

import io.gnomon.tsdb.chunkenc.Chunk;
import java.io.Closeable;

/**
 * Reads the chunks an index's {@link ChunkMeta}s point at. A block's reader serves them straight
 * from its memory-mapped segment files; the head's from memory.
 *
 * <p>Thread-safe. The returned chunk is immutable and stays valid after this reader is closed
 * (a block's chunk bytes are copied off the mapping: one chunk, never a whole file).
 * {@link #close()} is idempotent.
 */
public interface ChunkReader extends Closeable {

    /**
     * The chunk {@code meta} points at, holding exactly the samples of {@code [meta.minTime(),
     * meta.maxTime()]} that the chunk had when the meta was read.
     *
     * @throws io.gnomon.tsdb.fileutil.CorruptFileException when the chunk's bytes are damaged (bad
     *     reference, length out of bounds, CRC mismatch, unknown encoding)
     */
    Chunk chunk(ChunkMeta meta);

    @Override
    void close();
}
