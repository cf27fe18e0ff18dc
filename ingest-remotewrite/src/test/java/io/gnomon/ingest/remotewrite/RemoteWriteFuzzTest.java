package io.gnomon.ingest.remotewrite;

import static io.gnomon.ingest.remotewrite.Payloads.*;
import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated payloads: truncated, bit-flipped, huge declared lengths, spliced and nested
 * garbage, before and after snappy. Every answer must be a 204 or a 4xx, never a 5xx or an
 * exception, and the heap must stay flat. The seed is printed; rerun one with
 * {@code -Dgnomon.test.seed=<seed>}.
 */
class RemoteWriteFuzzTest {

    static final long NOW = 1_700_000_000_000L;
    static final String[] NAMES = {"__name__", "job", "instance", "le", "mode", "cpu", "a", "", "é", "\u0000"};
    static final String[] VALUES = {"up", "node", "host:9100", "0.5", "idle", "", "x", "ünï", "\uD83D\uDE00", "v"};

    @Test
    void mutatedPayloadsAreNever5xx() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("RemoteWriteFuzzTest seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        MemoryAppendable storage = new MemoryAppendable();
        RemoteWriteReceiver receiver = new RemoteWriteReceiver(storage,
            RemoteWriteLimits.defaults().withMaxDecompressedSize(1 << 20).withMaxSeriesPerRequest(200), () -> NOW);
        int iterations = Integer.getInteger("fuzz.iterations", 6000);
        long heapAtWarm = 0;
        int[] byClass = new int[6];
        for (int i = 0; i < iterations; i++) {
            if (i == iterations / 4) {
                heapAtWarm = usedHeapAfterGc();
            }
            boolean v2 = rnd.nextBoolean();
            byte[] raw = v2 ? randomV2(rnd) : randomV1(rnd);
            byte[] body;
            int kind = rnd.nextInt(8);
            switch (kind) {
                case 0 -> body = snappy(raw);
                case 1, 2, 3, 4 -> body = snappy(mutate(rnd, raw));
                case 5 -> body = mutate(rnd, snappy(raw));
                case 6 -> body = snappy(nest(rnd, raw));
                default -> {
                    body = new byte[rnd.nextInt(64)];
                    rnd.nextBytes(body);
                }
            }
            WriteResponse r;
            try {
                r = receiver.handle(v2 ? RemoteWriteDescriptor.CONTENT_TYPE_V2 : RemoteWriteDescriptor.MEDIA_TYPE,
                    "snappy", v2 ? "2.0.0" : "0.1.0", body);
            } catch (Throwable t) {
                throw new AssertionError("seed=" + seed + " iteration=" + i + " kind=" + kind + " threw", t);
            }
            assertTrue(r.status() == 204 || (r.status() >= 400 && r.status() < 500),
                "seed=" + seed + " iteration=" + i + " kind=" + kind + " status=" + r.status() + " " + r.message());
            if (kind == 0) {
                assertTrue(r.status() == 204 || r.status() == 400, r.status() + " " + r.message());
            }
            byClass[r.status() / 100]++;
        }
        assertEquals(0, receiver.requestsByStatusClass(5));
        long heapAtEnd = usedHeapAfterGc();
        System.out.printf("RemoteWriteFuzzTest: 2xx=%d 4xx=%d heap warm=%dKiB end=%dKiB%n",
            byClass[2], byClass[4], heapAtWarm >> 10, heapAtEnd >> 10);
        assertTrue(heapAtEnd - heapAtWarm < 48L << 20,
            "heap grew from " + heapAtWarm + " to " + heapAtEnd + " (seed=" + seed + ")");
        assertTrue(byClass[2] > 0 && byClass[4] > 0, "both outcomes exercised");
    }

    @Test
    void validRandomPayloadsRoundTrip() {
        long seed = Long.getLong("gnomon.test.seed", 20261122L);
        System.out.println("RemoteWriteFuzzTest.roundTrip seed=" + seed + " (replay with -Dgnomon.test.seed=" + seed + ")");
        Random rnd = new Random(seed);
        for (int round = 0; round < 50; round++) {
            MemoryAppendable storage = new MemoryAppendable();
            RemoteWriteReceiver receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults(), () -> NOW);
            int series = 1 + rnd.nextInt(50);
            int samples = 1 + rnd.nextInt(10);
            boolean v2 = rnd.nextBoolean();
            Payloads.V2 req2 = new Payloads.V2();
            Msg req1 = new Msg();
            for (int s = 0; s < series; s++) {
                long[] ts = new long[samples];
                double[] vs = new double[samples];
                for (int k = 0; k < samples; k++) {
                    ts[k] = NOW - 100_000 + k * 1000L;
                    vs[k] = rnd.nextDouble();
                }
                String[] labels = {"__name__", "m" + rnd.nextInt(3), "id", "s" + s + "\u00e9"};
                if (v2) {
                    Series b = req2.series(labels);
                    for (int k = 0; k < samples; k++) {
                        b.sample(ts[k], vs[k]);
                    }
                    b.done();
                } else {
                    req1.msg(RemoteWriteDescriptor.V1_REQUEST_TIMESERIES, seriesV1(labels, ts, vs));
                }
            }
            byte[] raw = v2 ? req2.build() : req1.toByteArray();
            WriteResponse r = receiver.handle(v2 ? RemoteWriteDescriptor.CONTENT_TYPE_V2 : RemoteWriteDescriptor.MEDIA_TYPE,
                "snappy", null, snappy(raw));
            assertEquals(204, r.status(), "seed=" + seed + " " + r.message());
            assertEquals((long) series * samples, r.samplesWritten());
            assertEquals(series * samples, storage.sampleCount());
        }
    }

    static byte[] randomV1(Random rnd) {
        Msg req = new Msg();
        int series = rnd.nextInt(6);
        for (int s = 0; s < series; s++) {
            Msg m = new Msg();
            int labels = rnd.nextInt(5);
            for (int l = 0; l < labels; l++) {
                m.msg(RemoteWriteDescriptor.V1_SERIES_LABELS, labelV1(pick(rnd, NAMES), pick(rnd, VALUES)));
            }
            int samples = rnd.nextInt(4);
            for (int k = 0; k < samples; k++) {
                m.msg(RemoteWriteDescriptor.V1_SERIES_SAMPLES, sample(NOW - rnd.nextInt(100_000), rnd.nextGaussian()));
            }
            if (rnd.nextInt(4) == 0) {
                m.msg(RemoteWriteDescriptor.V1_SERIES_EXEMPLARS, exemplarV1(new String[] {"trace_id", "t" + rnd.nextInt(9)},
                    1, NOW - rnd.nextInt(1000)));
            }
            if (rnd.nextInt(6) == 0) {
                m.msg(RemoteWriteDescriptor.V1_SERIES_HISTOGRAMS, histogram(NOW));
            }
            req.msg(RemoteWriteDescriptor.V1_REQUEST_TIMESERIES, m);
        }
        if (rnd.nextInt(4) == 0) {
            req.msg(RemoteWriteDescriptor.V1_REQUEST_METADATA, metadataV1(rnd.nextInt(9), pick(rnd, VALUES), "help", ""));
        }
        return req.toByteArray();
    }

    static byte[] randomV2(Random rnd) {
        Payloads.V2 req = new Payloads.V2();
        int series = rnd.nextInt(6);
        for (int s = 0; s < series; s++) {
            int labels = rnd.nextInt(5);
            String[] kv = new String[labels * 2];
            for (int l = 0; l < labels; l++) {
                kv[2 * l] = pick(rnd, NAMES);
                kv[2 * l + 1] = pick(rnd, VALUES);
            }
            Series b = rnd.nextInt(10) == 0 ? req.seriesRefs(rnd.nextInt(40), rnd.nextInt(40)) : req.series(kv);
            int samples = rnd.nextInt(4);
            for (int k = 0; k < samples; k++) {
                b.sample(NOW - rnd.nextInt(100_000), rnd.nextGaussian());
            }
            if (rnd.nextInt(3) == 0) {
                b.createdTimestamp(NOW - 200_000 + rnd.nextInt(1000));
            }
            if (rnd.nextInt(3) == 0) {
                b.metadata(rnd.nextInt(9), "help", "");
            }
            if (rnd.nextInt(4) == 0) {
                b.exemplar(1, NOW, "trace_id", "t" + rnd.nextInt(9));
            }
            if (rnd.nextInt(6) == 0) {
                b.histogram(NOW);
            }
            b.done();
        }
        return req.build();
    }

    static String pick(Random rnd, String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    /** One of: truncate, flip bits, insert a huge varint, overwrite with random bytes, splice. */
    static byte[] mutate(Random rnd, byte[] in) {
        byte[] b = in.clone();
        if (b.length == 0) {
            return new byte[] {(byte) rnd.nextInt(256)};
        }
        switch (rnd.nextInt(5)) {
            case 0 -> {
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 1 -> {
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int p = rnd.nextInt(b.length);
                    b[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 2 -> {
                int p = rnd.nextInt(b.length);
                byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
                int n = 1 + rnd.nextInt(huge.length);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, p);
                System.arraycopy(huge, huge.length - n, out, p, n);
                System.arraycopy(b, p, out, p + n, b.length - p);
                return out;
            }
            case 3 -> {
                int p = rnd.nextInt(b.length);
                int n = Math.min(b.length - p, 1 + rnd.nextInt(8));
                for (int i = 0; i < n; i++) {
                    b[p + i] = (byte) rnd.nextInt(256);
                }
                return b;
            }
            default -> {
                int p = rnd.nextInt(b.length);
                int q = rnd.nextInt(b.length);
                int n = Math.min(b.length - Math.max(p, q), rnd.nextInt(16));
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, p);
                System.arraycopy(b, q, out, p, n);
                System.arraycopy(b, p, out, p + n, b.length - p);
                return out;
            }
        }
    }

    /** Wraps the message in a few levels of length-delimited fields with random numbers. */
    static byte[] nest(Random rnd, byte[] in) {
        byte[] b = in;
        int depth = 1 + rnd.nextInt(4);
        for (int i = 0; i < depth; i++) {
            b = new Msg().bytes(1 + rnd.nextInt(6), b).toByteArray();
        }
        return b;
    }

    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
