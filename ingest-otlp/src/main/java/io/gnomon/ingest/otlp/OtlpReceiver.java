package io.gnomon.ingest.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.gnomon.tsdb.codec.Gunzip;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsPartialSuccess;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The OTLP metrics receiver, independent of the transport: the HTTP routes hand over two headers
 * and the body; the gRPC server hands over one (decompressed) message.
 *
 * <p>OTLP/HTTP answers (OTLP specification, "OTLP/HTTP Response"):
 * <ul>
 * <li>200 with an {@code ExportMetricsServiceResponse} in the request's encoding: everything was
 *     written, or a partial success whose {@code rejected_data_points} and {@code error_message}
 *     say what was refused and why (first refusal named, then counts per reason). The rest of
 *     the request was written.
 * <li>400 with a {@code google.rpc.Status}: the body is not an OTLP request (bad gzip, protobuf,
 *     JSON, trace id); nothing was written. Not retryable.
 * <li>413: body or decompressed body over the limit; nothing was written.
 * <li>415: a Content-Type other than {@code application/x-protobuf} or {@code application/json},
 *     or a Content-Encoding other than {@code gzip}/{@code identity}.
 * <li>429 with {@code Retry-After}: too many requests in flight. 503 with {@code Retry-After}:
 *     storage not ready or failing; nothing was written; retry.
 * </ul>
 * OTLP/gRPC maps the same outcomes to {@code OK} (with partial success), {@code INVALID_ARGUMENT},
 * {@code RESOURCE_EXHAUSTED} (too large) and {@code UNAVAILABLE} (overloaded, storage), which
 * OTLP clients retry with backoff.
 *
 * <p>Threading: thread-safe and blocking; call on a worker thread, never an event loop. Each
 * thread keeps one converter.
 *
 * <p>Durability: a success means the samples were committed to the {@link Appendable}. Delta
 * state is changed only by requests whose commit succeeded (changes are undone otherwise), so a
 * retried request after a failure is accumulated exactly once.
 */
public final class OtlpReceiver {

    private static final System.Logger LOG = System.getLogger(OtlpReceiver.class.getName());

    public static final String PROTOBUF = "application/x-protobuf";
    public static final String JSON = "application/json";
    private static final String SUPPORTED = "supported: Content-Type \"" + PROTOBUF + "\" or \"" + JSON
        + "\", Content-Encoding \"gzip\" or none";

    /** Body encodings of OTLP/HTTP. */
    public enum Encoding { PROTOBUF, JSON }

    private final Appendable appendable;
    private final OtlpOptions options;
    private final LongSupplier clock;
    private final DeltaStore delta;
    private final Semaphore inflight;
    private final ThreadLocal<MetricsConverter> converters;
    private final ThreadLocal<WireConverter> wires;
    private final ThreadLocal<Outcome> outcomes = ThreadLocal.withInitial(Outcome::new);
    private final AtomicLong lastSweep = new AtomicLong();

    private final LongAdder requests = new LongAdder();
    private final LongAdder points = new LongAdder();
    private final LongAdder pointsRejected = new LongAdder();
    private final LongAdder samplesWritten = new LongAdder();
    private final LongAdder[] byStatus = new LongAdder[6];
    private final LongAdder[] refusedByReason = new LongAdder[Reason.values().length];

    public OtlpReceiver(Appendable appendable, OtlpOptions options, SeriesLookup lookup) {
        this(appendable, options, lookup, System::currentTimeMillis);
    }

    /** With a clock (ms since the epoch) for delta staleness. */
    public OtlpReceiver(Appendable appendable, OtlpOptions options, SeriesLookup lookup, LongSupplier clock) {
        this.appendable = appendable;
        this.options = options;
        this.clock = clock;
        this.delta = new DeltaStore(options.maxDeltaStreams(), options.deltaStalenessPeriod().toMillis(), lookup);
        this.inflight = new Semaphore(options.maxInflight());
        this.converters = ThreadLocal.withInitial(() -> new MetricsConverter(options, delta));
        this.wires = ThreadLocal.withInitial(() -> new WireConverter(converters.get()));
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] = new LongAdder();
        }
        for (int i = 0; i < refusedByReason.length; i++) {
            refusedByReason[i] = new LongAdder();
        }
        lastSweep.set(clock.getAsLong());
    }

    public OtlpOptions options() {
        return options;
    }

    public DeltaStore deltaStore() {
        return delta;
    }

    // ---------------------------------------------------------------- admission

    /** Takes one of the max-inflight permits without blocking (see RemoteWriteReceiver). */
    public boolean tryAdmit() {
        return inflight.tryAcquire();
    }

    public void release() {
        inflight.release();
    }

    /** The 429 answer to an OTLP/HTTP request that got no permit. */
    public OtlpResponse overloaded(String contentType) {
        requests.increment();
        byStatus[4].increment();
        return error(429, encodingOr(contentType), tooManyInflight(), 1);
    }

    /** The gRPC answer to a call that got no permit: UNAVAILABLE, which clients retry with backoff. */
    public GrpcAnswer overloadedGrpc() {
        requests.increment();
        byStatus[4].increment();
        return new GrpcAnswer(GrpcAnswer.UNAVAILABLE, tooManyInflight(), null);
    }

    private String tooManyInflight() {
        return "too many OTLP requests in flight [limit=" + options.maxInflight() + "]; retry later";
    }

    /** The 413 answer to a body the transport refused to read. */
    public OtlpResponse bodyTooLarge(String contentType, long size) {
        requests.increment();
        byStatus[4].increment();
        return error(413, encodingOr(contentType), tooLarge("body", size, options.maxBodySize()), 0);
    }

    /** The 503 answer while storage is not ready. */
    public OtlpResponse unavailable(String contentType, String why) {
        requests.increment();
        byStatus[5].increment();
        return error(503, encodingOr(contentType), "storage unavailable: " + why, 5);
    }

    // ---------------------------------------------------------------- OTLP/HTTP

    /**
     * Answers one OTLP/HTTP request whose permit the caller took with {@link #tryAdmit()}.
     *
     * @param body the body as received; read only, not retained
     */
    public OtlpResponse handleHttp(String contentType, String contentEncoding, byte[] body, int off, int len) {
        requests.increment();
        OtlpResponse r = handleHttp0(contentType, contentEncoding, body, off, len);
        byStatus[Math.min(5, r.status() / 100)].increment();
        return r;
    }

    private OtlpResponse handleHttp0(String contentType, String contentEncoding, byte[] body, int off, int len) {
        Encoding enc = parseContentType(contentType);
        if (enc == null) {
            return error(415, Encoding.PROTOBUF, "unsupported Content-Type " + quote(contentType) + "; " + SUPPORTED, 0);
        }
        boolean gzip = false;
        if (contentEncoding != null && !contentEncoding.isBlank()) {
            String ce = contentEncoding.trim().toLowerCase(Locale.ROOT);
            if (ce.equals("gzip")) {
                gzip = true;
            } else if (!ce.equals("identity")) {
                return error(415, enc, "unsupported Content-Encoding " + quote(contentEncoding) + "; " + SUPPORTED, 0);
            }
        }
        if (len > options.maxBodySize()) {
            return error(413, enc, tooLarge("body", len, options.maxBodySize()), 0);
        }
        ExportMetricsServiceRequest req = null;
        byte[] raw = body;
        int rawOff = off;
        int rawLen = len;
        try {
            if (gzip) {
                Gunzip g = Gunzip.forThread();
                int n;
                try {
                    n = g.inflate(body, off, len, null, options.maxDecompressedSize());
                } catch (Gunzip.CorruptGzipException e) {
                    throw MalformedOtlpException.gzip(e.getMessage());
                }
                if (n < 0) {
                    return error(413, enc, tooLarge("decompressed body", options.maxDecompressedSize() + 1L,
                        options.maxDecompressedSize()), 0);
                }
                raw = g.output();
                rawOff = 0;
                rawLen = n;
            }
            if (enc == Encoding.JSON) {
                req = OtlpJson.parse(new String(raw, rawOff, rawLen, StandardCharsets.UTF_8));
            }
        } catch (MalformedOtlpException e) {
            return error(400, enc, e.getMessage(), 0);
        }
        Outcome o = outcomes.get();
        String failure;
        try {
            failure = ingest(req, raw, rawOff, rawLen, o);
        } catch (MalformedOtlpException e) {
            return error(400, enc, e.getMessage() + "; nothing was written", 0);
        }
        if (failure != null) {
            return error(503, enc, failure, 5);
        }
        String msg = o.any() ? o.describe() : "";
        byte[] out = enc == Encoding.JSON ? responseJson(o.pointsRejected, msg) : responseProto(o.pointsRejected, msg);
        return new OtlpResponse(200, enc == Encoding.JSON ? JSON : PROTOBUF, out, msg, o.pointsRejected, 0);
    }

    // ---------------------------------------------------------------- OTLP/gRPC

    /** Answers one {@code MetricsService/Export} message (already decompressed), admitted by the caller. */
    public GrpcAnswer handleGrpc(byte[] message, int off, int len) {
        requests.increment();
        GrpcAnswer a = handleGrpc0(message, off, len);
        byStatus[a.status() == GrpcAnswer.OK ? 2 : a.status() == GrpcAnswer.UNAVAILABLE
            || a.status() == GrpcAnswer.INTERNAL ? 5 : 4].increment();
        return a;
    }

    private GrpcAnswer handleGrpc0(byte[] message, int off, int len) {
        if (len > options.maxDecompressedSize()) {
            return new GrpcAnswer(GrpcAnswer.RESOURCE_EXHAUSTED, tooLarge("message", len, options.maxDecompressedSize()), null);
        }
        Outcome o = outcomes.get();
        String failure;
        try {
            failure = ingest(null, message, off, len, o);
        } catch (MalformedOtlpException e) {
            return new GrpcAnswer(GrpcAnswer.INVALID_ARGUMENT, e.getMessage() + "; nothing was written", null);
        }
        if (failure != null) {
            return new GrpcAnswer(GrpcAnswer.UNAVAILABLE, failure, null);
        }
        String msg = o.any() ? o.describe() : "";
        return new GrpcAnswer(GrpcAnswer.OK, "", responseProto(o.pointsRejected, msg));
    }

    /** The gRPC answer to a message larger than the limit, refused before it was read whole. */
    public GrpcAnswer messageTooLarge(long size) {
        requests.increment();
        byStatus[4].increment();
        return new GrpcAnswer(GrpcAnswer.RESOURCE_EXHAUSTED, tooLarge("message", size, options.maxDecompressedSize()), null);
    }

    // ---------------------------------------------------------------- core

    /**
     * Converts and commits; returns null on success (the outcome says what was refused), or the
     * reason nothing was written (storage unavailable or failing: retryable). A parsed request
     * (JSON) is converted as is; protobuf bytes go through the {@link WireConverter}, which may
     * find them malformed midway: then everything is rolled back and the exception rethrown.
     */
    private String ingest(ExportMetricsServiceRequest req, byte[] raw, int off, int len, Outcome o) {
        o.reset();
        long now = clock.getAsLong();
        maybeSweep(now);
        Appender app;
        try {
            app = appendable.appender();
        } catch (RuntimeException e) {
            return "storage unavailable: " + e.getMessage();
        }
        DeltaStore.Undo undo = delta.newUndo();
        MetricsConverter conv = converters.get();
        try {
            if (req != null) {
                conv.convert(req, app, o, undo, now);
            } else {
                conv.begin(app, o, undo, now);
                wires.get().convert(raw, off, len);
            }
        } catch (MalformedOtlpException e) {
            undo.rollback();
            rollback(app);
            throw e;
        } catch (RuntimeException e) {
            undo.rollback();
            rollback(app);
            LOG.log(System.Logger.Level.ERROR, "OTLP: append failed", e);
            return "internal error while appending, nothing was written: " + e;
        }
        AppendResult result;
        try {
            result = app.commit();
        } catch (RuntimeException e) {
            undo.rollback();
            LOG.log(System.Logger.Level.ERROR, "OTLP: commit failed", e);
            return "storage failed while committing, nothing was written: " + e.getMessage();
        }
        o.merge(result);
        points.add(o.points);
        pointsRejected.add(o.pointsRejected);
        samplesWritten.add(o.samplesWritten);
        for (Reason r : Reason.values()) {
            long c = o.count(r);
            if (c > 0) {
                refusedByReason[r.ordinal()].add(c);
            }
        }
        return null;
    }

    /** Evicts idle delta streams at most every tenth of the staleness period, from whichever request comes. */
    private void maybeSweep(long now) {
        long period = Math.max(1000, options.deltaStalenessPeriod().toMillis() / 10);
        long last = lastSweep.get();
        if (now - last >= period && lastSweep.compareAndSet(last, now)) {
            evictStale(now);
        }
    }

    /** Evicts delta streams idle for the staleness period and marks their series stale. */
    public int evictStale(long now) {
        try {
            return delta.evictStale(now, appendable);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "OTLP: marking idle delta streams stale failed", e);
            return 0;
        }
    }

    private static void rollback(Appender app) {
        try {
            app.rollback();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "OTLP: rollback failed", e);
        }
    }

    static ExportMetricsServiceRequest parseProtobuf(byte[] b, int off, int len) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(b, off, len);
            ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(in);
            in.checkLastTagWas(0);
            return r;
        } catch (InvalidProtocolBufferException e) {
            throw MalformedOtlpException.protobuf(e.getMessage());
        } catch (IOException e) {
            throw MalformedOtlpException.protobuf(String.valueOf(e.getMessage()));
        }
    }

    /** The encoding named by a Content-Type ({@code application/x-protobuf} or {@code application/json}), or null. */
    public static Encoding parseContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        int semi = contentType.indexOf(';');
        String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return switch (media) {
            case PROTOBUF -> Encoding.PROTOBUF;
            case JSON -> Encoding.JSON;
            default -> null;
        };
    }

    private static Encoding encodingOr(String contentType) {
        Encoding e = parseContentType(contentType);
        return e == null ? Encoding.PROTOBUF : e;
    }

    // ---------------------------------------------------------------- bodies

    static byte[] responseProto(long rejected, String message) {
        ExportMetricsServiceResponse.Builder b = ExportMetricsServiceResponse.newBuilder();
        if (rejected > 0 || !message.isEmpty()) {
            b.setPartialSuccess(ExportMetricsPartialSuccess.newBuilder()
                .setRejectedDataPoints(rejected).setErrorMessage(message));
        }
        return b.build().toByteArray();
    }

    static byte[] responseJson(long rejected, String message) {
        if (rejected == 0 && message.isEmpty()) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        StringBuilder sb = new StringBuilder(64 + message.length());
        sb.append("{\"partialSuccess\":{\"rejectedDataPoints\":\"").append(rejected).append("\",\"errorMessage\":");
        quoteJson(message, sb);
        return sb.append("}}").toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An error answer: a {@code google.rpc.Status} (code 3 INVALID_ARGUMENT for 4xx but 429, 8
     * RESOURCE_EXHAUSTED for 429 and 413, 14 UNAVAILABLE for 503) with the message.
     */
    private static OtlpResponse error(int status, Encoding enc, String message, int retryAfter) {
        int code = switch (status) {
            case 429, 413 -> GrpcAnswer.RESOURCE_EXHAUSTED;
            case 503 -> GrpcAnswer.UNAVAILABLE;
            case 415 -> GrpcAnswer.UNIMPLEMENTED;
            default -> status >= 500 ? GrpcAnswer.INTERNAL : GrpcAnswer.INVALID_ARGUMENT;
        };
        byte[] body;
        if (enc == Encoding.JSON) {
            StringBuilder sb = new StringBuilder().append("{\"code\":").append(code).append(",\"message\":");
            quoteJson(message, sb);
            body = sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
        } else {
            body = statusProto(code, message);
        }
        return new OtlpResponse(status, enc == Encoding.JSON ? JSON : PROTOBUF, body, message, 0, retryAfter);
    }

    /** {@code google.rpc.Status}: field 1 {@code code} (int32), field 2 {@code message} (string). */
    static byte[] statusProto(int code, String message) {
        int size = CodedOutputStream.computeInt32Size(1, code) + CodedOutputStream.computeStringSize(2, message);
        byte[] out = new byte[size];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        try {
            cos.writeInt32(1, code);
            cos.writeString(2, message);
            cos.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static void quoteJson(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static String tooLarge(String what, long size, long limit) {
        return "OTLP " + what + " too large [size=" + size + ", limit=" + limit + "]";
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }

    // ---------------------------------------------------------------- statistics

    public long requestsByStatusClass(int statusClass) {
        return byStatus[Math.max(0, Math.min(5, statusClass))].sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long dataPoints() {
        return points.sum();
    }

    public long dataPointsRejected() {
        return pointsRejected.sum();
    }

    public long samplesWritten() {
        return samplesWritten.sum();
    }

    public long refused(Reason r) {
        return refusedByReason[r.ordinal()].sum();
    }
}
