package io.gnomon.server;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/** Minimal remote-write 1.0/2.0 payload builder for HTTP tests (snappy-compressed). */
final class RwPayload {

    private RwPayload() {
    }

    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] msg(Body b) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            b.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] sample(long t, double v) {
        return msg(o -> {
            o.writeDouble(1, v);
            o.writeInt64(2, t);
        });
    }

    /** 1.0: one series per entry of {@code series}: labels (alternating), then samples (t, v). */
    static byte[] v1(String[] labels, long[] ts, double[] vs) {
        byte[] series = msg(o -> {
            for (int i = 0; i < labels.length; i += 2) {
                String n = labels[i];
                String v = labels[i + 1];
                o.writeByteArray(1, msg(l -> {
                    l.writeString(1, n);
                    l.writeString(2, v);
                }));
            }
            for (int i = 0; i < ts.length; i++) {
                o.writeByteArray(2, sample(ts[i], vs[i]));
            }
        });
        return snappy(msg(o -> o.writeByteArray(1, series)));
    }

    /** 2.0: one series with metadata (type number, help, unit) and an optional created timestamp. */
    static byte[] v2(String[] labels, long[] ts, double[] vs, int type, String help, String unit, long ct) {
        Map<String, Integer> sym = new LinkedHashMap<>();
        sym.put("", 0);
        List<Integer> refs = new ArrayList<>();
        for (String s : labels) {
            refs.add(sym.computeIfAbsent(s, k -> sym.size()));
        }
        int helpRef = sym.computeIfAbsent(help, k -> sym.size());
        int unitRef = sym.computeIfAbsent(unit, k -> sym.size());
        byte[] series = msg(o -> {
            o.writeByteArray(1, msg(p -> {
                for (int r : refs) {
                    p.writeUInt32NoTag(r);
                }
            }));
            for (int i = 0; i < ts.length; i++) {
                o.writeByteArray(2, sample(ts[i], vs[i]));
            }
            o.writeByteArray(5, msg(m -> {
                m.writeEnum(1, type);
                m.writeUInt32(3, helpRef);
                m.writeUInt32(4, unitRef);
            }));
            if (ct != 0) {
                o.writeInt64(6, ct);
            }
        });
        return snappy(msg(o -> {
            for (String s : sym.keySet()) {
                o.writeByteArray(4, s.getBytes(StandardCharsets.UTF_8));
            }
            o.writeByteArray(5, series);
        }));
    }

    static byte[] snappy(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
