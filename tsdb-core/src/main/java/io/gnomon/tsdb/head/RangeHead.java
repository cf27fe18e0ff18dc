package io.gnomon.tsdb.head;

import io.gnomon.tsdb.block.BlockReader;
import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunkenc.XorIterator;
import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.ValueType;
import io.gnomon.tsdb.tombstones.Tombstones;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A read-only {@link BlockReader} view of the head over {@code [mint, maxt)} (max exclusive, like
 * a block), so that the head is written to a block ({@code BlockWriter}) and queried
 * ({@code BlockQuerier}) through the same path as persisted blocks.
 *
 * <p>Chunk metas list the head's chunks overlapping the range as they are when the series is read;
 * a chunk ref is the series ref, and the chunk is found again by its first timestamp, so the view
 * tolerates older chunks being truncated meanwhile. The open chunk is returned as an immutable
 * copy of its samples up to the meta's max time, so samples appended later never leak in. Head
 * chunks never span a block-range boundary, so a 2 h range cuts no chunk.
 *
 * <p>The head has no tombstones of its own yet: {@link #tombstones()} is empty unless one is passed in.
 * Thread-safe; readers it returns are used by one thread each.
 */
public final class RangeHead implements BlockReader {

    private final Head head;
    private final long mint;
    private final long maxt;
    private final Tombstones tombstones;

    /** A view of {@code head} over {@code [mint, maxt)}. */
    public RangeHead(Head head, long mint, long maxt) {
        this(head, mint, maxt, new Tombstones());
    }

    /** As above, with deletions recorded for head series (refs are head series refs). */
    public RangeHead(Head head, long mint, long maxt, Tombstones tombstones) {
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
        this.tombstones = tombstones;
    }

    @Override
    public long minTime() {
        return mint;
    }

    @Override
    public long maxTime() {
        return maxt;
    }

    @Override
    public Tombstones tombstones() {
        return tombstones;
    }

    @Override
    public BlockIndexReader index() {
        return new Index();
    }

    @Override
    public ChunkReader chunks() {
        return new Chunks();
    }

    private final class Index implements BlockIndexReader {
        private final HeadIndexReader ix = new HeadIndexReader(head);

        @Override
        public Labels series(long ref, List<ChunkMeta> chunks) {
            chunks.clear();
            MemSeries s = head.series.getByRef(ref);
            if (s == null) {
                return null;
            }
            s.chunkMetas(mint, maxt - 1, chunks);
            return s.labels;
        }

        @Override
        public Iterator<String> symbols() {
            TreeSet<String> set = new TreeSet<>(Labels::compareStrings);
            for (String n : head.postings.labelNames()) {
                set.add(n);
                set.addAll(head.postings.labelValues(n));
            }
            return set.iterator();
        }

        @Override
        public Postings postings(String name, String... values) {
            return ix.postings(name, values);
        }

        @Override
        public Postings postingsForLabelMatching(String name, Predicate<String> match) {
            return ix.postingsForLabelMatching(name, match);
        }

        @Override
        public Postings allPostings() {
            return ix.allPostings();
        }

        @Override
        public Postings sortedPostings(Postings p) {
            return ix.sortedPostings(p);
        }

        @Override
        public List<String> labelValues(String name) {
            return ix.labelValues(name);
        }

        @Override
        public List<String> labelNames() {
            return ix.labelNames();
        }

        @Override
        public Labels seriesLabels(long ref) {
            return ix.seriesLabels(ref);
        }

        @Override
        public void close() {
            ix.close();
        }
    }

    private final class Chunks implements ChunkReader {
        @Override
        public Chunk chunk(ChunkMeta meta) {
            MemSeries s = head.series.getByRef(meta.ref());
            Object c = s == null ? null : s.chunkStartingAt(meta.minTime());
            if (c instanceof XorChunk x && x.lastTimestamp() <= meta.maxTime()) {
                return x;
            }
            // The open chunk (or a chunk that grew past the meta): copy the samples up to maxTime.
            XorIterator it = c instanceof XorChunk x ? (XorIterator) x.iterator(null) : (XorIterator) c;
            XorChunk copy = new XorChunk();
            if (it != null) {
                while (it.next() != ValueType.NONE && it.atT() <= meta.maxTime()) {
                    copy.append(it.atT(), it.atV());
                }
            }
            // A chunk truncated away meanwhile reads as empty: its samples are in a block by then.
            copy.trim();
            return copy;
        }

        @Override
        public void close() {
            // Nothing pinned: head chunks are garbage-collected memory.
        }
    }
}
