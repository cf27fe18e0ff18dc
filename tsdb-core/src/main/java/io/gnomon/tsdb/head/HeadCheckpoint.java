package io.gnomon.tsdb.head;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.record.RecordDecoder;
import io.gnomon.tsdb.record.RecordDescriptor;
import io.gnomon.tsdb.record.RecordEncoder;
import io.gnomon.tsdb.record.RecordVisitor;
import io.gnomon.wal.CheckpointResult;
import io.gnomon.wal.RecordFilter;
import io.gnomon.wal.Wal;
import java.util.logging.Logger;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The tsdb side of a WAL checkpoint: which records of old segments the head still needs after
 * {@link Head#truncate(long) truncation} at {@code mint}, fed to {@link Wal#checkpoint}.
 *
 * <p>What is kept, per record type:
 * <ul>
 *   <li>SERIES: the entries of series still in the head (collected series are forgotten);</li>
 *   <li>SAMPLES and XOR_SAMPLES: the samples of live series at or after {@code mint}, rewritten as
 *       plain SAMPLES (an XOR value is only meaningful after every earlier sample of its series,
 *       and the older ones are dropped);</li>
 *   <li>ST_SAMPLES: the samples of live series at or after {@code mint}, with their start
 *       timestamps, as ST_SAMPLES;</li>
 *   <li>EXEMPLARS: those of live series at or after {@code mint};</li>
 *   <li>METADATA: the newest entry per live series, once (emitted at the end);</li>
 *   <li>XOR_BASES: consumed; after the last record one XOR_BASES record gives every live series the
 *       value it had in its last logged sample, which the XOR_SAMPLES of the segments after the
 *       checkpoint build on;</li>
 *   <li>TOMBSTONES: the deletions of live series that reach {@code mint} or later;</li>
 *   <li>unknown types: kept unchanged.</li>
 * </ul>
 *
 * <p>Which segments: as Prometheus does, a new segment is started, and only the older two thirds
 * of the complete segments are folded (the newest third holds mostly samples at or after
 * {@code mint}, which would only be copied). Fewer than three complete segments: nothing is done.
 *
 * <p>Crash safety comes from {@link Wal#checkpoint} (temp dir, fsync, atomic rename, then
 * deletion); replay reads the checkpoint then the later segments. Run it after the head's
 * truncation and not concurrently with another truncation (the liveness it reads must not move).
 * Memory: a map of the latest value bits per live series and the latest metadata per series.
 */
public final class HeadCheckpoint implements RecordFilter {

    private static final Logger LOG = Logger.getLogger(HeadCheckpoint.class.getName());
    /** Rewritten records are flushed at this size, well below the WAL's record limit. */
    private static final int FLUSH_BYTES = 1 << 20;

    private record Meta(String metricName, String type, String unit, String help) {
    }

    private final Head head;
    private final long mint;
    private final RecordDecoder decoder = new RecordDecoder();
    private final RecordEncoder enc = new RecordEncoder();
    /**
     * Latest value bits per live series. The map cannot hold its missing value, so the refs whose
     * bits equal {@link #NO_BITS} (a NaN payload no writer produces, but any bits are legal) are
     * kept in {@link #noBitsRefs}.
     */
    private final Long2LongHashMap values = new Long2LongHashMap(NO_BITS);
    private final org.agrona.collections.LongHashSet noBitsRefs = new org.agrona.collections.LongHashSet();
    private static final long NO_BITS = 0x7FF0_DEAD_BEEF_0001L;

    private void putBits(long ref, long bits) {
        if (bits == NO_BITS) {
            values.remove(ref);
            noBitsRefs.add(ref);
        } else {
            values.put(ref, bits);
            noBitsRefs.remove(ref);
        }
    }

    /** Bits of the series' last logged value; 0 before its first (as the writer starts). */
    private long getBits(long ref) {
        long b = values.get(ref);
        if (b != NO_BITS) {
            return b;
        }
        return noBitsRefs.contains(ref) ? NO_BITS : 0L;
    }
    private final Long2ObjectHashMap<Meta> meta = new Long2ObjectHashMap<>();
    private Sink sink;
    private long dropped;
    private long entries;

    HeadCheckpoint(Head head, long mint) {
        this.head = head;
        this.mint = mint;
    }

    /**
     * Checkpoints {@code wal} for a head truncated at {@code mint}. Returns null when there were
     * too few segments to be worth it.
     */
    public static CheckpointResult run(Head head, Wal wal, long mint) {
        int first = wal.firstSegment();
        int last = wal.cutSegment() - 1;
        last = first + (last - first) * 2 / 3;
        if (last <= first) {
            return null;
        }
        CheckpointResult r = wal.checkpoint(first, last, new HeadCheckpoint(head, mint));
        LOG.info("WAL checkpoint after head truncation [mint=" + mint + ", segments=" + first + ".." + last + ", " + r + "]");
        return r;
    }

    private boolean live(long ref) {
        return head.series.getByRef(ref) != null;
    }

    @Override
    public void apply(DirectBuffer record, int offset, int length, Sink keep) {
        if (length == 0) {
            return;
        }
        this.sink = keep;
        byte type = record.getByte(offset);
        switch (type) {
            case RecordDescriptor.SERIES -> enc.beginSeries();
            case RecordDescriptor.SAMPLES, RecordDescriptor.XOR_SAMPLES -> enc.beginSamples();
            case RecordDescriptor.ST_SAMPLES -> enc.beginStSamples();
            case RecordDescriptor.EXEMPLARS -> enc.beginExemplars();
            case RecordDescriptor.TOMBSTONES -> enc.beginTombstones();
            case RecordDescriptor.METADATA, RecordDescriptor.XOR_BASES -> {
                // state only, emitted by finish()
            }
            default -> {
                keep.emit(record, offset, length);
                return;
            }
        }
        dropped = 0;
        entries = 0;
        approxPos = 0;
        midFlushed = false;
        try {
            decoder.decode(record, offset, length, visitor);
        } catch (RecordDecoder.CorruptRecordException e) {
            // The WAL's CRC passed, so this is a writer bug; keep the bytes rather than lose data.
            LOG.warning("checkpoint keeps an undecodable record unchanged: " + e.getMessage());
            keep.emit(record, offset, length);
            return;
        }
        if (type == RecordDescriptor.METADATA || type == RecordDescriptor.XOR_BASES) {
            return;
        }
        if (dropped == 0 && !midFlushed && type != RecordDescriptor.XOR_SAMPLES) {
            keep.emit(record, offset, length); // nothing dropped: the original bytes
            return;
        }
        flush();
    }

    private void flush() {
        if (enc.count() > 0) {
            int len = enc.finish();
            sink.emit(enc.buffer(), 0, len);
        }
    }

    /** Starts a fresh record of the same type when the current one grew past {@link #FLUSH_BYTES}. */
    private void maybeFlush(int pos) {
        if (pos > FLUSH_BYTES) {
            midFlushed = true;
            byte type = enc.type();
            flush();
            switch (type) {
                case RecordDescriptor.SERIES -> enc.beginSeries();
                case RecordDescriptor.SAMPLES -> enc.beginSamples();
                case RecordDescriptor.ST_SAMPLES -> enc.beginStSamples();
                case RecordDescriptor.TOMBSTONES -> enc.beginTombstones();
                default -> enc.beginExemplars();
            }
        }
    }

    private int approxPos;
    private boolean midFlushed;

    private final RecordVisitor visitor = new RecordVisitor() {
        @Override
        public void series(long ref, Labels labels) {
            entries++;
            if (!live(ref)) {
                dropped++;
                return;
            }
            enc.series(ref, labels);
            approxPos += 16 + labels.size() * 16;
            checkFlush();
        }

        @Override
        public void sample(long ref, long t, double v) {
            entries++;
            if (!live(ref)) {
                dropped++;
                return;
            }
            long bits = Double.doubleToRawLongBits(v);
            putBits(ref, bits);
            if (t < mint) {
                dropped++;
                return;
            }
            enc.sample(ref, t, v);
            approxPos += 20;
            checkFlush();
        }

        @Override
        public void stSample(long ref, long t, double v, long st) {
            entries++;
            if (!live(ref)) {
                dropped++;
                return;
            }
            putBits(ref, Double.doubleToRawLongBits(v));
            if (t < mint) {
                dropped++;
                return;
            }
            enc.stSample(ref, t, v, st);
            approxPos += 24;
            checkFlush();
        }

        @Override
        public void xorSample(long ref, long t, long xorBits) {
            entries++;
            if (!live(ref)) {
                dropped++;
                return;
            }
            long bits = getBits(ref) ^ xorBits;
            putBits(ref, bits);
            if (t < mint) {
                dropped++;
                return;
            }
            enc.sample(ref, t, Double.longBitsToDouble(bits));
            approxPos += 20;
            checkFlush();
        }

        @Override
        public void tombstone(long ref, long tmin, long tmax) {
            entries++;
            if (!live(ref) || tmax < mint) {
                dropped++;
                return;
            }
            enc.tombstone(ref, tmin, tmax);
            approxPos += 24;
            checkFlush();
        }

        @Override
        public void xorBase(long ref, long bits) {
            if (live(ref)) {
                putBits(ref, bits);
            }
        }

        @Override
        public void exemplar(long ref, long t, double v, Labels labels) {
            entries++;
            if (!live(ref) || t < mint) {
                dropped++;
                return;
            }
            enc.exemplar(ref, t, v, labels);
            approxPos += 32 + labels.size() * 16;
            checkFlush();
        }

        @Override
        public void metadata(long ref, String metricName, String type, String unit, String help) {
            if (live(ref)) {
                meta.put(ref, new Meta(metricName, type, unit, help));
            }
        }
    };

    private void checkFlush() {
        if (approxPos > FLUSH_BYTES) {
            maybeFlush(approxPos);
            approxPos = 0;
        }
    }

    private void base(long ref, long bits) {
        if (live(ref)) {
            enc.xorBase(ref, bits);
            if (enc.count() >= 65536) {
                flush();
                enc.beginXorBases();
            }
        }
    }

    @Override
    public void finish(Sink keep) {
        this.sink = keep;
        enc.beginXorBases();
        values.forEach((ref, bits) -> base(ref, bits));
        noBitsRefs.forEach(ref -> base(ref, NO_BITS));
        flush();
        enc.beginMetadata();
        meta.forEach((ref, m) -> {
            if (live(ref)) {
                enc.metadata(ref, m.metricName(), m.type(), m.unit(), m.help());
                if (enc.count() >= 4096) {
                    flush();
                    enc.beginMetadata();
                }
            }
        });
        flush();
    }
}
