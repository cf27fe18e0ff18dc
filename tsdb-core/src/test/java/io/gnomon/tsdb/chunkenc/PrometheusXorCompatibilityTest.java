package io.gnomon.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gnomon.tsdb.storage.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bit-for-bit compatibility with a real Prometheus: {@code promtool tsdb create-blocks-from
 * openmetrics} writes a block from samples we generate; every XOR chunk in its {@code chunks/}
 * segment must decode to those samples, and our encoder must reproduce its bytes exactly.
 *
 * <p>Runs when promtool is installed ({@code $PROMTOOL}, or {@code promtool} on the PATH); fails
 * when it is missing and {@code CI=true}; skips otherwise.
 */
class PrometheusXorCompatibilityTest {
    /** Chunk segment file header: magic 0x85BD40DD, version 1, 3 bytes of padding. */
    private static final int SEGMENT_MAGIC = 0x85BD40DD;
    private static final int SEGMENT_HEADER_SIZE = 8;

    @TempDir
    Path dir;

    @Test
    void promtoolChunksDecodeAndReencodeIdentically() throws Exception {
        Path promtool = findPromtool();
        long seed = XorChunkTest.seed();
        Random rnd = new Random(seed);

        // Series names sort in the order they are generated: the block writes chunks series by
        // series in label order, so the chunk stream is their concatenation.
        long t0 = 1_699_999_200_000L; // a multiple of the 2h block range: all samples in one block
        List<long[]> ts = new ArrayList<>();
        List<double[]> vs = new ArrayList<>();
        String[] names = {"a_const", "b_counter_total", "c_noisy", "d_special", "e_jitter"};
        int n = 400;
        for (int s = 0; s < names.length; s++) {
            long[] t = new long[n];
            double[] v = new double[n];
            long at = t0;
            double counter = 0;
            for (int i = 0; i < n; i++) {
                // 15 s scrapes, some late by a multiple of 1/8 s (exact in the float seconds that
                // OpenMetrics uses), a few missed scrapes and one 10 min gap: every dod bucket.
                long step = 15_000;
                if (s == 4) {
                    step += 125L * (rnd.nextInt(9) - 4);
                    if (rnd.nextInt(40) == 0) {
                        step += 15_000L * (1 + rnd.nextInt(3));
                    }
                    if (i == 200) {
                        step = 600_000;
                    }
                }
                at += i == 0 ? 0 : step;
                t[i] = at;
                switch (s) {
                    case 0:
                        v[i] = 1;
                        break;
                    case 1:
                        counter += rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(1000);
                        v[i] = counter;
                        break;
                    case 2:
                        v[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6) - 3);
                        break;
                    case 3:
                        double[] special = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e-300, 1e300, 42};
                        v[i] = special[rnd.nextInt(special.length)];
                        break;
                    default:
                        v[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(10) : v[Math.max(i - 1, 0)];
                        break;
                }
            }
            ts.add(t);
            vs.add(v);
        }

        StringBuilder om = new StringBuilder();
        for (int s = 0; s < names.length; s++) {
            String family = names[s].endsWith("_total") ? names[s].substring(0, names[s].length() - 6) : names[s];
            om.append("# TYPE ").append(family).append(s == 1 ? " counter" : " gauge").append('\n');
            for (int i = 0; i < n; i++) {
                om.append(names[s]).append(' ').append(openMetricsValue(vs.get(s)[i])).append(' ')
                        .append(ts.get(s)[i] / 1000).append('.')
                        .append(String.format("%03d", ts.get(s)[i] % 1000)).append('\n');
            }
        }
        om.append("# EOF\n");
        Path input = dir.resolve("input.om");
        Files.writeString(input, om.toString(), StandardCharsets.UTF_8);
        Path out = dir.resolve("blocks");
        run(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", input.toString(), out.toString());

        List<Path> segments;
        try (Stream<Path> files = Files.walk(out)) {
            segments = files.filter(p -> p.getParent().getFileName().toString().equals("chunks")).sorted().toList();
        }
        assertEquals(1, segments.size(), "one block, one segment: " + segments);
        byte[] seg = Files.readAllBytes(segments.get(0));

        long[] allT = new long[names.length * n];
        double[] allV = new double[names.length * n];
        int k = 0;
        for (int s = 0; s < names.length; s++) {
            System.arraycopy(ts.get(s), 0, allT, k, n);
            System.arraycopy(vs.get(s), 0, allV, k, n);
            k += n;
        }

        assertEquals(SEGMENT_MAGIC, readInt(seg, 0), "segment magic");
        assertEquals(1, seg[4], "segment version");
        int p = SEGMENT_HEADER_SIZE;
        int decoded = 0;
        int chunks = 0;
        int legacyPadded = 0;
        long promBytes = 0;
        XorIterator it = new XorIterator();
        while (p < seg.length) {
            long len = 0;
            int shift = 0;
            int b;
            do {
                b = seg[p++];
                len |= (long) (b & 0x7F) << shift;
                shift += 7;
            } while (b < 0);
            int enc = seg[p];
            int data = p + 1;
            CRC32C crc = new CRC32C();
            crc.update(seg, p, 1 + (int) len);
            assertEquals((int) crc.getValue(), readInt(seg, data + (int) len), "CRC32C of chunk " + chunks);
            assertEquals(Encoding.XOR, Encoding.ofCode(enc));

            XorChunk.iterator(seg, data, (int) len, it);
            XorChunk ours = new XorChunk();
            while (it.next() == ValueType.FLOAT) {
                assertEquals(allT[decoded], it.atT(), "t of sample " + decoded);
                if (Double.isNaN(allV[decoded])) {
                    assertTrue(Double.isNaN(it.atV()), "NaN at sample " + decoded);
                } else {
                    assertEquals(Double.doubleToRawLongBits(allV[decoded]), Double.doubleToRawLongBits(it.atV()),
                            "v of sample " + decoded);
                }
                ours.append(it.atT(), it.atV());
                decoded++;
            }
            assertNull(it.err(), "chunk " + chunks);
            byte[] prom = new byte[(int) len];
            System.arraycopy(seg, data, prom, 0, prom.length);
            byte[] mine = XorChunkTest.bytes(ours);
            if (prom.length == mine.length + 1 && ours.bitLength() % 8 == 0 && prom[mine.length] == 0) {
                // Prometheus 2.x's bstream.writeByte left a spare zero byte after a write that
                // ended on a byte boundary (fixed in 3.0 by prometheus/prometheus#14854); the
                // bits are the same.
                prom = Arrays.copyOf(prom, mine.length);
                legacyPadded++;
            }
            assertEquals(XorChunkFormatTest.toHex(prom), XorChunkFormatTest.toHex(mine),
                    "our encoding of chunk " + chunks + " differs from Prometheus's");
            promBytes += len;
            chunks++;
            p = data + (int) len + 4;
        }
        assertEquals(allT.length, decoded);
        System.out.printf("promtool: %d chunks, %d samples, %d bytes, all bit-identical"
                + " (%d with Prometheus 2.x's spare trailing zero byte)%n", chunks, decoded, promBytes, legacyPadded);
    }

    private static String openMetricsValue(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private void run(String... cmd) throws IOException, InterruptedException {
        Path log = dir.resolve("promtool.log");
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!proc.waitFor(120, TimeUnit.SECONDS)) {
            proc.destroyForcibly();
            fail("promtool did not finish in 120 s");
        }
        assertEquals(0, proc.exitValue(), () -> "promtool failed: " + readLog(log));
    }

    private static String readLog(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static Path findPromtool() {
        return io.gnomon.tsdb.testing.PeerBinaries.promtool();
    }
}
