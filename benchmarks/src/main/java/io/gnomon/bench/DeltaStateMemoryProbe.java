package io.gnomon.bench;

import io.gnomon.ingest.otlp.DeltaStore;
import io.gnomon.ingest.otlp.SeriesLookup;
import io.gnomon.tsdb.labels.Labels;

/**
 * Heap bytes per delta-to-cumulative stream: live heap (after full GCs) with N counter streams,
 * then with N explicit-bucket histogram streams (10 bounds), minus the empty store's, divided by N.
 * Stream keys and values only; the series themselves are the head's and not counted.
 *
 * <pre>java -Xmx2g -XX:+UseParallelGC -cp benchmarks/target/benchmarks.jar io.gnomon.bench.DeltaStateMemoryProbe [streams]</pre>
 */
public final class DeltaStateMemoryProbe {

    private DeltaStateMemoryProbe() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500_000;
        Labels l = Labels.of("__name__", "x_total");
        DeltaStore.SumResult sr = new DeltaStore.SumResult();
        DeltaStore.HistogramResult hr = new DeltaStore.HistogramResult();
        double[] bounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
        double[] counts = new double[bounds.length + 1];
        long base = used();
        DeltaStore counters = new DeltaStore(Integer.MAX_VALUE, 300_000, SeriesLookup.NONE);
        DeltaStore.Undo undo = counters.newUndo();
        for (int i = 0; i < n; i++) {
            counters.addSum(mix(i), l, 1_000_000L, 2_000_000L, 1, 0, undo, sr);
            sr.setRef(i + 1);
            undo.clear();
        }
        long withCounters = used();
        System.out.printf("counter streams: %d, %.0f bytes/stream%n", counters.size(), (withCounters - base) / (double) n);
        counters = null;
        long base2 = used();
        DeltaStore hists = new DeltaStore(Integer.MAX_VALUE, 300_000, SeriesLookup.NONE);
        undo = hists.newUndo();
        for (int i = 0; i < n; i++) {
            hists.addHistogram(mix(i), () -> null, 1_000_000L, 2_000_000L, bounds, counts, 1, 1, 0, undo, hr);
            long[] refs = new long[bounds.length + 3];
            refs[0] = i + 1;
            hr.setRefs(refs);
            undo.clear();
        }
        long withHists = used();
        System.out.printf("histogram streams (10 bounds): %d, %.0f bytes/stream%n", hists.size(), (withHists - base2) / (double) n);
        if (hists.size() + (counters == null ? 0 : 1) < 0) {
            System.out.println();
        }
    }

    private static long mix(long i) {
        long h = i * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }

    private static long used() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
