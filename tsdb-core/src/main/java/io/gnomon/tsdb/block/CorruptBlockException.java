package io.gnomon.tsdb.block;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A block (or one of its files) that cannot be read: missing file, bad magic, unsupported
 * version, a CRC mismatch, a field out of bounds, a truncated section. The message names the path
 * and what is wrong, shaped {@code what happened [path=..., offset=..., ...]}; {@link #path()} is
 * the file (or directory) at fault, so a caller can report and quarantine it.
 */
public class CorruptBlockException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    public CorruptBlockException(Path path, String what) {
        super(what + " [path=" + path + "]");
        this.path = path;
    }

    public CorruptBlockException(Path path, String what, Throwable cause) {
        super(what + " [path=" + path + "]", cause);
        this.path = path;
    }

    /** The file or directory at fault. */
    public Path path() {
        return path;
    }
}
