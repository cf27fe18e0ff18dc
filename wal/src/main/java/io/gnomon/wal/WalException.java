package io.gnomon.wal;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Unchecked failure of the WAL. Messages are shaped {@code what happened [key=value, ...]};
 * callers branch on the type ({@link WalCorruptionException}) and its fields, never on text.
 */
public class WalException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    protected WalException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An I/O operation failed. */
    public static WalException io(String what, Object context, IOException cause) {
        return new WalException(what + " [" + context + ", error=" + cause + "]", cause);
    }

    /** The writer hit an I/O error earlier and refuses further appends. */
    public static WalException failed(Throwable cause) {
        return new WalException("wal writer failed earlier, no further appends [cause=" + cause + "]", cause);
    }

    /** Another {@link Wal} (in this or another process) has the directory open. */
    public static WalException locked(Object dir) {
        return new WalException("wal directory is locked by another writer [dir=" + dir + "]", null);
    }

    /** The WAL was closed. */
    public static WalException closed() {
        return new WalException("wal is closed", null);
    }

    /** A segment was written by a newer version of this software. */
    public static WalException tooNew(Object file, int version) {
        return new WalException("wal segment format too new [file=" + file + ", version=" + version
                + ", supported=" + WalDescriptor.MIN_FORMAT_VERSION + ".." + WalDescriptor.FORMAT_VERSION + "]", null);
    }

    /** A segment was written by a version no longer supported. */
    public static WalException tooOld(Object file, int version) {
        return new WalException("wal segment format too old [file=" + file + ", version=" + version
                + ", supported=" + WalDescriptor.MIN_FORMAT_VERSION + ".." + WalDescriptor.FORMAT_VERSION + "]", null);
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
