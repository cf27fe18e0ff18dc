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
 * <p>Threads: the caller reads and decodes; samples are handed in batches to one worker per
 * shard (series ref modulo the worker count), so each series' samples are applied, and its XOR
 * state advanced, by one thread in log order while different series replay on all cores.
 *
 * <p>Memory: replay holds only the head it builds, a ref-remapping table for series that were
 * logged twice (normally empty), one record at a time and a few bounded batches per worker.
 */
public final class HeadReplayer {

    private static final Logger LOG = Logger.getLogger(HeadReplayer.class.getName());

    /** What a replay did. */
    public record Stats(long records, long series, long samples, long exemplars, long unknownRefs,
                        long outOfOrder, long corruptRecords, long tooOld, long millis) {
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

    private final int workers;

    /** A replayer that applies samples on one thread per available core (at most 8). */
    public HeadReplayer(Head head) {
        this(head, Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors())));
    }

    /**
     * A replayer with {@code workers} sample-applying threads; 1 applies on the calling thread.
     * The calling thread always reads and decodes the log, creates series (so they exist before
     * any of their samples is applied) and applies exemplars and metadata in log order.
     */
    public HeadReplayer(Head head, int workers) {
        this.head = head;
        this.workers = Math.max(1, workers);
    }

    /**
     * Replays everything {@code reader} yields into the head. Corruption inside the log was
     * already repaired when the WAL was opened; a reader error here is logged and ends the
     * replay at that point (what came before is kept).
     */
    public Stats replay(WalReader reader) {
        return replay(reader, segment -> { });
    }

    /** As {@link #replay(WalReader)}, telling {@code onSegment} each WAL segment as reading reaches it. */
    public Stats replay(WalReader reader, java.util.function.IntConsumer onSegment) {
        long start = System.nanoTime();
        long records = 0;
        long chunkRange = head.options().chunkRange();
        RecordDecoder decoder = new RecordDecoder();
        Shards shards = new Shards(head, chunkRange, workers);
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
                long r = headRef(ref);
                MemSeries s = head.series.getByRef(r);
                if (s == null) {
                    unknownRefs++;
                    return;
                }
                shards.add(s, r, t, Double.doubleToRawLongBits(v), false);
            }

            @Override
            public void stSample(long ref, long t, double v, long st) {
                long r = headRef(ref);
                MemSeries s = head.series.getByRef(r);
                if (s == null) {
                    unknownRefs++;
                    return;
                }
                shards.addWithStart(s, r, t, Double.doubleToRawLongBits(v), st);
            }

            @Override
            public void xorSample(long ref, long t, long xorBits) {
                long r = headRef(ref);
                MemSeries s = head.series.getByRef(r);
                if (s == null) {
                    unknownRefs++;
                    return;
                }
                shards.add(s, r, t, xorBits, true);
            }

            @Override
            public void tombstone(long ref, long mint, long maxt) {
                long r = headRef(ref);
                MemSeries s = head.series.getByRef(r);
                if (s != null) {
                    shards.addDelete(s, r, mint, maxt);
                }
            }

            @Override
            public void xorBase(long ref, long bits) {
                long r = headRef(ref);
                MemSeries s = head.series.getByRef(r);
                if (s != null) {
                    shards.addBase(s, r, bits);
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
                if (!reader.inCheckpoint()) {
                    onSegment.accept(lastLoggedSegment);
                }
                double secs = (System.nanoTime() - start) / 1e9;
                long queued = shards.queued();
                LOG.info("WAL replay: segment " + lastLoggedSegment + (reader.inCheckpoint() ? " (checkpoint)" : "")
                    + ", " + queued + " samples so far" + (secs > 0.5 ? String.format(", %.0f samples/s", queued / secs) : ""));
            }
        }
        Shards.Totals totals = shards.finish();
        samples = totals.samples;
        outOfOrder = totals.outOfOrder;
        mint = totals.mint;
        maxt = totals.maxt;
        WalCorruptionException err = reader.error();
        if (err != null) {
            LOG.warning("WAL replay stopped at a corrupt record: " + err.getMessage());
        }
        if (samples > 0) {
            head.updateTimeBounds(mint, maxt);
            head.samplesAppended.add(samples);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Stats st = new Stats(records, series, samples, exemplars, unknownRefs, outOfOrder, corrupt, totals.tooOld, millis);
        LOG.info("WAL replay done: " + st);
        return st;
    }

    /**
     * The head's ref for the series logged under {@code ref} (they differ when the log holds two
     * SERIES records with the same labels). Samples are queued with it, so that the thread that
     * decodes the log (it bounds replay) need not read the series object for it: a cache miss
     * per sample with many series.
     */
    private long headRef(long ref) {
        if (remap.isEmpty()) {
            return ref;
        }
        long mapped = remap.get(ref);
        return mapped == -1 ? ref : mapped;
    }

    private MemSeries resolve(long ref) {
        return head.series.getByRef(headRef(ref));
    }
}
