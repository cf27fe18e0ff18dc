package io.gnomon.tsdb.index;

/**
 * Layout constants of the block index file (format v2), shared by {@link IndexWriter} and
 * {@link IndexFileReader}; the format is specified in {@link IndexWriter}'s javadoc.
 */
public final class IndexDescriptor {
    /** File name inside a block directory. */
    public static final String FILE_NAME = "index";
    /** Big-endian magic at offset 0. */
    public static final int MAGIC = 0xBAAAD700;
    /** Format v1: symbol refs are file offsets. Not read: "too old". */
    public static final int VERSION_1 = 1;
    /** Format v2: symbol refs are symbol table positions, series refs are offset / 16. */
    public static final int VERSION_2 = 2;
    /** Magic and version. */
    public static final int HEADER_SIZE = 5;
    /** Six 8-byte section offsets and a CRC32C. */
    public static final int TOC_SIZE = 6 * 8 + 4;
    /** Series entries start at multiples of this; a series ref is its offset divided by it. */
    public static final int SERIES_ALIGNMENT = 16;
    /** Label indices and postings lists start at multiples of this. */
    public static final int LIST_ALIGNMENT = 4;
    /** The readers keep every N-th symbol's offset and every N-th postings-table value in memory. */
    public static final int SAMPLING = 32;
    /** Name and value of the postings list of all series. */
    public static final String ALL_POSTINGS_NAME = "";

    private IndexDescriptor() {
    }
}
