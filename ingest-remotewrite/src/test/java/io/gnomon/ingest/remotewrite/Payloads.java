package io.gnomon.ingest.remotewrite;

import static io.gnomon.ingest.remotewrite.RemoteWriteDescriptor.*;

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

/** Builds remote-write 1.0 and 2.0 payloads byte by byte with protobuf's CodedOutputStream. */
final class Payloads {

    private Payloads() {
    }

    /** A protobuf message under construction. */
    static final class Msg {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

        Msg bytes(int field, byte[] b) {
            try {
                out.writeByteArray(field, b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        Msg msg(int field, Msg m) {
            return bytes(field, m.toByteArray());
        }

        Msg varint(int field, long v) {
            try {
                out.writeInt64(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg dbl(int field, double v) {
            try {
                out.writeDouble(field, v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Msg packed(int field, int... values) {
            Msg p = new Msg();
            try {
                for (int v : values) {
                    p.out.writeUInt32NoTag(v);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes(field, p.toByteArray());
        }

        Msg raw(byte[] b) {
            try {
                out.writeRawBytes(b);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        byte[] toByteArray() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }
    }

    static Msg sample(long t, double v) {
        return new Msg().dbl(SAMPLE_VALUE, v).varint(SAMPLE_TIMESTAMP, t);
    }

    static Msg labelV1(String name, String value) {
        return new Msg().string(V1_LABEL_NAME, name).string(V1_LABEL_VALUE, value);
    }

    /** A 1.0 TimeSeries: labels as alternating names and values, then (t, v) pairs. */
    static Msg seriesV1(String[] labels, long[] ts, double[] vs) {
        Msg m = new Msg();
        for (int i = 0; i < labels.length; i += 2) {
            m.msg(V1_SERIES_LABELS, labelV1(labels[i], labels[i + 1]));
        }
        for (int i = 0; i < ts.length; i++) {
            m.msg(V1_SERIES_SAMPLES, sample(ts[i], vs[i]));
        }
        return m;
    }

    static Msg exemplarV1(String[] labels, double v, long t) {
        Msg m = new Msg();
        for (int i = 0; i < labels.length; i += 2) {
            m.msg(V1_EXEMPLAR_LABELS, labelV1(labels[i], labels[i + 1]));
        }
        return m.dbl(V1_EXEMPLAR_VALUE, v).varint(V1_EXEMPLAR_TIMESTAMP, t);
    }

    static Msg metadataV1(int type, String family, String help, String unit) {
        return new Msg().varint(V1_METADATA_TYPE, type).string(V1_METADATA_FAMILY_NAME, family)
            .string(V1_METADATA_HELP, help).string(V1_METADATA_UNIT, unit);
    }

    /** A small integer native histogram: count 3, sum 1.5, schema 0, one positive span. */
    static Msg histogram(long t) {
        Msg span = new Msg().varint(1, 0).varint(2, 2);
        return new Msg().varint(1, 3).dbl(3, 1.5).varint(4, 0).dbl(5, 1e-128).varint(6, 1)
            .msg(11, span).packed(12, 2, 0).varint(15, t);
    }

    static byte[] writeRequestV1(Msg... series) {
        Msg req = new Msg();
        for (Msg s : series) {
            req.msg(V1_REQUEST_TIMESERIES, s);
        }
        return req.toByteArray();
    }

    /** Builds a 2.0 Request: a symbol table that starts with "" and series that reference it. */
    static final class V2 {
        private final Map<String, Integer> symbols = new LinkedHashMap<>();
        private final List<Msg> series = new ArrayList<>();

        V2() {
            ref("");
        }

        int ref(String s) {
            return symbols.computeIfAbsent(s, k -> symbols.size());
        }

        int[] refs(String... strings) {
            int[] r = new int[strings.length];
            for (int i = 0; i < strings.length; i++) {
                r[i] = ref(strings[i]);
            }
            return r;
        }

        /** A series builder; labels as alternating names and values. */
        Series series(String... labels) {
            Series s = new Series(this);
            s.m.packed(V2_SERIES_LABELS_REFS, refs(labels));
            return s;
        }

        Series seriesRefs(int... refs) {
            Series s = new Series(this);
            s.m.packed(V2_SERIES_LABELS_REFS, refs);
            return s;
        }

        byte[] build() {
            Msg req = new Msg();
            for (String s : symbols.keySet()) {
                req.string(V2_REQUEST_SYMBOLS, s);
            }
            for (Msg s : series) {
                req.msg(V2_REQUEST_TIMESERIES, s);
            }
            return req.toByteArray();
        }
    }

    static final class Series {
        final V2 owner;
        final Msg m = new Msg();

        Series(V2 owner) {
            this.owner = owner;
        }

        Series sample(long t, double v) {
            m.msg(V2_SERIES_SAMPLES, Payloads.sample(t, v));
            return this;
        }

        /** A sample with the Sample message's start_timestamp field (newer remote-write 2.0 senders). */
        Series sampleWithStart(long t, double v, long st) {
            m.msg(V2_SERIES_SAMPLES, Payloads.sample(t, v).varint(SAMPLE_START_TIMESTAMP, st));
            return this;
        }

        Series histogram(long t) {
            m.msg(V2_SERIES_HISTOGRAMS, Payloads.histogram(t));
            return this;
        }

        Series exemplar(double v, long t, String... labels) {
            Msg e = new Msg().packed(V2_EXEMPLAR_LABELS_REFS, owner.refs(labels)).dbl(V2_EXEMPLAR_VALUE, v)
                .varint(V2_EXEMPLAR_TIMESTAMP, t);
            m.msg(V2_SERIES_EXEMPLARS, e);
            return this;
        }

        Series metadata(int type, String help, String unit) {
            m.msg(V2_SERIES_METADATA, new Msg().varint(V2_METADATA_TYPE, type)
                .varint(V2_METADATA_HELP_REF, owner.ref(help)).varint(V2_METADATA_UNIT_REF, owner.ref(unit)));
            return this;
        }

        Series createdTimestamp(long ct) {
            m.varint(V2_SERIES_CREATED_TIMESTAMP, ct);
            return this;
        }

        V2 done() {
            owner.series.add(m);
            return owner;
        }
    }

    static byte[] snappy(byte[] raw) {
        try {
            return Snappy.compress(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
