package io.gnomon.tsdb.head;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.record.RecordDecoder;
import io.gnomon.tsdb.record.RecordVisitor;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.wal.WalCorruptionException;
import io.gnomon.wal.WalReader;
import java.util.logging.Logger;
import org.agrona.collections.Long2LongHashMap;

/**
 * Rebuilds the head from the WAL at start-up: checkpoint first, then segments, series created
 * before their samples (the log guarantees that order), samples appended through the same chunk
 * path as live appends, so the replayed head is the head that was running.
 *
 * <p>Memory: replay holds only the head it builds, a ref-remapping table for series that were
 * logged twice (normally empty) and one record at a time.
 */
public final class HeadReplayer {

    private static final Logger LOG = Logger.getLogger(HeadReplayer.class.getName());

    /** What a replay did. */
    public record Stats(long records, long series, long samples, long exemplars, long unknownRefs,
                        long outOfOrder, long corruptRecords, long millis) {
    }

    private final Head head;
    private final Long2LongHashMap remap = new Long2LongHashMap(-1);
    private long series;
    private long samples;
    private long exemplars;
    private long unknownRefs;
    private long outOfOrder;
    private long corrupt;
    private long mint = Long.MAX_VALUE;
    private long maxt = Long.MIN_VALUE;

    public HeadReplayer(Head head) {
        this.head = head;
    }

    /**
     * Replays everything {@code reader} yields into the head. Corruption inside the log was
     * already repaired when the WAL was opened; a reader error here is logged and ends the
     * replay at that point (what came before is kept).
     */
    public Stats replay(WalReader reader) {
        long start = System.nanoTime();
        long records = 0;
        long chunkRange = head.options().chunkRange();
        RecordDecoder decoder = new RecordDecoder();
        int lastLoggedSegment = -1;
        RecordVisitor visitor = new RecordVisitor() {
            @Override
            public void series(long ref, Labels labels) {
                MemSeries s = head.series.getOrCreateWithRef(ref, labels, created -> head.postings.add(created.ref(), created.labels));
                if (s.ref() != ref) {
                    remap.put(ref, s.ref());
                } else {
                    HeadReplayer.this.series++;
                }
            }

            @Override
            public void sample(long ref, long t, double v) {
                MemSeries s = resolve(ref);
                if (s == null) {
                    unknownRefs++;
                    return;
                }
                int code;
                synchronized (s) {
                    code = s.append(t, v, chunkRange);
                }
                if (code < 0) {
                    samples++;
                    if (t < mint) {
                        mint = t;
                    }
                    if (t > maxt) {
                        maxt = t;
                    }
                } else if (code > 0) {
                    outOfOrder++;
                }
            }

            @Override
            public void exemplar(long ref, long t, double v, Labels labels) {
                MemSeries s = resolve(ref);
                if (s == null) {
                    unknownRefs++;
                    return;
                }
                if (head.exemplars.add(s.labels, new Exemplar(labels, v, t, true)) == null) {
                    exemplars++;
                }
            }

            @Override
            public void metadata(long ref, String metricName, String type, String unit, String help) {
                MemSeries s = resolve(ref);
                if (s != null) {
                    head.putMetadata(s.labels, new Metadata(type, unit, help));
                }
            }
        };
        while (reader.next()) {
            records++;
            try {
                decoder.decode(reader.record(), 0, reader.length(), visitor);
            } catch (RecordDecoder.CorruptRecordException e) {
                corrupt++;
                LOG.warning("skipping undecodable WAL record [segment=" + reader.segment() + ", error=" + e.getMessage() + "]");
            }
            if (reader.segment() != lastLoggedSegment) {
                lastLoggedSegment = reader.segment();
                double secs = (System.nanoTime() - start) / 1e9;
                LOG.info("WAL replay: segment " + lastLoggedSegment + (reader.inCheckpoint() ? " (checkpoint)" : "")
                    + ", " + samples + " samples so far" + (secs > 0.5 ? String.format(", %.0f samples/s", samples / secs) : ""));
            }
        }
        WalCorruptionException err = reader.error();
        if (err != null) {
            LOG.warning("WAL replay stopped at a corrupt record: " + err.getMessage());
        }
        if (samples > 0) {
            head.updateTimeBounds(mint, maxt);
            head.samplesAppended.add(samples);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Stats st = new Stats(records, series, samples, exemplars, unknownRefs, outOfOrder, corrupt, millis);
        LOG.info("WAL replay done: " + st);
        return st;
    }

    private MemSeries resolve(long ref) {
        long mapped = remap.get(ref);
        return head.series.getByRef(mapped == -1 ? ref : mapped);
    }
}
