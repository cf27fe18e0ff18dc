package io.gnomon.bench;

import io.gnomon.tsdb.chunkenc.XorChunk;
import io.gnomon.tsdb.chunkenc.XorIterator;
import io.gnomon.tsdb.storage.ValueType;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode and decode throughput of {@link XorChunk}, in samples per second: each invocation
 * encodes (or decodes) {@value #CHUNKS} chunks of {@value #SAMPLES} samples, so one JMH "op" is one
 * sample.
 *
 * <p>Value mixes, modelled on node_exporter series scraped every 15 s (90% of scrapes exactly on
 * time, the rest a few ms late, so some deltas of deltas are not 0):
 * <ul>
 *   <li>{@code constant}: a gauge that does not change within the chunk (sizes, info metrics);
 *   <li>{@code counter}: an integer counter growing by random steps, a quarter of them 0;
 *   <li>{@code noisy}: a full-precision float gauge (load, temperatures, rates);
 *   <li>{@code mixed}: chunks drawn 40% constant, 40% counter, 20% noisy;
 *   <li>{@code node}: chunks in the proportions measured on a real node_exporter
 *       ({@link NodeExporterLike#kind}: 75% constant gauges, 13% integer counters, 6% counters in
 *       hundredths, 6% full-precision gauges), with the same timestamp jitter.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar XorChunkBench -f 1 -wi 3 -i 5 -w 2s -r 2s}.
 * The setup prints the encoded bytes per sample of each mix.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class XorChunkBench {
    static final int CHUNKS = 1000;
    static final int SAMPLES = 120;

    @Param({"constant", "counter", "noisy", "mixed", "node"})
    public String mix;

    private long[][] ts;
    private double[][] vs;
    private byte[][] encoded;
    private XorIterator it;

    @Setup
    public void setup() {
        Corpus corpus = new Corpus(mix);
        ts = corpus.ts;
        vs = corpus.vs;
        encoded = corpus.encoded;
        it = new XorIterator();
        System.out.printf("%n[XorChunkBench] mix=%s bytes/sample=%.3f (%d chunks x %d samples)%n",
                mix, corpus.bytesPerSample(), CHUNKS, SAMPLES);
    }

    /** The samples of one mix, seeded, and their encoding. */
    static final class Corpus {
        final long[][] ts = new long[CHUNKS][SAMPLES];
        final double[][] vs = new double[CHUNKS][SAMPLES];
        final byte[][] encoded = new byte[CHUNKS][];

        Corpus(String mix) {
            Random rnd = new Random(42);
            for (int c = 0; c < CHUNKS; c++) {
                String kind = mix;
                if (kind.equals("mixed")) {
                    int r = rnd.nextInt(10);
                    kind = r < 4 ? "constant" : r < 8 ? "counter" : "noisy";
                }
                long t = 1_700_000_000_000L + c * 1_800_000L;
                double v = kind.equals("constant") ? rnd.nextInt(1 << 20) * 4096.0 : rnd.nextInt(1_000_000);
                for (int i = 0; i < SAMPLES; i++) {
                    ts[c][i] = t + (rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(20) : 0);
                    t += 15_000;
                    switch (kind) {
                        case "node":
                            v = NodeExporterLike.value(c, i, rnd);
                            break;
                        case "constant":
                            break;
                        case "counter":
                            v += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(10_000);
                            break;
                        default:
                            v = 50 + rnd.nextGaussian() * 10;
                            break;
                    }
                    vs[c][i] = v;
                }
                XorChunk chunk = new XorChunk();
                for (int i = 0; i < SAMPLES; i++) {
                    chunk.append(ts[c][i], vs[c][i]);
                }
                ByteBuffer b = chunk.bytes();
                encoded[c] = new byte[b.remaining()];
                b.get(encoded[c]);
            }
        }

        double bytesPerSample() {
            long bytes = 0;
            for (byte[] b : encoded) {
                bytes += b.length;
            }
            return (double) bytes / (CHUNKS * SAMPLES);
        }
    }

    /** A new chunk per 120 samples, as the head does, grown by copy from its initial size. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS * SAMPLES)
    public long encode() {
        return encodeAll(ts, vs);
    }

    static long encodeAll(long[][] ts, double[][] vs) {
        long acc = 0;
        for (int c = 0; c < CHUNKS; c++) {
            long[] t = ts[c];
            double[] v = vs[c];
            XorChunk chunk = new XorChunk();
            for (int i = 0; i < SAMPLES; i++) {
                chunk.append(t[i], v[i]);
            }
            acc += chunk.length() + chunk.capacity();
        }
        return acc;
    }

    /**
     * Reference for ratios on a shared machine: the same consuming loop over the uncompressed
     * long[]/double[] samples (16 bytes/sample), measured in the same run.
     */
    @Benchmark
    @OperationsPerInvocation(CHUNKS * SAMPLES)
    public long rawArrays() {
        long acc = 0;
        for (int c = 0; c < CHUNKS; c++) {
            long[] t = ts[c];
            double[] v = vs[c];
            for (int i = 0; i < SAMPLES; i++) {
                acc += t[i] ^ Double.doubleToRawLongBits(v[i]);
            }
        }
        return acc;
    }

    /** One reused iterator over the encoded bytes; every timestamp and value is consumed. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS * SAMPLES)
    public long decode() {
        return decodeAll(encoded, it);
    }

    /** As {@link #decode()} through the batch method that fills primitive arrays. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS * SAMPLES)
    public long decodeBatch() {
        return decodeBatchAll(encoded, it, tBuf, vBuf);
    }

    private final long[] tBuf = new long[SAMPLES];
    private final double[] vBuf = new double[SAMPLES];

    static long decodeBatchAll(byte[][] encoded, XorIterator iter, long[] tBuf, double[] vBuf) {
        long acc = 0;
        for (int c = 0; c < CHUNKS; c++) {
            byte[] b = encoded[c];
            XorChunk.iterator(b, 0, b.length, iter);
            int n;
            while ((n = iter.nextFloats(tBuf, vBuf, 0, tBuf.length)) > 0) {
                for (int i = 0; i < n; i++) {
                    acc += tBuf[i] ^ Double.doubleToRawLongBits(vBuf[i]);
                }
            }
        }
        return acc;
    }

    static long decodeAll(byte[][] encoded, XorIterator iter) {
        long acc = 0;
        for (int c = 0; c < CHUNKS; c++) {
            byte[] b = encoded[c];
            XorChunk.iterator(b, 0, b.length, iter);
            while (iter.next() == ValueType.FLOAT) {
                acc += iter.atT() ^ Double.doubleToRawLongBits(iter.atV());
            }
        }
        return acc;
    }
}
