package io.gnomon.tsdb.fileutil;

import java.nio.file.Path;

/**
 * Bytes of a block file that cannot be decoded, found lazily (while a query or a compaction reads
 * them): a bad CRC, a length or reference out of bounds, a truncated entry. Unchecked because it
 * surfaces from iterators; queriers turn it into their sticky {@code err()}. The message is shaped
 * {@code what happened [path=..., offset=...]}; {@link #path()} and {@link #offset()} locate it.
 */
public final class CorruptFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;
    private final long offset;

    public CorruptFileException(Path path, long offset, String what) {
        super(what + " [path=" + path + ", offset=" + offset + "]", null, false, false);
        this.path = path;
        this.offset = offset;
    }

    public Path path() {
        return path;
    }

    /** Byte offset in the file where the damage was detected; -1 when unknown. */
    public long offset() {
        return offset;
    }
}
