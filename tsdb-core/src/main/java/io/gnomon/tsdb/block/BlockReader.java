package io.gnomon.tsdb.block;

import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.tombstones.Tombstones;
import java.io.IOException;

/**
 * The one read path over stored series: a persisted {@link Block} and a view of the head
 * ({@code io.gnomon.tsdb.head.RangeHead}) both implement it, so {@link BlockQuerier} and
 * {@link BlockWriter} (compaction) treat in-memory and on-disk data alike.
 *
 * <p>A reader covers {@code [minTime(), maxTime())}: min inclusive, max <b>exclusive</b>, as a
 * block's meta.json states it. Every {@link #index()} and {@link #chunks()} call returns a new
 * reader that the caller must close; while one is open the underlying data stays readable (a block
 * is not unmapped under it). Implementations are thread-safe; the returned readers are used by one
 * thread each.
 */
public interface BlockReader {

    /** First timestamp that may be present, inclusive (ms). */
    long minTime();

    /** End of the covered range, exclusive (ms). */
    long maxTime();

    /** A new index reader; close it. */
    BlockIndexReader index() throws IOException;

    /** A new chunk reader; close it. */
    ChunkReader chunks() throws IOException;

    /** The deleted ranges by series ref (refs of {@link #index()}); a live view, never null. */
    Tombstones tombstones();
}
