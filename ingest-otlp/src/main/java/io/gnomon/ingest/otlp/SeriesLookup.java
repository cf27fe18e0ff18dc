package io.gnomon.ingest.otlp;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.Queryable;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.Series;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;

/**
 * The newest stored sample of one series: how delta-to-cumulative state is rebuilt after a
 * restart. When a delta stream is first seen, its cumulative series is looked up; if its last
 * sample ends exactly where the new delta starts, accumulation continues from that value instead
 * of starting a new run (which PromQL would see as a counter reset).
 */
public interface SeriesLookup {

    /** No stored data: every new stream starts a new run. */
    SeriesLookup NONE = (labels, out) -> false;

    /**
     * Finds the newest sample of the series with exactly {@code labels}.
     *
     * @param out receives {@code [timestamp, Double.doubleToRawLongBits(value)]}
     * @return false when there is no such series or it has no sample
     */
    boolean last(Labels labels, long[] out);

    /**
     * Over a {@link Queryable}: selects by equality on every label and keeps the series whose
     * labels are exactly these, reading its samples from {@code now - lookback} on.
     */
    static SeriesLookup of(Queryable queryable, long lookbackMillis) {
        return (labels, out) -> {
            Matcher[] ms = new Matcher[labels.size()];
            for (int i = 0; i < labels.size(); i++) {
                ms[i] = Matcher.eq(labels.name(i), labels.value(i));
            }
            long now = System.currentTimeMillis();
            long mint = now - lookbackMillis;
            long maxt = Long.MAX_VALUE;
            try (Querier q = queryable.querier(mint, maxt)) {
                SeriesSet set = q.select(false, SelectHints.range(mint, maxt), ms);
                while (set.next()) {
                    Series s = set.at();
                    if (!s.labels().equals(labels)) {
                        continue;
                    }
                    SampleIterator it = s.iterator(null);
                    boolean found = false;
                    while (it.next() == ValueType.FLOAT) {
                        out[0] = it.atT();
                        out[1] = Double.doubleToRawLongBits(it.atV());
                        found = true;
                    }
                    return found;
                }
            }
            return false;
        };
    }
}
