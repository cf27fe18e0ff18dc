package io.gnomon.bench.sidebyside;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Encodes remote-write 1.0 {@code WriteRequest}s and 2.0 {@code Request}s with protobuf's
 * CodedOutputStream (field numbers as in {@code RemoteWriteDescriptor}) and compresses them with
 * snappy's block format. Runs before the clock starts; speed does not matter.
 */
public final class BenchPayloads {

    private BenchPayloads() {
    }

    /**
     * One request: for each series in {@code [from, to)} of generation {@code gen}, {@code samples}
     * samples at {@code t0 + k * step}; value a deterministic function of series and k.
     */
    public static byte[] encode(boolean v2, int from, int to, int gen, int samples, long t0, long step) {
        try {
            byte[] raw = v2 ? v2(from, to, gen, samples, t0, step) : v1(from, to, gen, samples, t0, step);
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] v1(int from, int to, int gen, int samples, long t0, long step) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        CodedOutputStream req = CodedOutputStream.newInstance(bytes, 1 << 16);
        for (int i = from; i < to; i++) {
            ByteArrayOutputStream sb = new ByteArrayOutputStream(4096);
            CodedOutputStream s = CodedOutputStream.newInstance(sb);
            String[] kv = NodeSeries.labels(i, gen);
            for (int l = 0; l < kv.length; l += 2) {
                byte[] n = kv[l].getBytes(StandardCharsets.UTF_8);
                byte[] v = kv[l + 1].getBytes(StandardCharsets.UTF_8);
                s.writeTag(1, 2);
                s.writeUInt32NoTag(CodedOutputStream.computeByteArraySize(1, n) + CodedOutputStream.computeByteArraySize(2, v));
                s.writeByteArray(1, n);
                s.writeByteArray(2, v);
            }
            for (int k = 0; k < samples; k++) {
                writeSample(s, 2, t0 + k * step, value(i, k));
            }
            s.flush();
            req.writeByteArray(1, sb.toByteArray());
        }
        req.flush();
        return bytes.toByteArray();
    }

    private static byte[] v2(int from, int to, int gen, int samples, long t0, long step) throws IOException {
        Map<String, Integer> symbols = new HashMap<>();
        java.util.List<String> table = new java.util.ArrayList<>();
        symbols.put("", 0);
        table.add("");
        ByteArrayOutputStream series = new ByteArrayOutputStream(1 << 20);
        CodedOutputStream out = CodedOutputStream.newInstance(series, 1 << 16);
        for (int i = from; i < to; i++) {
            ByteArrayOutputStream sb = new ByteArrayOutputStream(4096);
            CodedOutputStream s = CodedOutputStream.newInstance(sb);
            String[] kv = NodeSeries.labels(i, gen);
            ByteArrayOutputStream refs = new ByteArrayOutputStream(64);
            CodedOutputStream r = CodedOutputStream.newInstance(refs);
            for (String str : kv) {
                Integer ref = symbols.get(str);
                if (ref == null) {
                    ref = table.size();
                    symbols.put(str, ref);
                    table.add(str);
                }
                r.writeUInt32NoTag(ref);
            }
            r.flush();
            s.writeByteArray(1, refs.toByteArray());
            for (int k = 0; k < samples; k++) {
                writeSample(s, 2, t0 + k * step, value(i, k));
            }
            s.flush();
            out.writeByteArray(5, sb.toByteArray());
        }
        out.flush();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(series.size() + table.size() * 16);
        CodedOutputStream req = CodedOutputStream.newInstance(bytes, 1 << 16);
        for (String str : table) {
            req.writeByteArray(4, str.getBytes(StandardCharsets.UTF_8));
        }
        req.flush();
        series.writeTo(bytes);
        return bytes.toByteArray();
    }

    private static void writeSample(CodedOutputStream s, int field, long t, double v) throws IOException {
        s.writeTag(field, 2);
        s.writeUInt32NoTag(CodedOutputStream.computeDoubleSize(1, v) + CodedOutputStream.computeInt64Size(2, t));
        s.writeDouble(1, v);
        s.writeInt64(2, t);
    }

    /** Counter-like values: mostly increasing by small integers, as node exporter's are. */
    static double value(int series, int k) {
        return (double) (series % 1000) * 10 + k * (1 + series % 7);
    }
}
