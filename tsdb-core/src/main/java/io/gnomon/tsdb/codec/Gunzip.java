package io.gnomon.tsdb.codec;

import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Bounded gzip decompression (RFC 1952) of a whole body held in an array, for request and scrape
 * bodies: the members are inflated straight from the input array into one output array that
 * grows by doubling up to a limit, with no stream objects, no intermediate buffer and no final
 * copy. Concatenated members are read one after the other, as Go's {@code gzip.Reader} does.
 *
 * <p>What is checked, each failure a {@link CorruptGzipException} naming it: the magic bytes,
 * the method (8, deflate), reserved flag bits, the optional header fields (extra, name, comment,
 * header CRC16), the deflate data, the trailer's CRC32 and length, and that whatever follows a
 * member is another member. Output past the limit is not produced: {@link #inflate} answers -1.
 *
 * <p>One instance per thread ({@link #forThread()}): the {@link Inflater} (native memory) is
 * reset and reused, never shared. The output array is the caller's to keep: an instance never
 * writes into an array it returned before.
 */
public final class Gunzip {

    /** Data that is not valid gzip; the message says what is wrong. */
    public static final class CorruptGzipException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptGzipException(String message) {
            super(message);
        }
    }

    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;
    private static final int RESERVED = 0xE0;

    private static final ThreadLocal<Gunzip> PER_THREAD = ThreadLocal.withInitial(Gunzip::new);

    private final Inflater inflater = new Inflater(true);
    private final CRC32 crc = new CRC32();
    private final byte[] probe = new byte[1];
    private byte[] out;

    /** The calling thread's instance. */
    public static Gunzip forThread() {
        return PER_THREAD.get();
    }

    /**
     * Decompresses every gzip member in {@code src[off, off + len)}. The result is in
     * {@link #output()}{@code [0, n)}, where n is the value returned; that array is {@code dst}
     * when it was large enough, otherwise a larger one (never longer than {@code limit}, except
     * that it is at least {@code dst}'s length).
     *
     * @param dst the array to inflate into first, or null to allocate one sized from {@code len}
     * @param limit the most bytes the result may have
     * @return the decompressed length, or -1 when the data decompresses to more than {@code limit} bytes
     * @throws CorruptGzipException when the data is not valid gzip
     */
    public int inflate(byte[] src, int off, int len, byte[] dst, int limit) {
        try {
            int n = inflateInto(src, off, len, dst, limit);
            if (n < 0) {
                out = null;
            }
            return n;
        } catch (RuntimeException e) {
            out = null; // a thread's instance keeps no body it has no result for
            throw e;
        }
    }

    private int inflateInto(byte[] src, int off, int len, byte[] dst, int limit) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        if (limit < 0) {
            throw new IllegalArgumentException("negative limit " + limit);
        }
        if (len == 0) {
            throw new CorruptGzipException("empty gzip stream");
        }
        out = dst != null ? dst : new byte[(int) Math.min(limit, Math.max(1024L, (long) len * 4))];
        int end = off + len;
        int p = off;
        int o = 0;
        do {
            p = header(src, p, end, p == off);
            inflater.reset();
            inflater.setInput(src, p, end - p);
            int start = o;
            o = inflateMember(o, limit);
            if (o < 0) {
                return -1;
            }
            p = end - inflater.getRemaining();
            if (end - p < 8) {
                throw new CorruptGzipException("truncated gzip trailer: " + (end - p) + " of 8 bytes");
            }
            crc.reset();
            crc.update(out, start, o - start);
            long wantCrc = le32(src, p);
            long wantSize = le32(src, p + 4);
            if (crc.getValue() != wantCrc) {
                throw new CorruptGzipException("gzip CRC32 mismatch: data has " + Long.toHexString(crc.getValue())
                    + ", trailer says " + Long.toHexString(wantCrc));
            }
            if (((o - start) & 0xFFFFFFFFL) != wantSize) {
                throw new CorruptGzipException("gzip length mismatch: data has " + (o - start) + " bytes, trailer says " + wantSize);
            }
            p += 8;
        } while (p < end);
        return o;
    }

    /**
     * The array holding the last result (see {@link #inflate}), handed over: the instance drops
     * its reference, so a thread's instance does not keep the last body alive. Call once per result.
     */
    public byte[] output() {
        byte[] o = out;
        out = null;
        return o;
    }

    /** Inflates one member's deflate data to the end of its stream; returns the new length, or -1 past the limit. */
    private int inflateMember(int o, int limit) {
        try {
            while (true) {
                if (o == out.length && o < limit) {
                    out = Arrays.copyOf(out, (int) Math.min(limit, Math.max(4096L, (long) out.length * 2)));
                }
                int room = Math.min(out.length, limit) - o;
                int k;
                if (room > 0) {
                    k = inflater.inflate(out, o, room);
                } else {
                    // At the limit: one byte more means too large.
                    k = inflater.inflate(probe, 0, 1);
                    if (k > 0) {
                        return -1;
                    }
                }
                o += k;
                if (inflater.finished()) {
                    return o;
                }
                if (k == 0) {
                    if (inflater.needsDictionary()) {
                        throw new CorruptGzipException("deflate data needs a preset dictionary");
                    }
                    if (inflater.needsInput()) {
                        throw new CorruptGzipException("truncated deflate data (no end-of-stream block)");
                    }
                }
            }
        } catch (DataFormatException e) {
            throw new CorruptGzipException("invalid deflate data: " + e.getMessage());
        }
    }

    /** Checks a member header at {@code p}; returns where its deflate data starts. */
    private static int header(byte[] b, int p, int end, boolean first) {
        int start = p;
        boolean magic = end - p >= 2 && (b[p] & 0xFF) == 0x1F && (b[p + 1] & 0xFF) == 0x8B;
        if (!first && !magic) {
            throw new CorruptGzipException("trailing data after a gzip member (" + (end - p) + " bytes)");
        }
        if (end - p < 10) {
            throw new CorruptGzipException("truncated gzip header: " + (end - p) + " of at least 10 bytes");
        }
        if (!magic) {
            throw new CorruptGzipException(String.format("not gzip: magic bytes %02x %02x, want 1f 8b", b[p] & 0xFF, b[p + 1] & 0xFF));
        }
        int method = b[p + 2] & 0xFF;
        if (method != 8) {
            throw new CorruptGzipException("unsupported gzip compression method " + method + " (only 8, deflate)");
        }
        int flags = b[p + 3] & 0xFF;
        if ((flags & RESERVED) != 0) {
            throw new CorruptGzipException("gzip header has reserved flag bits set: " + Integer.toBinaryString(flags));
        }
        p += 10;
        if ((flags & FEXTRA) != 0) {
            if (end - p < 2) {
                throw new CorruptGzipException("truncated gzip header (extra field length)");
            }
            int xlen = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
            p += 2;
            if (end - p < xlen) {
                throw new CorruptGzipException("truncated gzip header (extra field of " + xlen + " bytes)");
            }
            p += xlen;
        }
        if ((flags & FNAME) != 0) {
            p = skipZeroTerminated(b, p, end, "file name");
        }
        if ((flags & FCOMMENT) != 0) {
            p = skipZeroTerminated(b, p, end, "comment");
        }
        if ((flags & FHCRC) != 0) {
            if (end - p < 2) {
                throw new CorruptGzipException("truncated gzip header (header CRC)");
            }
            CRC32 c = new CRC32();
            c.update(b, start, p - start);
            int want = (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8;
            if ((c.getValue() & 0xFFFF) != want) {
                throw new CorruptGzipException("gzip header CRC mismatch");
            }
            p += 2;
        }
        return p;
    }

    private static int skipZeroTerminated(byte[] b, int p, int end, String what) {
        while (p < end) {
            if (b[p++] == 0) {
                return p;
            }
        }
        throw new CorruptGzipException("truncated gzip header (unterminated " + what + ")");
    }

    private static long le32(byte[] b, int p) {
        return (b[p] & 0xFFL) | (b[p + 1] & 0xFFL) << 8 | (b[p + 2] & 0xFFL) << 16 | (b[p + 3] & 0xFFL) << 24;
    }
}
