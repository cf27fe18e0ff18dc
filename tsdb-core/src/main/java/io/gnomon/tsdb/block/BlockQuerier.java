package io.gnomon.tsdb.block;

import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.chunks.ChunkReader;
import io.gnomon.tsdb.index.BlockIndexReader;
import io.gnomon.tsdb.index.Postings;
import io.gnomon.tsdb.index.PostingsForMatchers;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.ComposedSampleIterator;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import io.gnomon.tsdb.tombstones.Intervals;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Querier} over any {@link BlockReader} (a block or a head range) for {@code [mint, maxt]}
 * (both inclusive), with the reader's tombstones applied: deleted samples are never returned.
 *
 * <p>It opens one index reader and one chunk reader and holds them (pinning a block) until
 * {@link #close()}; series and iterators it returned must not be used after that. Chunks are read
 * lazily, when a series' iterator reaches them, one at a time. Damaged data ends a series set or
 * an iterator with {@code err()} set to the {@link io.gnomon.tsdb.fileutil.CorruptFileException}.
 * Used by one thread.
 */
public final class BlockQuerier implements Querier {

    private final BlockReader block;
    private final long mint;
    private final long maxt;
    private final BlockIndexReader index;
    private final ChunkReader chunks;
    private boolean closed;

    /** Opens the readers of {@code block}; the querier owns (and closes) them. */
    public BlockQuerier(BlockReader block, long mint, long maxt) {
        this.block = block;
        this.mint = mint;
        this.maxt = maxt;
        BlockIndexReader ix;
        try {
            ix = block.index();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            this.chunks = block.chunks();
        } catch (IOException | RuntimeException e) {
            ix.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        this.index = ix;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        long from = mint;
        long to = maxt;
        if (hints != null) {
            from = Math.max(from, hints.start());
            to = Math.min(to, hints.end());
        }
        if (from > to || block.minTime() > to || block.maxTime() <= from) {
            return SeriesSet.EMPTY;
        }
        Postings p;
        try {
            p = PostingsForMatchers.postings(index, matchers);
            if (sorted) {
                p = index.sortedPostings(p);
            }
        } catch (RuntimeException e) {
            return failed(e);
        }
        return new BlockSeriesSet(p, from, to, hints == null ? 0 : hints.limit());
    }

    private static SeriesSet failed(Throwable e) {
        return new SeriesSet() {
            @Override
            public boolean next() {
                return false;
            }

            @Override
            public Series at() {
                throw new IllegalStateException("no series");
            }

            @Override
            public Throwable err() {
                return e;
            }
        };
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return PostingsForMatchers.labelNamesFor(index, matchers);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return PostingsForMatchers.labelValuesFor(index, name, matchers);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            index.close();
        } finally {
            chunks.close();
        }
    }

    private final class BlockSeriesSet implements SeriesSet {
        private final Postings postings;
        private final long from;
        private final long to;
        private final int limit;
        private final List<ChunkMeta> metas = new ArrayList<>();
        private int returned;
        private Series current;
        private Throwable err;

        BlockSeriesSet(Postings postings, long from, long to, int limit) {
            this.postings = postings;
            this.from = from;
            this.to = to;
            this.limit = limit;
        }

        @Override
        public boolean next() {
            if (err != null || (limit > 0 && returned >= limit)) {
                return false;
            }
            try {
                while (postings.next()) {
                    long ref = postings.at();
                    Labels lset = index.series(ref, metas);
                    if (lset == null) {
                        continue;
                    }
                    Intervals deleted = block.tombstones().get(ref);
                    List<ChunkMeta> kept = new ArrayList<>(metas.size());
                    for (ChunkMeta m : metas) {
                        if (m.overlaps(from, to) && !deleted.covers(m.minTime(), m.maxTime())) {
                            kept.add(m);
                        }
                    }
                    if (kept.isEmpty()) {
                        continue;
                    }
                    current = new BlockSeries(lset, kept.toArray(new ChunkMeta[0]), deleted, from, to);
                    returned++;
                    return true;
                }
                err = postings.err();
            } catch (RuntimeException e) {
                err = e;
            }
            return false;
        }

        @Override
        public Series at() {
            return current;
        }

        @Override
        public Throwable err() {
            return err;
        }
    }

    private final class BlockSeries implements Series {
        private final Labels labels;
        private final ChunkMeta[] metas;
        private final Intervals deleted;
        private final long from;
        private final long to;

        BlockSeries(Labels labels, ChunkMeta[] metas, Intervals deleted, long from, long to) {
            this.labels = labels;
            this.metas = metas;
            this.deleted = deleted;
            this.from = from;
            this.to = to;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new ChunkSeriesIterator(chunks, metas, deleted, from, to);
        }
    }

    /**
     * Iterates the samples of a series' chunks in order, reading each chunk when reached, skipping
     * samples outside {@code [from, to]}, deleted ones, and any whose timestamp does not exceed the
     * previous sample's (chunks of one series never overlap in a well-formed block).
     */
    public static final class ChunkSeriesIterator extends ComposedSampleIterator {
        private final ChunkReader reader;
        private final ChunkMeta[] metas;
        private final Intervals deleted;
        private final long from;
        private final long to;
        private int ci = -1;
        /** The current chunk's iterator, or null between chunks. */
        private SampleIterator it;
        private SampleIterator reuse;
        private boolean emitted;

        public ChunkSeriesIterator(ChunkReader reader, ChunkMeta[] metas, Intervals deleted, long from, long to) {
            this.reader = reader;
            this.metas = metas;
            this.deleted = deleted;
            this.from = from;
            this.to = to;
        }

        @Override
        public ValueType next() {
            return advance(Long.MIN_VALUE);
        }

        @Override
        public ValueType seek(long target) {
            if (done) {
                return ValueType.NONE;
            }
            if (emitted && t >= target) {
                return ValueType.FLOAT;
            }
            return advance(target);
        }

        private ValueType advance(long target) {
            if (done) {
                return ValueType.NONE;
            }
            long lower = Math.max(target, from);
            if (emitted && t != Long.MAX_VALUE) {
                lower = Math.max(lower, t + 1);
            }
            while (true) {
                if (it == null && !openNextChunk(lower)) {
                    return finish();
                }
                ValueType vt = it.seek(lower);
                while (vt != ValueType.NONE) {
                    long ct = it.atT();
                    if (ct > to) {
                        return finish();
                    }
                    if (!deleted.contains(ct)) {
                        emitted = true;
                        t = ct;
                        v = it.atV();
                        return vt;
                    }
                    if (ct == Long.MAX_VALUE) {
                        return finish();
                    }
                    lower = ct + 1;
                    vt = it.seek(lower);
                }
                if (it.err() != null) {
                    err = it.err();
                    return finish();
                }
                it = null;
            }
        }

        /**
         * Decodes whole runs from the current chunk and then drops, in place, what {@link #next()}
         * would skip: samples outside {@code [from, to]}, deleted ones, and any not after the
         * previous sample.
         */
        @Override
        public int nextFloats(long[] ts, double[] vs, int off, int max) {
            java.util.Objects.checkFromIndexSize(off, max, Math.min(ts.length, vs.length));
            int n = 0;
            while (n < max && !done) {
                if (it == null || !emitted) {
                    // the first sample, or between chunks: the per-sample path positions the
                    // iterator (seek to from, skip chunks before it, open the next chunk)
                    if (next() == ValueType.NONE) {
                        break;
                    }
                    ts[off + n] = t;
                    vs[off + n] = v;
                    n++;
                    continue;
                }
                int start = off + n;
                int k = it.nextFloats(ts, vs, start, max - n);
                if (k == 0) {
                    if (it.err() != null) {
                        err = it.err();
                        finish();
                        break;
                    }
                    it = null;
                    continue;
                }
                boolean noDeletes = deleted.isEmpty();
                long last = t;
                int w = start;
                for (int i = start; i < start + k; i++) {
                    long ct = ts[i];
                    if (ct > to) {
                        finish();
                        break;
                    }
                    if (ct <= last || ct < from || !noDeletes && deleted.contains(ct)) {
                        continue;
                    }
                    ts[w] = ct;
                    vs[w] = vs[i];
                    last = ct;
                    w++;
                }
                if (w > start) {
                    t = ts[w - 1];
                    v = vs[w - 1];
                }
                n += w - start;
            }
            return n;
        }

        private boolean openNextChunk(long lower) {
            while (++ci < metas.length) {
                ChunkMeta m = metas[ci];
                if (m.maxTime() < lower) {
                    continue;
                }
                if (m.minTime() > to) {
                    return false;
                }
                try {
                    it = reader.chunk(m).iterator(reuse);
                    reuse = it;
                } catch (RuntimeException e) {
                    err = e;
                    return false;
                }
                return true;
            }
            return false;
        }
    }
}
