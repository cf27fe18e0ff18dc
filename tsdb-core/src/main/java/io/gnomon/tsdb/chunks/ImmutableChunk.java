package io.gnomon.tsdb.chunks;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunkenc.Encoding;
import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunkenc.XorIterator;
import io.gnomon.tsdb.storage.SampleIterator;
import java.nio.ByteBuffer;

/** A finished chunk read from disk (or copied): its encoding and its exact bytes. Immutable, thread-safe. */
public final class ImmutableChunk implements Chunk {

    private final Encoding encoding;
    private final byte[] data;

    /** Takes ownership of {@code data}. */
    public ImmutableChunk(Encoding encoding, byte[] data) {
        this.encoding = encoding;
        this.data = data;
    }

    @Override
    public Encoding encoding() {
        return encoding;
    }

    @Override
    public ByteBuffer bytes() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    /** Length of the data in bytes. */
    public int length() {
        return data.length;
    }

    @Override
    public int numSamples() {
        return data.length < 2 ? 0 : ((data[0] & 0xFF) << 8) | (data[1] & 0xFF);
    }

    @Override
    public SampleIterator iterator(SampleIterator reuse) {
        if (encoding != Encoding.XOR) {
            throw new UnsupportedOperationException("chunk encoding not readable yet [encoding=" + encoding + "]");
        }
        return XorChunk.iterator(data, 0, data.length, reuse instanceof XorIterator x ? x : null);
    }
}
