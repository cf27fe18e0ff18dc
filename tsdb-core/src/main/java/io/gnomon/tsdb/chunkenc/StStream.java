package io.gnomon.tsdb.chunkenc;

import static io.gnomon.tsdb.chunkenc.StStreamDescriptor.ABSENT;
import static io.gnomon.tsdb.chunkenc.StStreamDescriptor.EXPLICIT;
import static io.gnomon.tsdb.chunkenc.StStreamDescriptor.MAX_ENTRY_BYTES;
import static io.gnomon.tsdb.chunkenc.StStreamDescriptor.SAME_DELTA;
import static io.gnomon.tsdb.chunkenc.StStreamDescriptor.SAME_ST;

import io.gnomon.tsdb.storage.SampleIterator;
import java.util.Arrays;

/**
 * The start timestamps (ST) of one chunk's samples: a compressed stream kept next to the chunk,
 * entry {@code i} for sample {@code i}. In memory only (the head); persisted blocks keep
 * Prometheus's XOR chunk, which has no ST (see {@code docs/format/chunks.md}).
 *
 * <h2>Format</h2>
 *
 * <pre>
 * entry      = tag byte [ svarint ]
 * tag 0 ABSENT       no ST ({@link SampleIterator#NO_START_TIMESTAMP})
 * tag 1 SAME_ST      st = the previous present st of this stream         (cumulative)
 * tag 2 SAME_DELTA   t - st = that of the previous present st            (delta, fixed interval)
 * tag 3 EXPLICIT     followed by zig-zag varint (t - st), wrapping in 64 bits
 * </pre>
 *
 * <p>"Previous present" skips ABSENT entries; at the start of a stream there is none, so the
 * first present entry is EXPLICIT. The writer picks SAME_ST before SAME_DELTA before EXPLICIT.
 * The stream may hold fewer entries than its chunk has samples: the missing trailing entries are
 * ABSENT (a series whose samples got an ST only after its chunk was started pays nothing for the
 * samples before).
 *
 * <p>Worked example: samples at t = 60000, 120000, 180000 with st = 30000, 30000, 120000 (a
 * cumulative series, then a reset at 120000) encode as
 * {@code 03 E0 D4 03 | 01 | 03 C0 A9 07} (9 bytes): EXPLICIT t - st = 30000 (zig-zag 60000),
 * SAME_ST, EXPLICIT t - st = 60000 (zig-zag 120000). A delta series with st = previous t at a fixed interval costs one byte per
 * sample after its first.
 *
 * <h2>Thread-safety</h2>
 *
 * <p>As {@link XorChunk}: one writer under the series lock; {@link #reader()} (under the same
 * lock) captures array, length and entry count, and the reader may then be used without the lock
 * while appends continue, because appends only write past the captured length and growing or
 * trimming switches to a copy.
 */
public final class StStream {
    private byte[] data;
    private int len;
    private int count;
    private boolean havePrev;
    private long prevSt;
    private long prevDelta;

    public StStream() {
        this.data = new byte[16];
    }

    /** Entries written so far. */
    public int count() {
        return count;
    }

    /** Encoded bytes. */
    public int length() {
        return len;
    }

    /** Writes ABSENT entries until the stream holds {@code n} entries. */
    public void padTo(int n) {
        if (n <= count) {
            return;
        }
        ensure(n - count);
        // New arrays are zero-filled and the bytes past len are never written before they are
        // counted, but a trimmed-then-grown array is a fresh copy too: fill to be explicit.
        Arrays.fill(data, len, len + (n - count), ABSENT);
        len += n - count;
        count = n;
    }

    /** Appends the entry of a sample at {@code t} with start timestamp {@code st}. */
    public void append(long t, long st) {
        ensure(MAX_ENTRY_BYTES);
        if (st == SampleIterator.NO_START_TIMESTAMP) {
            data[len++] = ABSENT;
            count++;
            return;
        }
        long d = t - st;
        if (havePrev && st == prevSt) {
            data[len++] = SAME_ST;
        } else if (havePrev && d == prevDelta) {
            data[len++] = SAME_DELTA;
        } else {
            data[len++] = EXPLICIT;
            long u = (d << 1) ^ (d >> 63);
            while ((u & ~0x7FL) != 0) {
                data[len++] = (byte) ((u & 0x7F) | 0x80);
                u >>>= 7;
            }
            data[len++] = (byte) u;
        }
        havePrev = true;
        prevSt = st;
        prevDelta = d;
        count++;
    }

    /** Shrinks the array to the encoded length (a copy: readers keep the old one). */
    public void trim() {
        if (data.length != len) {
            data = Arrays.copyOf(data, len);
        }
    }

    private void ensure(int extra) {
        if (len + extra > data.length) {
            data = Arrays.copyOf(data, Math.max(len + extra, data.length * 2));
        }
    }

    /** A reader over the entries written so far; see the class comment for thread-safety. */
    public Reader reader() {
        return new Reader(data, len, count);
    }

    /** Decodes entries in order, one per sample of the chunk. */
    public static final class Reader {
        private final byte[] data;
        private final int len;
        private final int count;
        private int pos;
        private int read;
        private boolean havePrev;
        private long prevSt;
        private long prevDelta;
        private String err;

        Reader(byte[] data, int len, int count) {
            this.data = data;
            this.len = len;
            this.count = count;
        }

        /** A reader over the same entries, from the start (for iterating a snapshot again). */
        public Reader rewound() {
            return new Reader(data, len, count);
        }

        /**
         * The ST of the next sample, whose timestamp is {@code t}; {@link
         * SampleIterator#NO_START_TIMESTAMP} past the last entry or after a decoding error
         * (see {@link #err()}).
         */
        public long next(long t) {
            if (read >= count || err != null) {
                return SampleIterator.NO_START_TIMESTAMP;
            }
            read++;
            if (pos >= len) {
                err = "st stream truncated [entry=" + (read - 1) + ", length=" + len + "]";
                return SampleIterator.NO_START_TIMESTAMP;
            }
            byte tag = data[pos++];
            long st;
            switch (tag) {
                case ABSENT:
                    return SampleIterator.NO_START_TIMESTAMP;
                case SAME_ST:
                    st = prevSt;
                    break;
                case SAME_DELTA:
                    st = t - prevDelta;
                    break;
                case EXPLICIT: {
                    long u = 0;
                    int shift = 0;
                    while (true) {
                        if (pos >= len || shift > 63) {
                            err = "st stream varint truncated [entry=" + (read - 1) + ", offset=" + pos + "]";
                            return SampleIterator.NO_START_TIMESTAMP;
                        }
                        byte b = data[pos++];
                        u |= (long) (b & 0x7F) << shift;
                        if (b >= 0) {
                            break;
                        }
                        shift += 7;
                    }
                    st = t - ((u >>> 1) ^ -(u & 1));
                    break;
                }
                default:
                    err = "st stream has an unknown tag [entry=" + (read - 1) + ", tag=" + tag + "]";
                    return SampleIterator.NO_START_TIMESTAMP;
            }
            if ((tag == SAME_ST || tag == SAME_DELTA) && !havePrev) {
                err = "st stream refers to a missing previous entry [entry=" + (read - 1) + "]";
                return SampleIterator.NO_START_TIMESTAMP;
            }
            havePrev = true;
            prevSt = st;
            prevDelta = t - st;
            return st;
        }

        /** The first decoding error, or null. */
        public String err() {
            return err;
        }
    }
}
