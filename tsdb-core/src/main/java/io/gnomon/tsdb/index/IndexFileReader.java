package io.gnomon.tsdb.index;

import static io.gnomon.tsdb.index.IndexDescriptor.SAMPLING;

import io.gnomon.tsdb.chunks.ChunkMeta;
import io.gnomon.tsdb.fileutil.CorruptFileException;
import io.gnomon.tsdb.fileutil.MappedFile;
import io.gnomon.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * Reads a memory-mapped index file (format v2: {@link IndexWriter}). Opening verifies the magic,
 * version, TOC CRC, and the CRCs of the symbol table and the postings offset table, and keeps in
 * memory only every {@value IndexDescriptor#SAMPLING}th symbol offset and every
 * {@value IndexDescriptor#SAMPLING}th value (plus the last) of each label name in the postings
 * offset table, as Prometheus does. Series entries and postings lists are CRC-checked when read.
 *
 * <p>Thread-safe (all reads are absolute). Damage met while reading throws
 * {@link CorruptFileException} naming the file and offset; {@link Postings} report it via
 * {@code err()}. {@link #close()} unmaps and is idempotent; the owner ensures no read runs after.
 */
public final class IndexFileReader implements BlockIndexReader {

    private final MappedFile f;
    private final long symbolsOff;
    private final int numSymbols;
    /** File offset of symbol i * SAMPLING (its length varint). */
    private final long[] symbolSamples;
    /** Postings offset table, by label name in order (the all-postings name "" first). */
    private final Map<String, NameEntries> names;
    private final long allPostingsOff;
    /**
     * Symbols decoded so far, by ref. Filled lazily: a query touches few, a compaction all of them
     * (then it is the size of the symbol table, as the writer's map is). Racy writes are safe:
     * every thread that fills a slot stores an equal immutable String.
     */
    private final String[] symbolCache;

    /** The postings-table entries of one label name: where they are and a sample of their values. */
    private static final class NameEntries {
        long first;     // file offset of its first entry
        long end;       // file offset just past its last entry
        int count;
        final List<String> sampleValues = new ArrayList<>();
        final List<Long> samplePos = new ArrayList<>();
        String lastValue;
        long lastPos;
        String[] values;   // sampleValues as an array, after load
        long[] positions;
    }

    private IndexFileReader(MappedFile f, long symbolsOff, int numSymbols, long[] symbolSamples,
            Map<String, NameEntries> names, long allPostingsOff) {
        this.f = f;
        this.symbolsOff = symbolsOff;
        this.numSymbols = numSymbols;
        this.symbolSamples = symbolSamples;
        this.names = names;
        this.allPostingsOff = allPostingsOff;
        this.symbolCache = new String[numSymbols];
    }

    /**
     * Maps and validates {@code path}.
     *
     * @throws CorruptFileException when it is not a readable v2 index
     */
    public static IndexFileReader open(Path path) throws IOException {
        MappedFile f = MappedFile.open(path);
        try {
            return load(f);
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static IndexFileReader load(MappedFile f) {
        long size = f.size();
        if (size < IndexDescriptor.HEADER_SIZE + IndexDescriptor.TOC_SIZE) {
            throw f.corrupt(0, "index file too short (" + size + " bytes): truncated or half-written");
        }
        int magic = f.getInt(0);
        if (magic != IndexDescriptor.MAGIC) {
            throw f.corrupt(0, "bad index magic 0x" + Integer.toHexString(magic));
        }
        int version = f.get(4);
        if (version == IndexDescriptor.VERSION_1) {
            throw f.corrupt(4, "index format version 1 is too old, only version 2 is read");
        }
        if (version != IndexDescriptor.VERSION_2) {
            throw f.corrupt(4, "index format version " + version + " is too new, only version 2 is read");
        }
        long toc = size - IndexDescriptor.TOC_SIZE;
        if (f.crc32c(toc, 48) != f.getInt(toc + 48)) {
            throw f.corrupt(toc, "index TOC CRC32C mismatch: truncated or corrupt");
        }
        long symOff = f.getLong(toc);
        long postingsTableOff = f.getLong(toc + 40);
        checkSection(f, symOff, toc, "symbol table");
        checkSection(f, postingsTableOff, toc, "postings offset table");

        // Symbols.
        long symLen = verifyTable(f, symOff, toc, "symbol table");
        MappedFile.Cursor c = f.cursor(symOff + 4, symOff + 4 + symLen);
        int numSymbols = c.be32();
        if (numSymbols < 0) {
            throw f.corrupt(symOff + 4, "negative symbol count");
        }
        long[] samples = new long[(numSymbols + SAMPLING - 1) / SAMPLING];
        String prev = null;
        for (int i = 0; i < numSymbols; i++) {
            if (i % SAMPLING == 0) {
                samples[i / SAMPLING] = c.position();
            }
            if (i == numSymbols - 1 || i < 2) {
                // Spot-check order at the ends; full validation would decode every string.
                String s = stringAt(c);
                if (prev != null && Labels.compareStrings(prev, s) >= 0) {
                    throw f.corrupt(c.position(), "symbols not sorted");
                }
                prev = s;
            } else {
                c.skipUvarintString();
            }
        }

        // Postings offset table.
        long ptLen = verifyTable(f, postingsTableOff, toc, "postings offset table");
        c = f.cursor(postingsTableOff + 4, postingsTableOff + 4 + ptLen);
        int entries = c.be32();
        Map<String, NameEntries> names = new LinkedHashMap<>();
        NameEntries cur = null;
        String curName = null;
        long allOff = -1;
        for (int i = 0; i < entries; i++) {
            long at = c.position();
            int n = c.uvarint32();
            if (n != 2) {
                throw f.corrupt(at, "postings offset entry has " + n + " strings, expected 2");
            }
            String name = c.uvarintString();
            String value = c.uvarintString();
            long off = c.uvarint();
            if (off < 0 || off >= toc) {
                throw f.corrupt(at, "postings offset " + off + " out of bounds");
            }
            if (!name.equals(curName)) {
                if (cur != null) {
                    finishName(cur, at);
                }
                if (names.containsKey(name)) {
                    throw f.corrupt(at, "postings offset table not sorted by name");
                }
                cur = new NameEntries();
                cur.first = at;
                names.put(name, cur);
                curName = name;
            }
            if (cur.count % SAMPLING == 0) {
                cur.sampleValues.add(value);
                cur.samplePos.add(at);
            }
            cur.lastValue = value;
            cur.lastPos = at;
            cur.count++;
            if (name.isEmpty() && value.isEmpty()) {
                allOff = off;
            }
        }
        if (cur != null) {
            finishName(cur, c.position());
        }
        return new IndexFileReader(f, symOff, numSymbols, samples, names, allOff);
    }

    private static void finishName(NameEntries e, long end) {
        e.end = end;
        if (!e.samplePos.isEmpty() && e.samplePos.get(e.samplePos.size() - 1) != e.lastPos) {
            e.sampleValues.add(e.lastValue);
            e.samplePos.add(e.lastPos);
        }
        e.values = e.sampleValues.toArray(new String[0]);
        e.positions = new long[e.samplePos.size()];
        for (int i = 0; i < e.positions.length; i++) {
            e.positions[i] = e.samplePos.get(i);
        }
        e.sampleValues.clear();
        e.samplePos.clear();
    }

    private static void checkSection(MappedFile f, long off, long toc, String what) {
        if (off < IndexDescriptor.HEADER_SIZE || off > toc - 8) {
            throw f.corrupt(toc, what + " offset " + off + " out of bounds");
        }
    }

    /** Checks a len(4) ... crc(4) table and returns len. */
    private static long verifyTable(MappedFile f, long off, long end, String what) {
        long len = f.getInt(off) & 0xFFFFFFFFL;
        if (off + 4 + len + 4 > end) {
            throw f.corrupt(off, what + " length " + len + " runs past the TOC");
        }
        if (f.crc32c(off + 4, len) != f.getInt(off + 4 + len)) {
            throw f.corrupt(off, what + " CRC32C mismatch");
        }
        return len;
    }

    private static String stringAt(MappedFile.Cursor c) {
        return c.uvarintString();
    }

    /** Size of the index file in bytes. */
    public long size() {
        return f.size();
    }

    public Path path() {
        return f.path();
    }

    /** This reader (it is thread-safe and stateless); for symmetry with per-thread views. */
    public BlockIndexReader view() {
        return this;
    }

    /** The symbol at position {@code ref}. */
    String symbol(long ref) {
        if (ref < 0 || ref >= numSymbols) {
            throw f.corrupt(-1, "symbol ref " + ref + " out of range (" + numSymbols + " symbols)");
        }
        int r = (int) ref;
        String s = symbolCache[r];
        if (s != null) {
            return s;
        }
        MappedFile.Cursor c = f.cursor(symbolSamples[r / SAMPLING], f.size());
        for (int i = r % SAMPLING; i > 0; i--) {
            c.skipUvarintString();
        }
        s = io.gnomon.tsdb.labels.SymbolTable.GLOBAL.intern(c.uvarintString());
        symbolCache[r] = s;
        return s;
    }

    @Override
    public Iterator<String> symbols() {
        return new Iterator<>() {
            private int i;
            private final MappedFile.Cursor c = f.cursor(symbolsOff + 8, f.size());

            @Override
            public boolean hasNext() {
                return i < numSymbols;
            }

            @Override
            public String next() {
                if (i >= numSymbols) {
                    throw new NoSuchElementException();
                }
                i++;
                return c.uvarintString();
            }
        };
    }

    @Override
    public Labels series(long ref, List<ChunkMeta> chunks) {
        chunks.clear();
        long off = ref * IndexDescriptor.SERIES_ALIGNMENT;
        if (ref <= 0 || off >= f.size() - IndexDescriptor.TOC_SIZE) {
            return null;
        }
        MappedFile.Cursor c = f.cursor(off, f.size());
        int len = c.uvarint32();
        long start = c.position();
        if (len > f.size() - start - 4) {
            throw f.corrupt(off, "series entry length " + len + " runs past the end");
        }
        if (f.crc32c(start, len) != f.getInt(start + len)) {
            throw f.corrupt(off, "series entry CRC32C mismatch [ref=" + ref + "]");
        }
        c = f.cursor(start, start + len);
        int n = c.uvarint32();
        String[] kv = new String[2 * n];
        for (int i = 0; i < n; i++) {
            kv[2 * i] = symbol(c.uvarint32());
            kv[2 * i + 1] = symbol(c.uvarint32());
        }
        Labels labels;
        try {
            labels = Labels.ofSortedInterned(kv); // symbol() interns each string once
        } catch (RuntimeException e) {
            throw f.corrupt(off, "series labels invalid: " + e.getMessage());
        }
        long k = c.uvarint();
        if (k < 0 || k > len) {
            throw f.corrupt(off, "series chunk count " + k + " impossible for its length");
        }
        long t = 0;
        long cref = 0;
        for (long i = 0; i < k; i++) {
            long mint;
            if (i == 0) {
                mint = c.varint();
                long maxt = mint + c.uvarint();
                cref = c.uvarint();
                chunks.add(new ChunkMeta(cref, mint, maxt));
                t = maxt;
            } else {
                mint = t + c.uvarint();
                long maxt = mint + c.uvarint();
                cref += c.varint();
                chunks.add(new ChunkMeta(cref, mint, maxt));
                t = maxt;
            }
        }
        return labels;
    }

    @Override
    public Postings postings(String name, String... values) {
        NameEntries e = names.get(name);
        if (e == null || values.length == 0) {
            return PostingsOps.EMPTY;
        }
        String[] vs = values.clone();
        Arrays.sort(vs, Labels::compareStrings);
        List<Postings> out = new ArrayList<>(vs.length);
        for (String v : vs) {
            long off = find(e, v);
            if (off >= 0) {
                out.add(postingsAt(off));
            }
        }
        return PostingsOps.merge(out);
    }

    /** Postings offset of {@code value} under a name, or -1. */
    private long find(NameEntries e, String value) {
        // Last sample <= value.
        int lo = 0;
        int hi = e.values.length - 1;
        int at = -1;
        while (lo <= hi) {
            int m = (lo + hi) >>> 1;
            int cmp = Labels.compareStrings(e.values[m], value);
            if (cmp <= 0) {
                at = m;
                lo = m + 1;
            } else {
                hi = m - 1;
            }
        }
        if (at < 0) {
            return -1;
        }
        MappedFile.Cursor c = f.cursor(e.positions[at], e.end);
        for (int i = 0; i <= SAMPLING && c.remaining() > 0; i++) {
            c.uvarint32();
            c.skipUvarintString();
            String v = c.uvarintString();
            long off = c.uvarint();
            int cmp = Labels.compareStrings(v, value);
            if (cmp == 0) {
                return off;
            }
            if (cmp > 0) {
                return -1;
            }
        }
        return -1;
    }

    /** Calls back with (value, postings offset) for each value of a name, in order. */
    private void scan(NameEntries e, java.util.function.ObjLongConsumer<String> action) {
        MappedFile.Cursor c = f.cursor(e.first, e.end);
        while (c.remaining() > 0) {
            c.uvarint32();
            c.skipUvarintString();
            String v = c.uvarintString();
            long off = c.uvarint();
            action.accept(v, off);
        }
    }

    @Override
    public Postings postingsForLabelMatching(String name, Predicate<String> match) {
        NameEntries e = names.get(name);
        if (e == null || name.isEmpty()) {
            return PostingsOps.EMPTY;
        }
        List<Postings> out = new ArrayList<>();
        scan(e, (v, off) -> {
            if (match.test(v)) {
                out.add(postingsAt(off));
            }
        });
        return PostingsOps.merge(out);
    }

    @Override
    public Postings allPostings() {
        return allPostingsOff < 0 ? PostingsOps.EMPTY : postingsAt(allPostingsOff);
    }

    @Override
    public Postings sortedPostings(Postings p) {
        return p; // series refs ascend in label order
    }

    @Override
    public List<String> labelValues(String name) {
        NameEntries e = names.get(name);
        if (e == null || name.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(e.count);
        scan(e, (v, off) -> out.add(v));
        return out;
    }

    @Override
    public List<String> labelNames() {
        List<String> out = new ArrayList<>(names.size());
        for (String n : names.keySet()) {
            if (!n.isEmpty()) {
                out.add(n);
            }
        }
        return out;
    }

    @Override
    public Labels seriesLabels(long ref) {
        return series(ref, new ArrayList<>());
    }

    /** The postings list at {@code off}, CRC-checked. */
    Postings postingsAt(long off) {
        long len = f.getInt(off) & 0xFFFFFFFFL;
        if (len < 4 || off + 8 + len > f.size()) {
            throw f.corrupt(off, "postings list length " + len + " out of bounds");
        }
        if (f.crc32c(off + 4, len) != f.getInt(off + 4 + len)) {
            throw f.corrupt(off, "postings list CRC32C mismatch");
        }
        long n = f.getInt(off + 4) & 0xFFFFFFFFL;
        if (n * 4 != len - 4) {
            throw f.corrupt(off, "postings count " + n + " disagrees with length " + len);
        }
        return new MappedPostings(f, off + 8, (int) n);
    }

    @Override
    public void close() {
        f.close();
    }

    /** A postings list read in place: 4-byte big-endian refs. */
    private static final class MappedPostings implements Postings {
        private final MappedFile f;
        private final long base;
        private final int n;
        private int i = -1;
        private long cur;

        MappedPostings(MappedFile f, long base, int n) {
            this.f = f;
            this.base = base;
            this.n = n;
        }

        private long get(int k) {
            return f.getInt(base + 4L * k) & 0xFFFFFFFFL;
        }

        @Override
        public boolean next() {
            if (i >= n) {
                return false;
            }
            if (++i >= n) {
                return false;
            }
            cur = get(i);
            return true;
        }

        @Override
        public boolean seek(long v) {
            if (i >= n) {
                return false;
            }
            if (i >= 0 && cur >= v) {
                return true;
            }
            int lo = Math.max(i, 0);
            int hi = n;
            while (lo < hi) {
                int m = (lo + hi) >>> 1;
                if (get(m) < v) {
                    lo = m + 1;
                } else {
                    hi = m;
                }
            }
            i = lo;
            if (i >= n) {
                return false;
            }
            cur = get(i);
            return true;
        }

        @Override
        public long at() {
            return cur;
        }
    }

    /** A {@link BlockIndexReader} that forwards to another; subclasses override {@link #close()}. */
    public abstract static class Delegating implements BlockIndexReader {
        protected final BlockIndexReader d;

        protected Delegating(BlockIndexReader d) {
            this.d = d;
        }

        @Override
        public Labels series(long ref, List<ChunkMeta> chunks) {
            return d.series(ref, chunks);
        }

        @Override
        public Iterator<String> symbols() {
            return d.symbols();
        }

        @Override
        public Postings postings(String name, String... values) {
            return d.postings(name, values);
        }

        @Override
        public Postings postingsForLabelMatching(String name, Predicate<String> match) {
            return d.postingsForLabelMatching(name, match);
        }

        @Override
        public Postings postingsForAllLabelValues(String name) {
            return d.postingsForAllLabelValues(name);
        }

        @Override
        public Postings allPostings() {
            return d.allPostings();
        }

        @Override
        public Postings sortedPostings(Postings p) {
            return d.sortedPostings(p);
        }

        @Override
        public List<String> labelValues(String name) {
            return d.labelValues(name);
        }

        @Override
        public List<String> labelNames() {
            return d.labelNames();
        }

        @Override
        public Labels seriesLabels(long ref) {
            return d.seriesLabels(ref);
        }
    }
}
