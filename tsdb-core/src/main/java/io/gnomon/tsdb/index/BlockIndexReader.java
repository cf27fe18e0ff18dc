package io.gnomon.tsdb.index;

import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.labels.Labels;
import java.util.Iterator;
import java.util.List;

/**
 * The index of a {@code BlockReader}: an {@link IndexReader} (so
 * {@link PostingsForMatchers} works on it unchanged) plus each series' chunk metas and the sorted
 * symbol table that a block writer needs.
 *
 * <p>For a persisted block (see {@link IndexFileReader}) series refs are in label order, so
 * {@link #sortedPostings} returns its argument. Used by one thread; {@link #close()} is
 * idempotent.
 */
public interface BlockIndexReader extends IndexReader {

    /**
     * Reads a series: returns its labels and replaces the contents of {@code chunks} with its chunk
     * metas in time order; returns null (and clears {@code chunks}) when the ref is unknown.
     *
     * @throws io.gnomon.tsdb.fileutil.CorruptFileException when the entry is damaged
     */
    Labels series(long ref, List<ChunkMeta> chunks);

    /** Every string used in a label name or value, sorted (Go's byte order), without duplicates. */
    Iterator<String> symbols();
}
