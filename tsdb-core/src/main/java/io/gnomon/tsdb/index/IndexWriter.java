package io.gnomon.tsdb.index;

import static io.gnomon.tsdb.index.IndexDescriptor.LIST_ALIGNMENT;
import static io.gnomon.tsdb.index.IndexDescriptor.SERIES_ALIGNMENT;

import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.fileutil.BytesOut;
import io.gnomon.tsdb.fileutil.FileWriter;
import io.gnomon.tsdb.labels.Labels;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Writes a block's {@code index} file in Prometheus's index format v2
 * ({@code tsdb/docs/format/index.md}), so that Prometheus and promtool read it.
 *
 * <h2>Format</h2>
 *
 * <p>All fixed-width integers are big-endian. "CRC" is CRC32C (Castagnoli) over the {@code len}
 * bytes that follow the section's 4-byte {@code len} field (so never over {@code len} itself).
 * Sections may be preceded by zero padding; offsets in the TOC and tables point past it.
 *
 * <pre>
 * file        := magic(4: 0xBAAAD700) version(1: 2) symbols series* labelindex* postings*
 *                labeloffsettable postingsoffsettable toc
 *
 * symbols     := len(4) count(4) (strlen(uvarint) utf8-bytes)* crc(4)
 *                every label name and value once, sorted by bytes; a symbol's ref is its position
 *
 * series      := [zero padding to a multiple of 16]  -- its ref is offset / 16
 *                len(uvarint) labelcount(uvarint) (nameref(uvarint) valueref(uvarint))*
 *                chunkcount(uvarint) chunk* crc(4)   -- crc over the len bytes after len
 * chunk       := first: mint(varint) maxt-mint(uvarint) ref(uvarint)
 *                next:  mint-prevmaxt(uvarint) maxt-mint(uvarint) ref-prevref(varint)
 *                series appear in label order, so ascending refs are label order
 *
 * labelindex  := [padding to 4] len(4) names(4: 1) count(4) valueref(4)* crc(4)
 *                one per label name, its sorted values (unused by readers since v2; written
 *                because Prometheus writes them)
 * postings    := [padding to 4] len(4) count(4) seriesref(4)* crc(4)
 *                one per label pair in (name, value) order, first the list of all series
 *                under the pair ("", "")
 * labeloffsettable    := len(4) count(4) (n(uvarint: 1) name(uvarint-len string) offset(uvarint))* crc(4)
 * postingsoffsettable := len(4) count(4) (n(uvarint: 2) name value offset(uvarint))* crc(4)
 *                sorted by name then value; strings are uvarint-length-prefixed UTF-8
 * toc         := symbols(8) series(8) labelindices(8) labeloffsettable(8) postings(8)
 *                postingsoffsettable(8) crc(4)   -- crc over the 48 bytes before it
 * </pre>
 *
 * <p>Worked example: the series {@code {__name__="up", job="a"}} with symbols
 * {@code [__name__, a, job, up]} and one chunk [1000, 2000] at ref 8 is the entry
 * {@code 0B 02 00 03 02 01 01 D0 0F E8 07 08} followed by its CRC: len 11, 2 labels
 * (0=3, 2=1), 1 chunk, mint zig-zag 2000, delta 1000, ref 8.
 *
 * <h2>Use</h2>
 *
 * <p>{@link #writeSymbols} once, then {@link #addSeries} for each series in label order, then
 * {@link #close()}, which writes everything after the series (the stage order is enforced).
 * Memory: the symbol map and the postings (4 bytes per label pair of each series) are held until
 * close; series entries and chunks are streamed. Not thread-safe.
 */
public final class IndexWriter implements Closeable {

    private enum Stage { START, SYMBOLS, SERIES, DONE }

    private final FileWriter out;
    private Stage stage = Stage.START;
    private Map<String, Integer> symbolRefs = new HashMap<>();
    private String[] symbols = new String[0];
    private final Long2ObjectHashMap<IntArrayList> postings = new Long2ObjectHashMap<>();
    private final IntArrayList all = new IntArrayList();
    private Labels last;
    private final BytesOut buf = new BytesOut(256);
    private final CRC32C crc = new CRC32C();
    private long symbolsOff;
    private long seriesOff;
    private long numSeries;

    public IndexWriter(Path file) throws IOException {
        out = new FileWriter(file, 1 << 20);
        out.be32(IndexDescriptor.MAGIC);
        out.u8(IndexDescriptor.VERSION_2);
    }

    /** Writes the symbol table: every label name and value of the series to come, sorted, unique. */
    public void writeSymbols(List<String> sorted) throws IOException {
        if (stage != Stage.START) {
            throw new IllegalStateException("symbols must come first and once [stage=" + stage + "]");
        }
        stage = Stage.SYMBOLS;
        symbols = sorted.toArray(new String[0]);
        for (int i = 0; i < symbols.length; i++) {
            if (i > 0 && Labels.compareStrings(symbols[i - 1], symbols[i]) >= 0) {
                throw new IllegalArgumentException("symbols not sorted and unique [at=" + i + ", symbol=" + symbols[i] + "]");
            }
            symbolRefs.put(symbols[i], i);
        }
        symbolsOff = out.position();
        long lenAt = out.position();
        out.be32(0);
        out.startCrc();
        out.be32(symbols.length);
        for (String s : symbols) {
            out.uvarintString(s);
        }
        long len = out.position() - lenAt - 4;
        int c = out.crc();
        out.be32(c);
        if (len > 0xFFFFFFFFL) {
            throw new IOException("symbol table larger than 4 GiB [path=" + out.path() + "]");
        }
        out.patchBe32(lenAt, (int) len);
    }

    /**
     * Adds a series with its chunk metas (time order, non-overlapping) and returns its ref. Series
     * must come in strictly increasing label order and use only symbols written before.
     */
    public long addSeries(Labels labels, List<ChunkMeta> chunks) throws IOException {
        if (stage == Stage.SYMBOLS) {
            stage = Stage.SERIES;
        } else if (stage != Stage.SERIES) {
            throw new IllegalStateException("series after symbols and before close [stage=" + stage + "]");
        }
        if (last != null && last.compareTo(labels) >= 0) {
            throw new IllegalArgumentException("series out of order [previous=" + last + ", series=" + labels + "]");
        }
        last = labels;
        out.pad(SERIES_ALIGNMENT);
        if (seriesOff == 0) {
            seriesOff = out.position();
        }
        long ref = out.position() / SERIES_ALIGNMENT;
        if (ref > 0xFFFFFFFFL) {
            throw new IOException("index series section exceeds 64 GiB [path=" + out.path() + "]");
        }
        buf.reset();
        buf.uvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            int n = sym(labels.name(i));
            int v = sym(labels.value(i));
            buf.uvarint(n);
            buf.uvarint(v);
            long key = ((long) n << 32) | v;
            IntArrayList l = postings.get(key);
            if (l == null) {
                l = new IntArrayList(4, Integer.MIN_VALUE);
                postings.put(key, l);
            }
            l.addInt((int) ref);
        }
        all.addInt((int) ref);
        buf.uvarint(chunks.size());
        long prevMaxt = 0;
        long prevRef = 0;
        for (int i = 0; i < chunks.size(); i++) {
            ChunkMeta c = chunks.get(i);
            if (c.maxTime() < c.minTime() || (i > 0 && c.minTime() < prevMaxt)) {
                throw new IllegalArgumentException("chunk metas overlap or are inverted [series=" + labels + ", chunk=" + c + "]");
            }
            if (i == 0) {
                buf.varint(c.minTime());
                buf.uvarint(c.maxTime() - c.minTime());
                buf.uvarint(c.ref());
            } else {
                buf.uvarint(c.minTime() - prevMaxt);
                buf.uvarint(c.maxTime() - c.minTime());
                buf.varint(c.ref() - prevRef);
            }
            prevMaxt = c.maxTime();
            prevRef = c.ref();
        }
        out.uvarint(buf.length());
        out.bytes(buf.array(), 0, buf.length());
        crc.reset();
        crc.update(buf.array(), 0, buf.length());
        out.be32((int) crc.getValue());
        numSeries++;
        return ref;
    }

    private int sym(String s) {
        Integer i = symbolRefs.get(s);
        if (i == null) {
            throw new IllegalArgumentException("label string not in the symbol table [symbol=" + s + "]");
        }
        return i;
    }

    public long numSeries() {
        return numSeries;
    }

    /** Bytes written so far. */
    public long position() {
        return out.position();
    }

    /** Writes label indices, postings, both offset tables and the TOC; fsyncs and closes. */
    @Override
    public void close() throws IOException {
        if (stage == Stage.DONE) {
            return;
        }
        if (stage == Stage.START) {
            writeSymbols(List.of());
        }
        stage = Stage.DONE;
        try {
            finish();
        } finally {
            out.close();
        }
    }

    private void finish() throws IOException {
        long[] keys = new long[postings.size()];
        int k = 0;
        Long2ObjectHashMap<IntArrayList>.KeyIterator it = postings.keySet().iterator();
        while (it.hasNext()) {
            keys[k++] = it.nextLong();
        }
        Arrays.sort(keys); // (name ref, value ref) order = (name, value) order: refs follow string order

        // Label indices: one per name, its values.
        long labelIndicesOff = 0;
        int names = 0;
        long[] nameOffsets = new long[keys.length];
        int[] nameRefs = new int[keys.length];
        for (int i = 0; i < keys.length; ) {
            int name = (int) (keys[i] >>> 32);
            int j = i;
            while (j < keys.length && (int) (keys[j] >>> 32) == name) {
                j++;
            }
            out.pad(LIST_ALIGNMENT);
            if (labelIndicesOff == 0) {
                labelIndicesOff = out.position();
            }
            nameRefs[names] = name;
            nameOffsets[names++] = out.position();
            out.be32(8 + 4 * (j - i));
            out.startCrc();
            out.be32(1);
            out.be32(j - i);
            for (int x = i; x < j; x++) {
                out.be32((int) keys[x]);
            }
            out.be32(out.crc());
            i = j;
        }

        // Postings: all series first, then every pair.
        out.pad(LIST_ALIGNMENT);
        long postingsOff = out.position();
        long allOff = writePostings(all);
        long[] pairOffsets = new long[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out.pad(LIST_ALIGNMENT);
            pairOffsets[i] = writePostings(postings.get(keys[i]));
        }

        // Label offset table.
        long labelTableOff = out.position();
        long lenAt = out.position();
        out.be32(0);
        out.startCrc();
        out.be32(names);
        for (int i = 0; i < names; i++) {
            out.uvarint(1);
            out.uvarintString(symbols[nameRefs[i]]);
            out.uvarint(nameOffsets[i]);
        }
        long len = out.position() - lenAt - 4;
        out.be32(out.crc());
        out.patchBe32(lenAt, (int) len);

        // Postings offset table.
        long postingsTableOff = out.position();
        lenAt = out.position();
        out.be32(0);
        out.startCrc();
        out.be32(keys.length + 1);
        out.uvarint(2);
        out.uvarintString("");
        out.uvarintString("");
        out.uvarint(allOff);
        for (int i = 0; i < keys.length; i++) {
            out.uvarint(2);
            out.uvarintString(symbols[(int) (keys[i] >>> 32)]);
            out.uvarintString(symbols[(int) keys[i]]);
            out.uvarint(pairOffsets[i]);
        }
        len = out.position() - lenAt - 4;
        out.be32(out.crc());
        if (len > 0xFFFFFFFFL) {
            throw new IOException("postings offset table larger than 4 GiB [path=" + out.path() + "]");
        }
        out.patchBe32(lenAt, (int) len);

        // TOC.
        out.startCrc();
        out.be64(symbolsOff);
        out.be64(seriesOff);
        out.be64(labelIndicesOff);
        out.be64(labelTableOff);
        out.be64(postingsOff);
        out.be64(postingsTableOff);
        out.be32(out.crc());
        symbolRefs = null;
    }

    private long writePostings(IntArrayList refs) throws IOException {
        long off = out.position();
        out.be32(4 + 4 * refs.size());
        out.startCrc();
        out.be32(refs.size());
        for (int i = 0; i < refs.size(); i++) {
            out.be32(refs.getInt(i));
        }
        out.be32(out.crc());
        return off;
    }
}
