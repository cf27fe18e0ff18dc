package io.gnomon.wal;

import static io.gnomon.wal.WalDescriptor.FLAG_LZ4;
import static io.gnomon.wal.WalDescriptor.KIND_FIRST;
import static io.gnomon.wal.WalDescriptor.KIND_FULL;
import static io.gnomon.wal.WalDescriptor.KIND_LAST;
import static io.gnomon.wal.WalDescriptor.KIND_MIDDLE;
import static io.gnomon.wal.WalDescriptor.LZ4_LENGTH_PREFIX;
import static io.gnomon.wal.WalDescriptor.MAX_RECORD_LENGTH;
import static io.gnomon.wal.WalDescriptor.SEGMENT_HEADER_LENGTH;

import io.gnomon.wal.WalCorruptionException.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Assembles the records of one segment file from its fragments, checking their order, and
 * optionally decompresses them. The record bytes are {@code array()[offset() .. offset()+length())}
 * and stay valid until the next call of {@link #next()}. Not thread-safe.
 */
final class SegmentRecords implements Closeable {

    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    /** Largest payload a valid record can have: LZ4's worst case of the largest record, plus prefix. */
    private static final long MAX_PAYLOAD = LZ4_LENGTH_PREFIX + MAX_RECORD_LENGTH + MAX_RECORD_LENGTH / 255L + 16;

    final SegmentScanner scanner;
    private final boolean decode;

    private byte[] assembly = new byte[0];
    private int assembled;
    private byte[] decoded = new byte[0];

    private boolean inRecord;
    private int recordType;
    private long recordStart;
    private long goodEnd = SEGMENT_HEADER_LENGTH;

    private byte[] array;
    private int offset;
    private int length;

    SegmentRecords(SegmentScanner scanner, boolean decode) {
        this.scanner = scanner;
        this.decode = decode;
    }

    byte[] array() {
        return array;
    }

    int offset() {
        return offset;
    }

    int length() {
        return length;
    }

    /** File offset just past the last complete record ({@value WalDescriptor#SEGMENT_HEADER_LENGTH} if none). */
    long goodEnd() {
        return goodEnd;
    }

    /** Whether the error (if any) interrupted a record whose first fragment was valid. */
    boolean inRecord() {
        return inRecord;
    }

    WalCorruptionException error() {
        return scanner.error();
    }

    /** Advances to the next record; false at the end of the segment or on error ({@link #error()}). */
    boolean next() throws IOException {
        while (true) {
            final int r = scanner.next();
            if (r == SegmentScanner.ERROR) {
                return false;
            }
            if (r == SegmentScanner.END) {
                if (inRecord) {
                    scanner.fail(Kind.TORN_TAIL, recordStart, "segment ends inside a record", scanner.limit(), false);
                }
                return false;
            }
            final int kind = scanner.kind;
            final byte[] page = scanner.page();
            switch (kind) {
                case KIND_FULL:
                    if (inRecord) {
                        return unfinished();
                    }
                    recordType = scanner.type;
                    recordStart = scanner.fragmentOffset;
                    return complete(page, scanner.dataOffset, scanner.dataLength);
                case KIND_FIRST:
                    if (inRecord) {
                        return unfinished();
                    }
                    inRecord = true;
                    recordType = scanner.type;
                    recordStart = scanner.fragmentOffset;
                    assembled = 0;
                    if (!append(page, scanner.dataOffset, scanner.dataLength)) {
                        return false;
                    }
                    break;
                case KIND_MIDDLE:
                case KIND_LAST:
                    if (!inRecord) {
                        scanner.fail(Kind.MALFORMED, scanner.fragmentOffset, "fragment without a first fragment [kind="
                                + WalDescriptor.kindName(kind) + "]",
                                scanner.fragmentOffset + WalDescriptor.FRAGMENT_HEADER_LENGTH + scanner.dataLength, true);
                        return false;
                    }
                    if ((scanner.type & FLAG_LZ4) != (recordType & FLAG_LZ4)) {
                        scanner.fail(Kind.MALFORMED, scanner.fragmentOffset, "compression flag differs between fragments",
                                scanner.fragmentOffset + WalDescriptor.FRAGMENT_HEADER_LENGTH + scanner.dataLength, true);
                        return false;
                    }
                    if (!append(page, scanner.dataOffset, scanner.dataLength)) {
                        return false;
                    }
                    if (kind == KIND_LAST) {
                        inRecord = false;
                        return complete(assembly, 0, assembled);
                    }
                    break;
                default:
                    throw new IllegalStateException("scanner returned kind " + kind);
            }
        }
    }

    private boolean unfinished() {
        // The fragment itself is valid and starts a record: a resync may count it.
        scanner.fail(Kind.MALFORMED, scanner.fragmentOffset, "record not finished before the next one starts",
                scanner.fragmentOffset, false);
        return false;
    }

    private boolean append(byte[] src, int from, int n) {
        if ((long) assembled + n > MAX_PAYLOAD) {
            scanner.fail(Kind.MALFORMED, scanner.fragmentOffset, "record longer than the maximum [length>"
                    + MAX_PAYLOAD + "]", scanner.fragmentOffset + WalDescriptor.FRAGMENT_HEADER_LENGTH + n, true);
            return false;
        }
        if (assembly.length < assembled + n) {
            final long capacity = Math.max(Math.max(64 * 1024, assembly.length * 2L), (long) assembled + n);
            assembly = Arrays.copyOf(assembly, (int) Math.min(capacity, Integer.MAX_VALUE - 8));
        }
        System.arraycopy(src, from, assembly, assembled, n);
        assembled += n;
        return true;
    }

    private boolean complete(byte[] src, int from, int n) {
        final long end = scanner.fragmentOffset + WalDescriptor.FRAGMENT_HEADER_LENGTH + scanner.dataLength;
        if (decode && (recordType & FLAG_LZ4) != 0) {
            if (n < LZ4_LENGTH_PREFIX) {
                return badCompression("compressed record shorter than its length prefix");
            }
            final int raw = ((src[from] & 0xFF) << 24) | ((src[from + 1] & 0xFF) << 16)
                    | ((src[from + 2] & 0xFF) << 8) | (src[from + 3] & 0xFF);
            if (raw < 0 || raw > MAX_RECORD_LENGTH) {
                return badCompression("declared uncompressed length out of range [length=" + raw + "]");
            }
            if (decoded.length < raw) {
                decoded = new byte[Math.max(raw, Math.min(MAX_RECORD_LENGTH, decoded.length * 2))];
            }
            final int got;
            try {
                got = DECOMPRESSOR.decompress(src, from + LZ4_LENGTH_PREFIX, n - LZ4_LENGTH_PREFIX, decoded, 0, raw);
            } catch (LZ4Exception e) {
                return badCompression("lz4 block does not decode [" + e.getMessage() + "]");
            }
            if (got != raw) {
                return badCompression("lz4 block decodes to the wrong length [declared=" + raw + ", got=" + got + "]");
            }
            array = decoded;
            offset = 0;
            length = raw;
        } else {
            array = src;
            offset = from;
            length = n;
        }
        goodEnd = end;
        return true;
    }

    private boolean badCompression(String detail) {
        inRecord = false;
        scanner.fail(Kind.BAD_COMPRESSION, recordStart, detail,
                scanner.fragmentOffset + WalDescriptor.FRAGMENT_HEADER_LENGTH + scanner.dataLength, true);
        return false;
    }

    @Override
    public void close() throws IOException {
        scanner.close();
    }
}
