package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A small in-memory storage with the head's append semantics, for tests: per series samples in
 * order; out-of-order, duplicate (same timestamp, other value) and too-old samples are rejected
 * per {@link Rejection}; created timestamps inject a zero when newer than the last sample;
 * exemplars and metadata kept. Commit is atomic and synchronized.
 */
final class MemoryAppendable implements Appendable {

    record Sample(long t, double v) {
    }

    static final class SeriesData {
        final List<Sample> samples = new ArrayList<>();
        final List<Exemplar> exemplars = new ArrayList<>();

        long lastT() {
            return samples.isEmpty() ? Long.MIN_VALUE : samples.get(samples.size() - 1).t();
        }
    }

    final Map<Labels, SeriesData> series = new TreeMap<>();
    final Map<String, Metadata> metadata = new HashMap<>();
    private final Map<Long, Labels> byRef = new HashMap<>();
    private final Map<Labels, Long> refOf = new HashMap<>();
    private final AtomicLong nextRef = new AtomicLong(1);
    volatile long minValidTime = Long.MIN_VALUE;
    volatile Supplier<RuntimeException> failCommit;
    volatile Runnable onAppender;
    final AtomicLong commits = new AtomicLong();
    final AtomicLong rollbacks = new AtomicLong();

    @Override
    public Appender appender() {
        Runnable r = onAppender;
        if (r != null) {
            r.run();
        }
        return new MemAppender();
    }

    synchronized List<Sample> samples(Labels l) {
        SeriesData d = series.get(l);
        return d == null ? List.of() : List.copyOf(d.samples);
    }

    synchronized int sampleCount() {
        return series.values().stream().mapToInt(d -> d.samples.size()).sum();
    }

    private synchronized long refFor(Labels l) {
        return refOf.computeIfAbsent(l, k -> {
            long ref = nextRef.getAndIncrement();
            byRef.put(ref, k);
            return ref;
        });
    }

    private synchronized Labels labelsFor(long ref, Labels l) {
        Labels known = ref == 0 ? null : byRef.get(ref);
        if (known != null && l != null && !known.equals(l)) {
            throw new AssertionError("ref " + ref + " is " + known + " but labels are " + l);
        }
        return known != null ? known : l;
    }

    private final class MemAppender implements Appender {
        private final List<Object[]> ops = new ArrayList<>();
        private boolean done;

        private long resolve(long ref, Labels labels) {
            if (done) {
                throw new IllegalStateException("appender used after commit/rollback");
            }
            Labels l = labelsFor(ref, labels);
            return refFor(l);
        }

        @Override
        public long append(long ref, Labels labels, long t, double v) {
            long r = resolve(ref, labels);
            ops.add(new Object[] {"s", labelsFor(r, null), t, v});
            return r;
        }

        @Override
        public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
            long r = resolve(ref, labels);
            ops.add(new Object[] {"e", labelsFor(r, null), exemplar});
            return r;
        }

        @Override
        public long updateMetadata(long ref, Labels labels, Metadata md) {
            long r = resolve(ref, labels);
            ops.add(new Object[] {"m", labelsFor(r, null), md});
            return r;
        }

        @Override
        public long appendCreatedTimestamp(long ref, Labels labels, long t, long ct) {
            long r = resolve(ref, labels);
            ops.add(new Object[] {"ct", labelsFor(r, null), t, ct});
            return r;
        }

        @Override
        public AppendResult commit() {
            done = true;
            Supplier<RuntimeException> f = failCommit;
            if (f != null) {
                throw f.get();
            }
            synchronized (MemoryAppendable.this) {
                commits.incrementAndGet();
                long samples = 0;
                long exemplars = 0;
                long[] rejected = new long[Rejection.values().length];
                Labels firstLabels = null;
                Rejection first = null;
                for (Object[] op : ops) {
                    Labels l = (Labels) op[1];
                    SeriesData d = series.computeIfAbsent(l, k -> new SeriesData());
                    Rejection rej = null;
                    switch ((String) op[0]) {
                        case "s" -> {
                            long t = (Long) op[2];
                            double v = (Double) op[3];
                            if (t < minValidTime) {
                                rej = Rejection.TOO_OLD;
                            } else if (t < d.lastT()) {
                                rej = Rejection.OUT_OF_ORDER;
                            } else if (t == d.lastT()) {
                                double last = d.samples.get(d.samples.size() - 1).v();
                                if (Double.doubleToRawLongBits(last) != Double.doubleToRawLongBits(v)) {
                                    rej = Rejection.DUPLICATE;
                                }
                            } else {
                                d.samples.add(new Sample(t, v));
                                samples++;
                            }
                        }
                        case "ct" -> {
                            long t = (Long) op[2];
                            long ct = (Long) op[3];
                            if (ct < t && ct > d.lastT() && ct >= minValidTime) {
                                d.samples.add(new Sample(ct, 0));
                            }
                        }
                        case "e" -> {
                            Exemplar e = (Exemplar) op[2];
                            if (!d.exemplars.isEmpty() && d.exemplars.get(d.exemplars.size() - 1).sameAs(e)) {
                                rej = Rejection.EXEMPLAR_DUPLICATE;
                            } else if (!d.exemplars.isEmpty() && e.timestamp() < d.exemplars.get(d.exemplars.size() - 1).timestamp()) {
                                rej = Rejection.EXEMPLAR_OUT_OF_ORDER;
                            } else {
                                d.exemplars.add(e);
                                exemplars++;
                            }
                        }
                        case "m" -> metadata.put(l.metricName(), (Metadata) op[2]);
                        default -> throw new AssertionError();
                    }
                    if (rej != null) {
                        rejected[rej.ordinal()]++;
                        if (first == null) {
                            first = rej;
                            firstLabels = l;
                        }
                    }
                }
                series.values().removeIf(d -> d.samples.isEmpty() && d.exemplars.isEmpty());
                return new AppendResult(samples, exemplars, rejected, firstLabels, first, null);
            }
        }

        @Override
        public void rollback() {
            done = true;
            rollbacks.incrementAndGet();
            ops.clear();
        }
    }
}
