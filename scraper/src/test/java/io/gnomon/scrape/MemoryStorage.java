package io.gnomon.scrape;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Rejection;
import io.gnomon.tsdb.storage.StaleNaN;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** In-memory storage for tests: committed samples per series, in order; out-of-order samples are rejected. */
final class MemoryStorage implements Appendable {

    record Sample(long t, double v) {
        boolean stale() {
            return StaleNaN.is(v);
        }
    }

    final Map<Labels, List<Sample>> series = new TreeMap<>();
    final Map<Labels, List<Exemplar>> exemplars = new HashMap<>();
    final Map<String, Metadata> metadata = new HashMap<>();
    private final Map<Long, Labels> byRef = new HashMap<>();
    private final Map<Labels, Long> refs = new HashMap<>();
    int commits;
    int rollbacks;

    @Override
    public Appender appender() {
        return new Appender() {
            final List<Object[]> batch = new ArrayList<>();

            private long ref(long ref, Labels l) {
                synchronized (MemoryStorage.this) {
                    Labels known = byRef.get(ref);
                    Labels use = known != null ? known : l;
                    return refs.computeIfAbsent(use, k -> {
                        long r = refs.size() + 1L;
                        byRef.put(r, k);
                        return r;
                    });
                }
            }

            @Override
            public long append(long ref, Labels labels, long t, double v) {
                long r = ref(ref, labels);
                batch.add(new Object[] {r, t, v});
                return r;
            }

            @Override
            public long appendExemplar(long ref, Labels labels, Exemplar e) {
                long r = ref(ref, labels);
                batch.add(new Object[] {r, e});
                return r;
            }

            @Override
            public long updateMetadata(long ref, Labels labels, Metadata m) {
                synchronized (MemoryStorage.this) {
                    metadata.put(labels.metricName(), m);
                }
                return ref;
            }

            @Override
            public AppendResult commit() {
                long[] rejected = new long[Rejection.values().length];
                long ok = 0;
                synchronized (MemoryStorage.this) {
                    commits++;
                    for (Object[] o : batch) {
                        Labels l = byRef.get((Long) o[0]);
                        if (o[1] instanceof Exemplar e) {
                            exemplars.computeIfAbsent(l, k -> new ArrayList<>()).add(e);
                            continue;
                        }
                        List<Sample> s = series.computeIfAbsent(l, k -> new ArrayList<>());
                        long t = (Long) o[1];
                        if (!s.isEmpty() && s.get(s.size() - 1).t() >= t) {
                            rejected[Rejection.OUT_OF_ORDER.ordinal()]++;
                            continue;
                        }
                        s.add(new Sample(t, (Double) o[2]));
                        ok++;
                    }
                }
                return new AppendResult(ok, 0, rejected, null, null, null);
            }

            @Override
            public void rollback() {
                synchronized (MemoryStorage.this) {
                    rollbacks++;
                }
            }
        };
    }

    synchronized List<Sample> samples(String... nameValues) {
        List<Sample> s = series.get(Labels.of(nameValues));
        return s == null ? List.of() : List.copyOf(s);
    }

    synchronized Sample last(String... nameValues) {
        List<Sample> s = samples(nameValues);
        return s.isEmpty() ? null : s.get(s.size() - 1);
    }

    synchronized List<Labels> seriesNamed(String name) {
        List<Labels> out = new ArrayList<>();
        for (Labels l : series.keySet()) {
            if (l.metricName().equals(name)) {
                out.add(l);
            }
        }
        return out;
    }
}
