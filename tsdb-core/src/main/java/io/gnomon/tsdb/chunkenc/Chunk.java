package io.gnomon.tsdb.chunkenc;

import io.gnomon.tsdb.storage.SampleIterator;
import java.nio.ByteBuffer;

/**
 * A compressed run of samples of one series, in one {@link Encoding}.
 *
 * <p>Thread-safety is the implementation's to document: an immutable chunk may be read by any
 * number of threads; a chunk that is still being appended to (see {@link XorChunk}) needs the
 * caller's lock around {@link #bytes()}, {@link #numSamples()} and {@link #iterator}, and the
 * returned iterator may then be used without the lock.
 */
public interface Chunk {

    /** The encoding of {@link #bytes()}. */
    Encoding encoding();

    /**
     * A read-only big-endian view of the encoded bytes, position 0, limit = encoded length. This
     * is exactly the {@code data} part of a chunk in a Prometheus chunk segment file. The view
     * shares the chunk's memory: copy it before the chunk is appended to again.
     */
    ByteBuffer bytes();

    /** Number of samples in the chunk; 0 for a new chunk. */
    int numSamples();

    /**
     * An iterator over the samples present now, positioned before the first sample.
     *
     * @param reuse an iterator from an earlier call to reset and return instead of allocating, or
     *     {@code null}; an iterator of another type is ignored
     */
    SampleIterator iterator(SampleIterator reuse);
}
