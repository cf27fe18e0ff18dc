package io.gnomon.tsdb.head;

import io.gnomon.tsdb.chunkenc.StStream;
import io.gnomon.tsdb.chunkenc.XorChunk;
import java.util.Arrays;

/**
 * The start-timestamp streams of one series' chunks: for each chunk that holds at least one
 * sample with a start timestamp, its {@link StStream}, found by the chunk's identity. A series
 * only gets one with its first such sample (kept in the head's {@link StColumns}), so series
 * without start timestamps (most) pay nothing. Guarded by the series lock.
 */
final class StColumn {
    private XorChunk[] chunks = new XorChunk[2];
    private StStream[] streams = new StStream[2];
    private int n;

    /** The stream of {@code c}, or null when none of its samples has a start timestamp. */
    StStream get(XorChunk c) {
        for (int i = n - 1; i >= 0; i--) {
            if (chunks[i] == c) {
                return streams[i];
            }
        }
        return null;
    }

    /** The stream of {@code c}, created (and the previous newest one trimmed) when missing. */
    StStream getOrCreate(XorChunk c) {
        StStream s = get(c);
        if (s == null) {
            if (n > 0) {
                streams[n - 1].trim();
            }
            s = new StStream();
            put(c, s);
        }
        return s;
    }

    /** Adds the stream of a chunk that has none yet, as the newest. */
    void put(XorChunk c, StStream s) {
        if (n == chunks.length) {
            chunks = Arrays.copyOf(chunks, n * 2);
            streams = Arrays.copyOf(streams, n * 2);
        }
        chunks[n] = c;
        streams[n] = s;
        n++;
    }

    /**
     * Files the stream of chunk {@code from} under {@code to}, in place (the order of the streams is
     * the order of the chunks): the series' open chunk is the series itself, and its samples move
     * into a new chunk object when it is cut.
     */
    void rekey(XorChunk from, XorChunk to) {
        for (int i = n - 1; i >= 0; i--) {
            if (chunks[i] == from) {
                chunks[i] = to;
                return;
            }
        }
    }

    /** Keeps the streams of the chunks in {@code cut} or equal to {@code open}; false when none remain. */
    boolean retain(XorChunk[] cut, XorChunk open) {
        int k = 0;
        for (int i = 0; i < n; i++) {
            XorChunk c = chunks[i];
            boolean keep = c == open;
            for (int j = 0; !keep && j < cut.length; j++) {
                keep = cut[j] == c;
            }
            if (keep) {
                chunks[k] = c;
                streams[k] = streams[i];
                k++;
            }
        }
        for (int i = k; i < n; i++) {
            chunks[i] = null;
            streams[i] = null;
        }
        n = k;
        return n > 0;
    }

    /** Bytes the encoded streams hold (for memory accounting). */
    long bytes() {
        long b = 0;
        for (int i = 0; i < n; i++) {
            b += streams[i].length();
        }
        return b;
    }

    /** Number of chunks with a stream. */
    int size() {
        return n;
    }
}
