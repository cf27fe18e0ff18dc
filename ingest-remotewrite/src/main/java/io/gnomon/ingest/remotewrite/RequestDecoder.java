package io.gnomon.ingest.remotewrite;

import static io.gnomon.ingest.remotewrite.RemoteWriteDescriptor.*;

import io.gnomon.tsdb.labels.InvalidLabelsException;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streams one decompressed remote-write message (1.0 or 2.0) straight into an {@link Appender}:
 * no protobuf message objects, no per-sample allocation. Label strings resolve through a
 * {@link StringCache} and whole series through a {@link SeriesCache}, so a series seen before
 * costs a hash and a comparison of string identities, and every sample one {@code append}.
 *
 * <p>Each message is read in two passes. {@code scan} walks the top level only: it checks the
 * framing, counts the series (for the series limit, before anything is written) and, for 2.0,
 * records where each symbol lies. {@code write} then decodes every series, itself in two passes
 * over the series' bytes: the first collects labels (and 2.0 metadata and created timestamp),
 * which protobuf allows after the samples; the second appends samples, exemplars and histograms.
 *
 * <p>Refusals of single series or samples (bad labels, limits, timestamps too far ahead,
 * histograms) are counted in the {@link Tally} and decoding goes on. Malformed framing throws
 * {@link MalformedRequestException}; the caller then rolls the whole appender back.
 *
 * <p>Reused across requests by one thread at a time; keeps its caches and buffers.
 */
final class RequestDecoder {

    /** Marks a 2.0 symbol that is not valid UTF-8 (compared by identity). */
    private static final String INVALID_UTF8 = new String("<invalid UTF-8>");
    /** Marks a string that was not resolved because it is over a length limit. */
    private static final String TOO_LONG = new String("<too long>");

    private static final int SAMPLE_V = SAMPLE_VALUE << 3 | WT_FIXED64;
    private static final int SAMPLE_T = SAMPLE_TIMESTAMP << 3 | WT_VARINT;
    private static final int SAMPLE_ST = SAMPLE_START_TIMESTAMP << 3 | WT_VARINT;

    /** Buffers above this size are not kept after a request, so one big request pins nothing. */
    private static final int KEEP_BUFFER_BYTES = 16 << 20;

    private final RemoteWriteLimits limits;
    private final WireReader in = new WireReader();
    private final StringCache strings = new StringCache(1 << 12, 1 << 19);
    private final SeriesCache seriesCache = new SeriesCache(1 << 12, 1 << 21);
    private final Labels.Builder builder = Labels.builder();
    private final Labels.Builder exemplarBuilder = Labels.builder();
    final Tally tally = new Tally();

    private byte[] decompressed = new byte[1 << 16];

    // The current series' label pairs in arrival order; byte lengths kept for limit messages.
    private String[] kv = new String[32];
    private int kvLen;
    private int pairs;

    // The current series: resolved labels, or the reason it is refused.
    private Labels labels;
    private long ref;
    private int slot;
    private Reason problem;
    private String problemDetail;

    // 2.0 symbols: offsets into the decompressed buffer, strings resolved on first use.
    private int[] symOff = new int[256];
    private int[] symLen = new int[256];
    private String[] symStr = new String[256];
    private int symCount;
    private int[] refs = new int[64];

    private Appender app;
    private long maxT;

    RequestDecoder(RemoteWriteLimits limits) {
        this.limits = limits;
    }

    /** A buffer of at least {@code n} bytes for the decompressed body. */
    byte[] buffer(int n) {
        if (decompressed.length < n) {
            decompressed = new byte[Math.max(n, Math.min(Integer.MAX_VALUE - 8, decompressed.length * 2))];
        }
        return decompressed;
    }

    /** Forgets per-request state and drops a buffer grown for one unusually large request. */
    void finish() {
        app = null;
        labels = null;
        if (decompressed.length > KEEP_BUFFER_BYTES) {
            decompressed = new byte[1 << 16];
        }
        Arrays.fill(symStr, 0, Math.min(symCount, symStr.length), null);
        symCount = 0;
        Arrays.fill(kv, null);
    }

    // ---------------------------------------------------------------- 1.0

    /** Checks the top level of a 1.0 WriteRequest and returns its number of series. */
    int scanV1(byte[] buf, int len) {
        in.reset(buf, 0, len);
        int series = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = WireReader.field(tag);
            if (tag == (V1_REQUEST_TIMESERIES << 3 | WT_LEN)) {
                series++;
                in.skip(WT_LEN);
            } else if (tag == (V1_REQUEST_METADATA << 3 | WT_LEN)) {
                in.skip(WT_LEN);
            } else if (field == V2_REQUEST_SYMBOLS || field == V2_REQUEST_TIMESERIES) {
                throw MalformedRequestException.wrongMessage(PROTO_V1, PROTO_V2);
            } else {
                unknown("WriteRequest", tag, 1 << V1_REQUEST_TIMESERIES | 1 << V1_REQUEST_METADATA);
            }
        }
        return series;
    }

    /** Appends a 1.0 WriteRequest that {@link #scanV1} accepted. */
    void writeV1(byte[] buf, int len, Appender app, long maxT) {
        this.app = app;
        this.maxT = maxT;
        tally.reset();
        in.reset(buf, 0, len);
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == (V1_REQUEST_TIMESERIES << 3 | WT_LEN)) {
                int old = in.pushLimit(in.readLength());
                seriesV1();
                in.popLimit(old);
            } else if (tag == (V1_REQUEST_METADATA << 3 | WT_LEN)) {
                int old = in.pushLimit(in.readLength());
                metadataV1();
                in.popLimit(old);
            } else {
                in.skip(WireReader.wireType(tag));
            }
        }
    }

    private void seriesV1() {
        int start = in.pos();
        startSeries();
        int samples = 0;
        int histograms = 0;
        int exemplars = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V1_SERIES_LABELS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    labelV1();
                    in.popLimit(old);
                }
                case V1_SERIES_SAMPLES << 3 | WT_LEN -> {
                    samples++;
                    in.skip(WT_LEN);
                }
                case V1_SERIES_EXEMPLARS << 3 | WT_LEN -> {
                    exemplars++;
                    in.skip(WT_LEN);
                }
                case V1_SERIES_HISTOGRAMS << 3 | WT_LEN -> {
                    histograms++;
                    in.skip(WT_LEN);
                }
                default -> unknown("TimeSeries", tag, 0b11110);
            }
        }
        boolean ok = resolveSeries(samples + histograms + exemplars);
        in.pos(start);
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V1_SERIES_SAMPLES << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    sample(ok, 0, 0, false);
                    in.popLimit(old);
                }
                case V1_SERIES_EXEMPLARS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    exemplarV1(ok);
                    in.popLimit(old);
                }
                case V1_SERIES_HISTOGRAMS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    histogram(ok);
                    in.popLimit(old);
                }
                default -> in.skip(WireReader.wireType(tag));
            }
        }
        endSeries();
    }

    /** One Label message: name and value, resolved unless over a length limit. */
    private void labelV1() {
        byte[] b = in.buffer();
        int nameOff = 0;
        int nameLen = 0;
        int valueOff = 0;
        int valueLen = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == (V1_LABEL_NAME << 3 | WT_LEN)) {
                nameLen = in.readLength();
                nameOff = in.pos();
                in.pos(nameOff + nameLen);
            } else if (tag == (V1_LABEL_VALUE << 3 | WT_LEN)) {
                valueLen = in.readLength();
                valueOff = in.pos();
                in.pos(valueOff + valueLen);
            } else {
                unknown("Label", tag, 0b110);
            }
        }
        String name = nameLen > limits.maxLabelNameLength() ? TOO_LONG : resolve(b, nameOff, nameLen);
        String value = valueLen > limits.maxLabelValueLength() ? TOO_LONG : resolve(b, valueOff, valueLen);
        addPair(name, nameLen, value, valueLen);
    }

    private String resolve(byte[] b, int off, int len) {
        String s = strings.get(b, off, len);
        return s == null ? INVALID_UTF8 : s;
    }

    private void exemplarV1(boolean seriesOk) {
        exemplarBuilder.reset();
        boolean labelsOk = true;
        double value = 0;
        long ts = 0;
        byte[] b = in.buffer();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V1_EXEMPLAR_LABELS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    String name = "";
                    String val = "";
                    while (in.hasMore()) {
                        int t = in.readTag();
                        if (t == (V1_LABEL_NAME << 3 | WT_LEN) || t == (V1_LABEL_VALUE << 3 | WT_LEN)) {
                            int len = in.readLength();
                            int off = in.pos();
                            in.pos(off + len);
                            String s = t == (V1_LABEL_NAME << 3 | WT_LEN) ? strings.get(b, off, len) : decodeUncached(b, off, len);
                            if (s == null) {
                                labelsOk = false;
                            } else if (t == (V1_LABEL_NAME << 3 | WT_LEN)) {
                                name = s;
                            } else {
                                val = s;
                            }
                        } else {
                            unknown("Label", t, 0b110);
                        }
                    }
                    in.popLimit(old);
                    exemplarBuilder.add(name, val);
                }
                case V1_EXEMPLAR_VALUE << 3 | WT_FIXED64 -> value = in.readDouble();
                case V1_EXEMPLAR_TIMESTAMP << 3 | WT_VARINT -> ts = in.readVarint64();
                default -> unknown("Exemplar", tag, 0b1110);
            }
        }
        appendExemplar(seriesOk, labelsOk, value, ts);
    }

    private void metadataV1() {
        long type = 0;
        String name = "";
        String help = "";
        String unit = "";
        boolean valid = true;
        byte[] b = in.buffer();
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V1_METADATA_TYPE << 3 | WT_VARINT -> type = in.readVarint64();
                case V1_METADATA_FAMILY_NAME << 3 | WT_LEN, V1_METADATA_HELP << 3 | WT_LEN, V1_METADATA_UNIT << 3 | WT_LEN -> {
                    int len = in.readLength();
                    int off = in.pos();
                    in.pos(off + len);
                    String s = strings.get(b, off, len);
                    if (s == null) {
                        valid = false;
                    } else if (WireReader.field(tag) == V1_METADATA_FAMILY_NAME) {
                        name = s;
                    } else if (WireReader.field(tag) == V1_METADATA_HELP) {
                        help = s;
                    } else {
                        unit = s;
                    }
                }
                default -> unknown("MetricMetadata", tag, 0b110110);
            }
        }
        if (!valid || name.isEmpty()) {
            tally.add(Reason.INVALID_METADATA, 1, name.isEmpty() ? null : "{__name__=" + Labels.quote(name) + "}",
                valid ? "metric family name is empty" : "invalid UTF-8");
            return;
        }
        Labels family;
        try {
            family = builder.reset().add(Labels.METRIC_NAME, name).build();
        } catch (InvalidLabelsException e) {
            tally.add(Reason.INVALID_METADATA, 1, null, e.getMessage());
            return;
        }
        app.updateMetadata(0, family, new Metadata(metricType(type), unit, help));
    }

    // ---------------------------------------------------------------- 2.0

    /** Checks the top level of a 2.0 Request, records its symbols and returns its number of series. */
    int scanV2(byte[] buf, int len) {
        in.reset(buf, 0, len);
        symCount = 0;
        int series = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = WireReader.field(tag);
            if (tag == (V2_REQUEST_SYMBOLS << 3 | WT_LEN)) {
                int n = in.readLength();
                if (symCount == symOff.length) {
                    int cap = symCount * 2;
                    symOff = Arrays.copyOf(symOff, cap);
                    symLen = Arrays.copyOf(symLen, cap);
                    symStr = Arrays.copyOf(symStr, cap);
                }
                symOff[symCount] = in.pos();
                symLen[symCount] = n;
                symStr[symCount] = null;
                symCount++;
                in.pos(in.pos() + n);
            } else if (tag == (V2_REQUEST_TIMESERIES << 3 | WT_LEN)) {
                series++;
                in.skip(WT_LEN);
            } else if (field >= 1 && field <= 3) {
                throw MalformedRequestException.wrongMessage(PROTO_V2, PROTO_V1);
            } else {
                unknown("Request", tag, 1 << V2_REQUEST_SYMBOLS | 1 << V2_REQUEST_TIMESERIES);
            }
        }
        return series;
    }

    /** Appends a 2.0 Request that {@link #scanV2} accepted (its symbols are still recorded). */
    void writeV2(byte[] buf, int len, Appender app, long maxT) {
        this.app = app;
        this.maxT = maxT;
        tally.reset();
        in.reset(buf, 0, len);
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == (V2_REQUEST_TIMESERIES << 3 | WT_LEN)) {
                int old = in.pushLimit(in.readLength());
                seriesV2();
                in.popLimit(old);
            } else {
                in.skip(WireReader.wireType(tag));
            }
        }
    }

    /** The string of a symbol, {@link #INVALID_UTF8} when it is not UTF-8, or null when out of range. */
    private String symbol(long index, int maxLen) {
        if (index < 0 || index >= symCount) {
            return null;
        }
        int i = (int) index;
        if (symLen[i] > maxLen) {
            return TOO_LONG;
        }
        String s = symStr[i];
        if (s == null) {
            s = resolve(in.buffer(), symOff[i], symLen[i]);
            symStr[i] = s;
        }
        return s;
    }

    private int readRefs(int tag, int n) {
        if (WireReader.wireType(tag) == WT_LEN) {
            int old = in.pushLimit(in.readLength());
            while (in.hasMore()) {
                n = addRef(n, in.readVarint64());
            }
            in.popLimit(old);
            return n;
        }
        return addRef(n, in.readVarint64());
    }

    private int addRef(int n, long r) {
        if (n == refs.length) {
            refs = Arrays.copyOf(refs, n * 2);
        }
        // Out-of-range refs (also those beyond int) become -1 and fail the lookup.
        refs[n] = r < 0 || r >= symCount ? -1 : (int) r;
        return n + 1;
    }

    private void seriesV2() {
        int start = in.pos();
        startSeries();
        int samples = 0;
        int histograms = 0;
        int exemplars = 0;
        int nRefs = 0;
        long ct = 0;
        boolean hasMetadata = false;
        long mdType = 0;
        long helpRef = 0;
        long unitRef = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V2_SERIES_LABELS_REFS << 3 | WT_LEN, V2_SERIES_LABELS_REFS << 3 | WT_VARINT -> nRefs = readRefs(tag, nRefs);
                case V2_SERIES_SAMPLES << 3 | WT_LEN -> {
                    samples++;
                    in.skip(WT_LEN);
                }
                case V2_SERIES_HISTOGRAMS << 3 | WT_LEN -> {
                    histograms++;
                    in.skip(WT_LEN);
                }
                case V2_SERIES_EXEMPLARS << 3 | WT_LEN -> {
                    exemplars++;
                    in.skip(WT_LEN);
                }
                case V2_SERIES_METADATA << 3 | WT_LEN -> {
                    hasMetadata = true;
                    int old = in.pushLimit(in.readLength());
                    while (in.hasMore()) {
                        int t = in.readTag();
                        switch (t) {
                            case V2_METADATA_TYPE << 3 | WT_VARINT -> mdType = in.readVarint64();
                            case V2_METADATA_HELP_REF << 3 | WT_VARINT -> helpRef = in.readVarint64();
                            case V2_METADATA_UNIT_REF << 3 | WT_VARINT -> unitRef = in.readVarint64();
                            default -> unknown("Metadata", t, 0b11010);
                        }
                    }
                    in.popLimit(old);
                }
                case V2_SERIES_CREATED_TIMESTAMP << 3 | WT_VARINT -> ct = in.readVarint64();
                default -> unknown("TimeSeries", tag, 0b1111110);
            }
        }
        if ((nRefs & 1) != 0) {
            flag(Reason.INVALID_LABELS, "odd number of label references [refs=" + nRefs + "]");
        }
        for (int i = 0; i + 1 < nRefs; i += 2) {
            String name = symbol(refs[i], limits.maxLabelNameLength());
            String value = symbol(refs[i + 1], limits.maxLabelValueLength());
            if (name == null || value == null) {
                flag(Reason.INVALID_LABELS, "symbol reference out of range [symbols=" + symCount + "]");
                addPair(name == null ? "<bad ref>" : name, 0, value == null ? "<bad ref>" : value, 0);
            } else {
                addPair(name, name == TOO_LONG ? symLen[refs[i]] : 0, value,
                    value == TOO_LONG ? symLen[refs[i + 1]] : 0);
            }
        }
        boolean ok = resolveSeries(samples + histograms + exemplars);

        in.pos(start);
        boolean first = true;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V2_SERIES_SAMPLES << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    sample(ok, first ? ct : 0, ct, true);
                    first = false;
                    in.popLimit(old);
                }
                case V2_SERIES_HISTOGRAMS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    histogram(ok);
                    in.popLimit(old);
                }
                case V2_SERIES_EXEMPLARS << 3 | WT_LEN -> {
                    int old = in.pushLimit(in.readLength());
                    exemplarV2(ok);
                    in.popLimit(old);
                }
                default -> in.skip(WireReader.wireType(tag));
            }
        }
        if (ok && hasMetadata && (mdType != 0 || helpRef != 0 || unitRef != 0)) {
            String help = symbol(helpRef, Integer.MAX_VALUE);
            String unit = symbol(unitRef, Integer.MAX_VALUE);
            if (help == null || unit == null || help == INVALID_UTF8 || unit == INVALID_UTF8) {
                tally.add(Reason.INVALID_METADATA, 1, labels.toString(),
                    help == null || unit == null ? "help or unit symbol reference out of range" : "invalid UTF-8");
            } else {
                ref = app.updateMetadata(ref, labels, new Metadata(metricType(mdType), unit, help));
            }
        }
        endSeries();
    }

    private void exemplarV2(boolean seriesOk) {
        int nRefs = 0;
        double value = 0;
        long ts = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            switch (tag) {
                case V2_EXEMPLAR_LABELS_REFS << 3 | WT_LEN, V2_EXEMPLAR_LABELS_REFS << 3 | WT_VARINT -> nRefs = readRefs(tag, nRefs);
                case V2_EXEMPLAR_VALUE << 3 | WT_FIXED64 -> value = in.readDouble();
                case V2_EXEMPLAR_TIMESTAMP << 3 | WT_VARINT -> ts = in.readVarint64();
                default -> unknown("Exemplar", tag, 0b1110);
            }
        }
        boolean labelsOk = (nRefs & 1) == 0;
        exemplarBuilder.reset();
        for (int i = 0; labelsOk && i + 1 < nRefs; i += 2) {
            String name = symbol(refs[i], Integer.MAX_VALUE);
            String val = symbol(refs[i + 1], Integer.MAX_VALUE);
            if (name == null || val == null || name == INVALID_UTF8 || val == INVALID_UTF8) {
                labelsOk = false;
            } else {
                exemplarBuilder.add(name, val);
            }
        }
        appendExemplar(seriesOk, labelsOk, value, ts);
    }

    // ---------------------------------------------------------------- shared

    private void startSeries() {
        kvLen = 0;
        pairs = 0;
        labels = null;
        ref = 0;
        slot = -1;
        problem = null;
        problemDetail = null;
    }

    private void flag(Reason reason, String detail) {
        if (problem == null) {
            problem = reason;
            problemDetail = detail;
        }
    }

    private void addPair(String name, int nameLen, String value, int valueLen) {
        pairs++;
        if (pairs > limits.maxLabelsPerSeries()) {
            flag(Reason.LABEL_LIMITS, "more than " + limits.maxLabelsPerSeries() + " labels");
            return;
        }
        if (name == TOO_LONG) {
            flag(Reason.LABEL_LIMITS, "label name longer than " + limits.maxLabelNameLength() + " bytes [length=" + nameLen + "]");
        } else if (value == TOO_LONG) {
            flag(Reason.LABEL_LIMITS, "value of label " + name + " longer than " + limits.maxLabelValueLength()
                + " bytes [length=" + valueLen + "]");
        } else if (name == INVALID_UTF8 || value == INVALID_UTF8) {
            flag(Reason.INVALID_LABELS, "invalid UTF-8");
        }
        if (kvLen + 2 > kv.length) {
            kv = Arrays.copyOf(kv, kv.length * 2);
        }
        kv[kvLen++] = name;
        kv[kvLen++] = value;
    }

    /**
     * Resolves the collected pairs to labels and a ref (cache first), or counts {@code items}
     * refused under the series' problem. Returns whether the series can be appended.
     */
    private boolean resolveSeries(int items) {
        if (problem == null) {
            if (kvLen == 0) {
                flag(Reason.EMPTY_LABELS, null);
            } else {
                int h = SeriesCache.hash(kv, kvLen);
                int s = seriesCache.find(kv, kvLen, h);
                if (s >= 0) {
                    slot = s;
                    labels = seriesCache.labels(s);
                    ref = seriesCache.ref(s);
                    return true;
                }
                Labels built = null;
                try {
                    builder.reset();
                    for (int i = 0; i < kvLen; i += 2) {
                        builder.add(kv[i], kv[i + 1]);
                    }
                    built = builder.build();
                } catch (InvalidLabelsException e) {
                    flag(Reason.INVALID_LABELS, e.getMessage());
                }
                if (built != null) {
                    if (built.isEmpty()) {
                        flag(Reason.EMPTY_LABELS, "every label value is empty");
                    } else if (!built.has(Labels.METRIC_NAME)) {
                        flag(Reason.INVALID_LABELS, "missing metric name");
                    } else {
                        labels = built;
                        slot = seriesCache.put(kv, kvLen, h, built, 0);
                        return true;
                    }
                }
            }
        }
        tally.add(problem, Math.max(1, items), pairsToString(), problemDetail);
        return false;
    }

    private void endSeries() {
        if (slot >= 0) {
            seriesCache.ref(slot, ref);
        }
    }

    /**
     * One Sample message; appended when the series is valid, preceded by a created-timestamp zero
     * ({@code ct}, the series' created_timestamp for its first sample). The sample is stored with
     * a start timestamp: its own start_timestamp (field 3 of newer senders), else the series'
     * created_timestamp {@code seriesCt}; 0 is none. Remote-write 1.0 ({@code v2} false) has no
     * start timestamps.
     */
    private void sample(boolean ok, long ct, long seriesCt, boolean v2) {
        double v = 0;
        long t = 0;
        long st = 0;
        // Fast path for the layout every encoder writes: value (tag 0x09, 8 bytes), timestamp
        // (tag 0x10, varint) and nothing else. Anything else takes the general loop.
        int p = in.pos();
        byte[] b = in.buffer();
        if (in.limit() - p >= 11 && b[p] == SAMPLE_V && b[p + 9] == SAMPLE_T) {
            v = in.readDouble(p + 1);
            in.pos(p + 10);
            t = in.readVarint64();
        }
        while (in.hasMore()) {
            int tag = in.readTag();
            if (tag == SAMPLE_V) {
                v = in.readDouble();
            } else if (tag == SAMPLE_T) {
                t = in.readVarint64();
            } else if (tag == SAMPLE_ST && v2) {
                st = in.readVarint64();
            } else {
                unknown("Sample", tag, v2 ? 0b1110 : 0b110);
            }
        }
        if (!ok) {
            return;
        }
        if (t > maxT) {
            tally.add(Reason.TOO_OLD, 1, labels.toString(), "timestamp too far in the future [timestamp=" + t + "]");
            return;
        }
        if (ct != 0 && t != 0 && ct < t) {
            ref = app.appendCreatedTimestamp(ref, labels, t, ct);
        }
        if (st == 0) {
            st = seriesCt;
        }
        ref = st != 0 ? app.appendWithStartTimestamp(ref, labels, st, t, v) : app.append(ref, labels, t, v);
    }

    private void appendExemplar(boolean seriesOk, boolean labelsOk, double value, long ts) {
        if (!seriesOk) {
            return;
        }
        Labels el = null;
        String detail = "invalid UTF-8";
        if (labelsOk) {
            try {
                el = exemplarBuilder.build();
            } catch (InvalidLabelsException e) {
                detail = e.getMessage();
            }
        }
        if (el == null) {
            tally.add(Reason.INVALID_EXEMPLAR, 1, labels.toString(), detail);
            return;
        }
        if (ts > maxT) {
            tally.add(Reason.TOO_OLD, 1, labels.toString(), "exemplar timestamp too far in the future [timestamp=" + ts + "]");
            return;
        }
        ref = app.appendExemplar(ref, labels, new Exemplar(el, value, ts, ts != 0));
    }

    /**
     * Checks one Histogram message field by field (so a malformed one is a bad request like any
     * other bad protobuf) and refuses it: the head does not store native histograms yet.
     */
    private void histogram(boolean seriesOk) {
        long ts = 0;
        while (in.hasMore()) {
            int tag = in.readTag();
            int field = WireReader.field(tag);
            int wt = WireReader.wireType(tag);
            switch (field) {
                case 1, 4, 6, 14 -> expect("Histogram", tag, WT_VARINT);
                case 2, 3, 5, 7 -> expect("Histogram", tag, WT_FIXED64);
                case 15 -> {
                    expect("Histogram", tag, WT_VARINT);
                    ts = in.readVarint64();
                    continue;
                }
                case 8, 11 -> {
                    expect("Histogram", tag, WT_LEN);
                    int old = in.pushLimit(in.readLength());
                    while (in.hasMore()) {
                        int t = in.readTag();
                        if (WireReader.field(t) <= 2) {
                            expect("BucketSpan", t, WT_VARINT);
                        }
                        in.skip(WireReader.wireType(t));
                    }
                    in.popLimit(old);
                    continue;
                }
                case 9, 12 -> {
                    if (wt == WT_LEN) {
                        int old = in.pushLimit(in.readLength());
                        while (in.hasMore()) {
                            in.readVarint64();
                        }
                        in.popLimit(old);
                        continue;
                    }
                    expect("Histogram", tag, WT_VARINT);
                }
                case 10, 13, 16 -> {
                    if (wt == WT_LEN) {
                        int n = in.readLength();
                        if ((n & 7) != 0) {
                            throw MalformedRequestException.badLength(n, in.pos(), in.limit() - in.pos());
                        }
                        in.pos(in.pos() + n);
                        continue;
                    }
                    expect("Histogram", tag, WT_FIXED64);
                }
                default -> {
                    // Unknown field: skipped below.
                }
            }
            in.skip(wt);
        }
        if (seriesOk) {
            tally.add(Reason.HISTOGRAMS_UNSUPPORTED, 1, labels.toString(), "timestamp=" + ts);
        }
    }

    private void expect(String message, int tag, int wireType) {
        if (WireReader.wireType(tag) != wireType) {
            throw MalformedRequestException.wrongWireType(message, WireReader.field(tag), WireReader.wireType(tag), in.pos());
        }
    }

    /**
     * Skips a field that no case handled: a known field ({@code knownMask} has bit
     * {@code field} set) with the wrong wire type is malformed; an unknown field is skipped, as
     * protobuf requires for forward compatibility.
     */
    private void unknown(String message, int tag, int knownMask) {
        int field = WireReader.field(tag);
        if (field < 32 && ((knownMask >>> field) & 1) != 0) {
            throw MalformedRequestException.wrongWireType(message, field, WireReader.wireType(tag), in.pos());
        }
        in.skip(WireReader.wireType(tag));
    }

    private static String decodeUncached(byte[] b, int off, int len) {
        if (Utf8.isAscii(b, off, len)) {
            return new String(b, off, len, StandardCharsets.ISO_8859_1);
        }
        return Utf8.isValid(b, off, len) ? new String(b, off, len, StandardCharsets.UTF_8) : null;
    }

    /** The current series as sent, for messages about series that have no valid labels. */
    private String pairsToString() {
        StringBuilder sb = new StringBuilder(kvLen * 12 + 2).append('{');
        for (int i = 0; i < kvLen; i += 2) {
            if (i > 0) {
                sb.append(", ");
            }
            String n = kv[i];
            String v = kv[i + 1];
            sb.append(n == INVALID_UTF8 || n == TOO_LONG ? n : Labels.isLegacyName(n) ? n : Labels.quote(n))
                .append('=')
                .append(v == INVALID_UTF8 || v == TOO_LONG ? v : Labels.quote(v));
        }
        if (pairs > kvLen / 2) {
            sb.append(kvLen > 0 ? ", " : "").append("... ").append(pairs - kvLen / 2).append(" more");
        }
        return sb.append('}').toString();
    }
}
