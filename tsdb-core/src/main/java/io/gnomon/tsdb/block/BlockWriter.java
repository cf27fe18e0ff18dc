package io.gnomon.tsdb.block;

import io.gnomon.tsdb.chunkenc.Chunk;
import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.chunks.ChunkSegmentDescriptor;
import io.gnomon.tsdb.chunks.ChunkSegmentWriter;
import io.gnomon.tsdb.fileutil.FileUtil;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.IndexDescriptor;
import io.gnomon.tsdb.index.IndexWriter;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.ValueType;
import io.gnomon.tsdb.tombstones.Intervals;
import io.gnomon.tsdb.tombstones.Tombstones;
import io.gnomon.tsdb.tombstones.TombstonesFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Writes a new block from any number of {@link BlockReader}s: head compaction (one
 * {@code RangeHead}), leveled compaction (adjacent blocks) and vertical compaction (overlapping
 * blocks) are all this one operation.
 *
 * <p>What it does, as Prometheus's {@code LeveledCompactor.write}/{@code populateBlock}:
 * <ul>
 *   <li>Series of all sources are merged in label order (each source's postings sorted by labels,
 *       a k-way merge); the same labels in several sources become one series.</li>
 *   <li>Only samples in {@code [mint, maxt)} are kept; tombstoned samples are dropped for good.</li>
 *   <li>A chunk that lies inside the range and has no deleted sample is copied byte for byte
 *       (so chunk bytes equal the source's: the head's chunks are cut exactly as Prometheus's head
 *       cuts them). A chunk that is trimmed by the range or by a deletion is re-encoded as one
 *       chunk of its remaining samples.</li>
 *   <li>Chunks of one series that overlap in time (from different sources) are merged: their
 *       samples de-duplicated by timestamp (the first source in {@code sources} wins a tie) and
 *       re-cut into XOR chunks of 120 samples, as Prometheus's compacting chunk merger does.</li>
 *   <li>The block is written to {@code blocksDir/<ulid>.tmp}: chunks, index, empty tombstones,
 *       meta.json, each fsynced; then the directory is renamed to {@code blocksDir/<ulid>} and
 *       {@code blocksDir} fsynced. A crash leaves either no block or a complete one (plus a
 *       {@code .tmp} directory that the opener deletes).</li>
 * </ul>
 *
 * <p>Memory is bounded: one series (its chunks) at a time per source, the symbol table, and the
 * postings (4 bytes per label pair per series) of the index being written; never a whole block.
 */
public final class BlockWriter {

    /** Samples per chunk when merged chunks are re-cut (Prometheus's {@code seriesToChunkEncoderSplit}). */
    public static final int SAMPLES_PER_CHUNK = 120;
    /** Suffix of the directory a block is written into before its atomic rename. */
    public static final String TMP_SUFFIX = ".tmp";

    private final long segmentSize;
    private long numSamples;
    private long numSeries;
    private long numChunks;

    private BlockWriter(long segmentSize) {
        this.segmentSize = segmentSize;
    }

    /**
     * Writes the block of the samples of {@code sources} in {@code [mint, maxt)} under
     * {@code blocksDir} and returns its meta, or null (and leaves nothing behind) when there is no
     * sample to write.
     *
     * @param compaction its level, sources and parents; empty sources mean the new block is its
     *     own source (a block cut from the head)
     */
    public static BlockMeta write(Path blocksDir, long mint, long maxt, List<? extends BlockReader> sources,
            BlockMeta.Compaction compaction) throws IOException {
        return write(blocksDir, mint, maxt, sources, compaction, ChunkSegmentDescriptor.DEFAULT_SEGMENT_SIZE);
    }

    /** As {@link #write(Path, long, long, List, BlockMeta.Compaction)} with a chosen chunk segment size (tests). */
    public static BlockMeta write(Path blocksDir, long mint, long maxt, List<? extends BlockReader> sources,
            BlockMeta.Compaction compaction, long segmentSize) throws IOException {
        if (maxt <= mint) {
            throw new IllegalArgumentException("empty block range [mint=" + mint + ", maxt=" + maxt + "]");
        }
        Ulid ulid = Ulid.generate();
        Path tmp = blocksDir.resolve(ulid + TMP_SUFFIX);
        FileUtil.deleteRecursively(tmp);
        Files.createDirectories(tmp);
        boolean ok = false;
        try {
            BlockWriter w = new BlockWriter(segmentSize);
            w.populate(tmp, mint, maxt, sources);
            if (w.numSamples == 0) {
                return null;
            }
            TombstonesFile.write(tmp, new Tombstones());
            BlockMeta.Compaction comp = compaction.sources().isEmpty() ? compaction.withSources(List.of(ulid)) : compaction;
            BlockMeta meta = new BlockMeta(ulid, mint, maxt,
                    new BlockMeta.Stats(w.numSamples, w.numSeries, w.numChunks, 0), comp, BlockMeta.VERSION);
            meta.write(tmp);
            FileUtil.fsyncDir(tmp);
            Path dst = blocksDir.resolve(ulid.toString());
            FileUtil.rename(tmp, dst);
            ok = true;
            return meta;
        } finally {
            if (!ok) {
                FileUtil.deleteRecursively(tmp);
            }
        }
    }

    /** One source's series cursor in the k-way merge. */
    private static final class Cursor {
        final int source;
        final BlockIndexReader index;
        final ChunkReader chunks;
        final Tombstones tombstones;
        final Postings postings;
        long ref;
        Labels labels;
        final List<ChunkMeta> metas = new ArrayList<>();

        Cursor(int source, BlockIndexReader index, ChunkReader chunks, Tombstones tombstones) {
            this.source = source;
            this.index = index;
            this.chunks = chunks;
            this.tombstones = tombstones;
            this.postings = index.sortedPostings(index.allPostings());
        }

        boolean advance() {
            while (postings.next()) {
                ref = postings.at();
                labels = index.series(ref, metas);
                if (labels != null) {
                    return true;
                }
            }
            if (postings.err() != null) {
                throw new IllegalStateException("reading postings failed", postings.err());
            }
            return false;
        }
    }

    /** A chunk of a series together with where it came from. */
    private record SourceChunk(Cursor from, ChunkMeta meta, Intervals deleted) {
    }

    private void populate(Path dir, long mint, long maxt, List<? extends BlockReader> sources) throws IOException {
        List<BlockIndexReader> indexes = new ArrayList<>();
        List<ChunkReader> chunkReaders = new ArrayList<>();
        try {
            for (BlockReader b : sources) {
                indexes.add(b.index());
                chunkReaders.add(b.chunks());
            }
            try (ChunkSegmentWriter cw = new ChunkSegmentWriter(dir.resolve(ChunkSegmentDescriptor.DIR_NAME), segmentSize);
                    IndexWriter iw = new IndexWriter(dir.resolve(IndexDescriptor.FILE_NAME))) {
                iw.writeSymbols(mergeSymbols(indexes));
                PriorityQueue<Cursor> pq = new PriorityQueue<>((a, b) -> {
                    int c = a.labels.compareTo(b.labels);
                    return c != 0 ? c : Integer.compare(a.source, b.source);
                });
                for (int i = 0; i < sources.size(); i++) {
                    Cursor c = new Cursor(i, indexes.get(i), chunkReaders.get(i), sources.get(i).tombstones());
                    if (c.advance()) {
                        pq.add(c);
                    }
                }
                List<Cursor> group = new ArrayList<>();
                List<SourceChunk> in = new ArrayList<>();
                List<ChunkMeta> outMetas = new ArrayList<>();
                while (!pq.isEmpty()) {
                    group.clear();
                    Cursor first = pq.poll();
                    group.add(first);
                    while (!pq.isEmpty() && pq.peek().labels.equals(first.labels)) {
                        group.add(pq.poll());
                    }
                    in.clear();
                    for (Cursor c : group) {
                        Intervals del = c.tombstones.get(c.ref);
                        for (ChunkMeta m : c.metas) {
                            if (m.maxTime() < mint || m.minTime() >= maxt || del.covers(m.minTime(), m.maxTime())) {
                                continue;
                            }
                            in.add(new SourceChunk(c, m, del));
                        }
                    }
                    outMetas.clear();
                    writeSeriesChunks(in, mint, maxt, cw, outMetas);
                    if (!outMetas.isEmpty()) {
                        iw.addSeries(first.labels, outMetas);
                        numSeries++;
                        numChunks += outMetas.size();
                    }
                    for (Cursor c : group) {
                        if (c.advance()) {
                            pq.add(c);
                        }
                    }
                }
            }
        } finally {
            for (BlockIndexReader ix : indexes) {
                ix.close();
            }
            for (ChunkReader cr : chunkReaders) {
                cr.close();
            }
        }
    }

    /** Sorted union of the sources' symbol tables. */
    private static List<String> mergeSymbols(List<BlockIndexReader> indexes) {
        List<String> out = new ArrayList<>();
        PriorityQueue<Object[]> pq = new PriorityQueue<>((a, b) -> Labels.compareStrings((String) a[0], (String) b[0]));
        for (BlockIndexReader ix : indexes) {
            Iterator<String> it = ix.symbols();
            if (it.hasNext()) {
                pq.add(new Object[] {it.next(), it});
            }
        }
        String last = null;
        while (!pq.isEmpty()) {
            Object[] e = pq.poll();
            String s = (String) e[0];
            if (last == null || !last.equals(s)) {
                out.add(s);
                last = s;
            }
            @SuppressWarnings("unchecked")
            Iterator<String> it = (Iterator<String>) e[1];
            if (it.hasNext()) {
                e[0] = it.next();
                pq.add(e);
            }
        }
        return out;
    }

    /**
     * Writes the chunks of one series: groups of time-overlapping chunks are merged and re-cut,
     * lone chunks are copied or (when trimmed) re-encoded.
     */
    private void writeSeriesChunks(List<SourceChunk> in, long mint, long maxt, ChunkSegmentWriter cw,
            List<ChunkMeta> out) throws IOException {
        in.sort((a, b) -> {
            int c = Long.compare(a.meta.minTime(), b.meta.minTime());
            return c != 0 ? c : Integer.compare(a.from.source, b.from.source);
        });
        int i = 0;
        while (i < in.size()) {
            int j = i + 1;
            long groupMax = in.get(i).meta.maxTime();
            while (j < in.size() && in.get(j).meta.minTime() <= groupMax) {
                groupMax = Math.max(groupMax, in.get(j).meta.maxTime());
                j++;
            }
            if (j == i + 1) {
                writeOne(in.get(i), mint, maxt, cw, out);
            } else {
                writeMerged(in.subList(i, j), mint, maxt, cw, out);
            }
            i = j;
        }
    }

    private void writeOne(SourceChunk sc, long mint, long maxt, ChunkSegmentWriter cw, List<ChunkMeta> out)
            throws IOException {
        ChunkMeta m = sc.meta;
        Chunk c = sc.from.chunks.chunk(m);
        boolean inside = m.minTime() >= mint && m.maxTime() < maxt;
        if (inside && !sc.deleted.overlaps(m.minTime(), m.maxTime())) {
            long ref = cw.write(c);
            out.add(new ChunkMeta(ref, m.minTime(), m.maxTime()));
            numSamples += c.numSamples();
            return;
        }
        XorChunk x = new XorChunk();
        long first = 0;
        long last = 0;
        SampleIterator it = c.iterator(null);
        while (it.next() != ValueType.NONE) {
            long t = it.atT();
            if (t < mint || t >= maxt || sc.deleted.contains(t)) {
                continue;
            }
            if (x.numSamples() == 0) {
                first = t;
            }
            x.append(t, it.atV());
            last = t;
        }
        checkErr(it, sc);
        if (x.numSamples() > 0) {
            x.trim();
            long ref = cw.write(x);
            out.add(new ChunkMeta(ref, first, last));
            numSamples += x.numSamples();
        }
    }

    private void writeMerged(List<SourceChunk> group, long mint, long maxt, ChunkSegmentWriter cw, List<ChunkMeta> out)
            throws IOException {
        int n = group.size();
        SampleIterator[] its = new SampleIterator[n];
        boolean[] live = new boolean[n];
        for (int k = 0; k < n; k++) {
            its[k] = group.get(k).from.chunks.chunk(group.get(k).meta).iterator(null);
            live[k] = nextKept(its[k], group.get(k), mint, maxt);
        }
        XorChunk x = null;
        long first = 0;
        long last = Long.MIN_VALUE;
        while (true) {
            // Pick the smallest timestamp; on a tie the lowest source index (then earliest chunk) wins.
            int best = -1;
            for (int k = 0; k < n; k++) {
                if (!live[k]) {
                    continue;
                }
                if (best < 0 || its[k].atT() < its[best].atT()
                        || (its[k].atT() == its[best].atT() && group.get(k).from.source < group.get(best).from.source)) {
                    best = k;
                }
            }
            if (best < 0) {
                break;
            }
            long t = its[best].atT();
            double v = its[best].atV();
            // Skip every other copy of this timestamp.
            for (int k = 0; k < n; k++) {
                while (live[k] && its[k].atT() == t) {
                    live[k] = nextKept(its[k], group.get(k), mint, maxt);
                }
            }
            if (t <= last) {
                continue;
            }
            if (x == null) {
                x = new XorChunk();
                first = t;
            }
            x.append(t, v);
            last = t;
            if (x.numSamples() >= SAMPLES_PER_CHUNK) {
                flush(x, first, last, cw, out);
                x = null;
            }
        }
        for (int k = 0; k < n; k++) {
            checkErr(its[k], group.get(k));
        }
        if (x != null) {
            flush(x, first, last, cw, out);
        }
    }

    private void flush(XorChunk x, long first, long last, ChunkSegmentWriter cw, List<ChunkMeta> out) throws IOException {
        x.trim();
        long ref = cw.write(x);
        out.add(new ChunkMeta(ref, first, last));
        numSamples += x.numSamples();
    }

    /** Advances to the next sample in range and not deleted. */
    private static boolean nextKept(SampleIterator it, SourceChunk sc, long mint, long maxt) {
        while (it.next() != ValueType.NONE) {
            long t = it.atT();
            if (t >= maxt) {
                return false;
            }
            if (t >= mint && !sc.deleted.contains(t)) {
                return true;
            }
        }
        return false;
    }

    private static void checkErr(SampleIterator it, SourceChunk sc) {
        if (it.err() != null) {
            throw new IllegalStateException("chunk does not decode [series=" + sc.from.labels + ", chunk=" + sc.meta + "]", it.err());
        }
    }
}
