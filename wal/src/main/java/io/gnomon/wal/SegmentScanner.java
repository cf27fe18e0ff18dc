package io.gnomon.wal;

import static io.gnomon.wal.WalDescriptor.CRC_COVERED_HEADER_LENGTH;
import static io.gnomon.wal.WalDescriptor.CRC_OFFSET;
import static io.gnomon.wal.WalDescriptor.FRAGMENT_HEADER_LENGTH;
import static io.gnomon.wal.WalDescriptor.KIND_FIRST;
import static io.gnomon.wal.WalDescriptor.KIND_FULL;
import static io.gnomon.wal.WalDescriptor.KIND_LAST;
import static io.gnomon.wal.WalDescriptor.KIND_MASK;
import static io.gnomon.wal.WalDescriptor.LENGTH_OFFSET;
import static io.gnomon.wal.WalDescriptor.PAGE_SIZE;
import static io.gnomon.wal.WalDescriptor.RESERVED_TYPE_BITS;
import static io.gnomon.wal.WalDescriptor.SEGMENT_HEADER_LENGTH;

import io.gnomon.wal.WalCorruptionException.Kind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads the fragments of one segment file page by page and validates them (layout in
 * {@link WalWriter}). Knows nothing about records; {@link SegmentRecords} assembles those.
 *
 * <p>{@link #next()} returns {@link #FRAGMENT}, {@link #END} at a clean end of file, or
 * {@link #ERROR}; after an error it keeps returning {@link #ERROR} and {@link #error()} tells
 * what and where. Not thread-safe.
 */
final class SegmentScanner implements Closeable {

    static final int FRAGMENT = 1;
    static final int END = 0;
    static final int ERROR = -1;

    final Path file;
    final int segment;
    final boolean checkpoint;
    private final FileChannel channel;
    private final long limit;
    private final byte[] page = new byte[PAGE_SIZE];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page);
    private final CRC32C crc = new CRC32C();
    private long pageStart = -1;
    private int pageLength;
    private int pos;

    // ---- the current fragment (after FRAGMENT)
    int kind;
    int type;
    int dataLength;
    int dataOffset;
    long fragmentOffset;

    // ---- after ERROR
    private WalCorruptionException error;
    /** File offset where a resynchronising scan may continue after the error. */
    long resumeOffset;
    /** Whether the segment header was present and valid. */
    boolean headerValid;
    /** Whether the error destroyed (part of) a record, as opposed to trailing zeros or padding. */
    boolean damagedRecord;

    /**
     * Opens the file and checks its header. {@code limit} is the number of bytes to consider
     * (negative: the file size); bytes past it are ignored, as if the file ended there.
     *
     * @throws WalException "too new"/"too old" for an unsupported version (not corruption)
     */
    SegmentScanner(Path file, int segment, boolean checkpoint, long limit) throws IOException {
        this.file = file;
        this.segment = segment;
        this.checkpoint = checkpoint;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        final long size = channel.size();
        this.limit = limit < 0 ? size : Math.min(limit, size);
        checkHeader();
    }

    private void checkHeader() throws IOException {
        loadPage(0);
        if (pageLength < SEGMENT_HEADER_LENGTH) {
            // A crash right after creating the file: empty or a prefix of the header.
            final boolean prefixOfHeader = isHeaderPrefix(pageLength);
            fail(prefixOfHeader ? Kind.TORN_TAIL : Kind.BAD_SEGMENT_HEADER, 0,
                    "segment shorter than its header [length=" + pageLength + "]", SEGMENT_HEADER_LENGTH, false);
            return;
        }
        final int magic = ByteBuffer.wrap(page).getInt(WalDescriptor.MAGIC_OFFSET);
        if (magic != WalDescriptor.SEGMENT_MAGIC) {
            fail(Kind.BAD_SEGMENT_HEADER, 0, "bad segment magic [magic=0x" + Integer.toHexString(magic) + "]",
                    SEGMENT_HEADER_LENGTH, false);
            return;
        }
        final int version = page[WalDescriptor.VERSION_OFFSET];
        if (version > WalDescriptor.FORMAT_VERSION) {
            close();
            throw WalException.tooNew(file, version);
        }
        if (version < WalDescriptor.MIN_FORMAT_VERSION) {
            close();
            throw WalException.tooOld(file, version);
        }
        pos = SEGMENT_HEADER_LENGTH;
        headerValid = true;
    }

    private boolean isHeaderPrefix(int length) {
        final ByteBuffer expected = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH);
        WalWriter.putSegmentHeader(expected);
        for (int i = 0; i < length; i++) {
            if (page[i] != expected.get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The page array; fragment data is at {@link #dataOffset} for {@link #dataLength} bytes. */
    byte[] page() {
        return page;
    }

    WalCorruptionException error() {
        return error;
    }

    /** Bytes of the file this scanner considers. */
    long limit() {
        return limit;
    }

    int next() throws IOException {
        if (error != null) {
            return ERROR;
        }
        while (true) {
            if (pos >= pageLength) {
                if (pageLength < PAGE_SIZE) {
                    return END;
                }
                loadPage(pageStart + PAGE_SIZE);
                if (pageLength == 0) {
                    return END;
                }
                continue;
            }
            final int pageLeft = PAGE_SIZE - pos;
            final long at = pageStart + pos;
            if (pageLeft <= FRAGMENT_HEADER_LENGTH) {
                for (int i = pos; i < pageLength; i++) {
                    if (page[i] != 0) {
                        return fail(Kind.MALFORMED, pageStart + i, "non-zero byte in page padding",
                                pageStart + PAGE_SIZE, false);
                    }
                }
                pos = pageLength;
                continue;
            }
            final int available = pageLength - pos;
            if (available < FRAGMENT_HEADER_LENGTH) {
                if (zeroFrom(at)) {
                    return fail(Kind.ZERO_TAIL, at, "zero-filled tail", limit, false);
                }
                return fail(Kind.TORN_TAIL, at, "file ends inside a fragment header", limit, true);
            }
            final int t = page[pos] & 0xFF;
            if (t == 0) {
                if (zeroFrom(at)) {
                    return fail(Kind.ZERO_TAIL, at, "zero-filled tail", limit, false);
                }
                return fail(Kind.MALFORMED, at, "zero type byte where a fragment header is expected", at + 1, true);
            }
            final int k = t & KIND_MASK;
            if ((t & RESERVED_TYPE_BITS) != 0 || k < KIND_FULL || k > KIND_LAST) {
                return fail(Kind.MALFORMED, at, "invalid fragment type [type=0x" + Integer.toHexString(t) + "]",
                        at + 1, true);
            }
            final int length = ((page[pos + LENGTH_OFFSET] & 0xFF) << 8) | (page[pos + LENGTH_OFFSET + 1] & 0xFF);
            if (length > pageLeft - FRAGMENT_HEADER_LENGTH) {
                return fail(Kind.MALFORMED, at, "fragment length exceeds its page [length=" + length + "]", at + 1, true);
            }
            if (length > available - FRAGMENT_HEADER_LENGTH) {
                // Usually a torn write; but a damaged length looks the same, so the lost-record count
                // resynchronises after it instead of assuming nothing follows.
                return fail(Kind.TORN_TAIL, at, "file ends inside fragment data [length=" + length + ", available="
                        + (available - FRAGMENT_HEADER_LENGTH) + "]", at + 1, true);
            }
            if (!crcMatches(pos, length)) {
                return fail(Kind.CRC_MISMATCH, at, "fragment checksum mismatch [kind=" + WalDescriptor.kindName(k)
                        + ", length=" + length + "]", at + 1, true); // the length itself may be the damage
            }
            kind = k;
            type = t;
            dataLength = length;
            dataOffset = pos + FRAGMENT_HEADER_LENGTH;
            fragmentOffset = at;
            pos += FRAGMENT_HEADER_LENGTH + length;
            return FRAGMENT;
        }
    }

    private boolean crcMatches(int at, int length) {
        crc.reset();
        crc.update(page, at, CRC_COVERED_HEADER_LENGTH);
        crc.update(page, at + FRAGMENT_HEADER_LENGTH, length);
        final int stored = ((page[at + CRC_OFFSET] & 0xFF) << 24) | ((page[at + CRC_OFFSET + 1] & 0xFF) << 16)
                | ((page[at + CRC_OFFSET + 2] & 0xFF) << 8) | (page[at + CRC_OFFSET + 3] & 0xFF);
        return (int) crc.getValue() == stored;
    }

    /** Records an error found by the record assembler on a valid fragment sequence. */
    int fail(Kind kind, long offset, String detail, long resume, boolean damaged) {
        error = WalCorruptionException.of(kind, file, segment, offset, checkpoint, detail);
        resumeOffset = resume;
        damagedRecord = damaged;
        return ERROR;
    }

    /** True when every byte from {@code from} to the limit is zero. */
    private boolean zeroFrom(long from) throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        long at = from;
        while (at < limit) {
            buf.clear().limit((int) Math.min(buf.capacity(), limit - at));
            final int n = channel.read(buf, at);
            if (n <= 0) {
                break;
            }
            final byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                if (a[i] != 0) {
                    return false;
                }
            }
            at += n;
        }
        return true;
    }

    private void loadPage(long start) throws IOException {
        pageStart = start;
        pos = 0;
        final int want = (int) Math.max(0, Math.min(PAGE_SIZE, limit - start));
        pageBuffer.clear().limit(want);
        while (pageBuffer.hasRemaining()) {
            if (channel.read(pageBuffer, start + pageBuffer.position()) < 0) {
                break;
            }
        }
        pageLength = pageBuffer.position();
    }

    /**
     * Counts the records that start (FULL or FIRST fragments with a valid checksum) between
     * {@code from} and the limit, resynchronising byte by byte after damage. Used by repair to
     * report what a truncation discards. Moves this scanner; call it only after an error or on a
     * scanner used for nothing else.
     */
    long countRecordStarts(long from) throws IOException {
        long count = 0;
        long at = Math.max(from, SEGMENT_HEADER_LENGTH);
        while (at < limit) {
            final int inPage = (int) (at % PAGE_SIZE);
            final int pageLeft = PAGE_SIZE - inPage;
            if (pageLeft <= FRAGMENT_HEADER_LENGTH) {
                at += pageLeft;
                continue;
            }
            final long start = at - inPage;
            if (start != pageStart) {
                loadPage(start);
            }
            final int available = pageLength - inPage;
            if (available < FRAGMENT_HEADER_LENGTH) {
                break;
            }
            final int t = page[inPage] & 0xFF;
            final int k = t & KIND_MASK;
            if (t != 0 && (t & RESERVED_TYPE_BITS) == 0 && k >= KIND_FULL && k <= KIND_LAST) {
                final int length = ((page[inPage + LENGTH_OFFSET] & 0xFF) << 8)
                        | (page[inPage + LENGTH_OFFSET + 1] & 0xFF);
                if (length <= pageLeft - FRAGMENT_HEADER_LENGTH && length <= available - FRAGMENT_HEADER_LENGTH
                        && crcMatches(inPage, length)) {
                    if (k == KIND_FULL || k == KIND_FIRST) {
                        count++;
                    }
                    at += FRAGMENT_HEADER_LENGTH + length;
                    continue;
                }
            }
            at++;
        }
        return count;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
