package io.gnomon.tsdb.tombstones;

/** Layout constants of the tombstones file, shared by its reader and writer ({@link TombstonesFile}). */
public final class TombstonesDescriptor {
    /** File name inside a block directory. */
    public static final String FILE_NAME = "tombstones";
    /** Big-endian magic at offset 0. */
    public static final int MAGIC = 0x0130BA30;
    /** The one format version, at offset 4. */
    public static final byte VERSION = 1;
    /** Magic and version. */
    public static final int HEADER_SIZE = 5;
    /** The trailing CRC32C. */
    public static final int CRC_SIZE = 4;

    private TombstonesDescriptor() {
    }
}
