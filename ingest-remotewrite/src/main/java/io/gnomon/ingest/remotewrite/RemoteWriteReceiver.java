package io.gnomon.ingest.remotewrite;

import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * The remote-write 1.0 and 2.0 receiver, independent of the transport: the HTTP route hands over
 * three headers and the body and writes back the {@link WriteResponse}.
 *
 * <p>What is answered how (the specifications, and Prometheus's {@code write_handler.go} where
 * they leave room):
 * <ul>
 * <li>415: a {@code Content-Type} other than {@code application/x-protobuf} (1.0) or
 *     {@code application/x-protobuf;proto=io.prometheus.write.v2.Request} (2.0), a
 *     {@code Content-Encoding} other than {@code snappy}, or an
 *     {@code X-Prometheus-Remote-Write-Version} that is neither 0.1.x, 1.x nor 2.x. A missing
 *     Content-Type means 1.0 and a missing Content-Encoding means snappy, as Prometheus accepts.
 * <li>413: a compressed body over {@code maxBodySize}, a snappy header declaring more than
 *     {@code maxDecompressedSize} (checked before anything is allocated), or more series than
 *     {@code maxSeriesPerRequest}. Nothing is written.
 * <li>429 with {@code Retry-After}: more than {@code maxInflight} requests being decoded.
 * <li>400, nothing written: bad snappy, bad protobuf, a 1.0 body sent as 2.0 or the reverse.
 * <li>400 after committing everything else: series or samples that can never be stored
 *     (invalid, duplicate or empty labels, invalid UTF-8, symbol references out of range, label
 *     limits, out of order, duplicate, too old or too far in the future, native histograms). The
 *     message names the first refused series and its reason, then the counts per reason.
 * <li>500, nothing written: the storage failed; the sender may retry safely.
 * <li>204: everything was written.
 * </ul>
 * Every answer carries the {@code X-Prometheus-Remote-Write-{Samples,Histograms,Exemplars}-Written}
 * headers (see {@link WriteResponse#headers()}).
 *
 * <p>Threading: {@link #handle} is thread-safe and blocking; call it on a worker thread, never
 * on an event loop. Each calling thread keeps one {@link RequestDecoder} (caches and buffers).
 *
 * <p>Durability: a 204 means the samples were committed to the {@link Appendable}; they are as
 * durable as its {@code commit()} makes them.
 */
public final class RemoteWriteReceiver {

    private static final System.Logger LOG = System.getLogger(RemoteWriteReceiver.class.getName());

    /** Prometheus refuses samples more than 10 minutes ahead of its clock; so do we. */
    public static final long MAX_AHEAD_MILLIS = 10 * 60 * 1000L;

    private static final String SUPPORTED = "supported: Content-Type \"" + RemoteWriteDescriptor.MEDIA_TYPE
        + "\" (remote-write 1.0) or \"" + RemoteWriteDescriptor.CONTENT_TYPE_V2 + "\" (2.0), Content-Encoding \""
        + RemoteWriteDescriptor.ENCODING_SNAPPY + "\"";

    private final Appendable appendable;
    private final RemoteWriteLimits limits;
    private final LongSupplier clock;
    private final Semaphore inflight;
    private final ThreadLocal<RequestDecoder> decoders;

    private final LongAdder requests = new LongAdder();
    private final LongAdder samplesWritten = new LongAdder();
    private final LongAdder exemplarsWritten = new LongAdder();
    private final LongAdder[] byStatus = new LongAdder[6];
    private final LongAdder[] refusedByReason = new LongAdder[Reason.values().length];

    public RemoteWriteReceiver(Appendable appendable, RemoteWriteLimits limits) {
        this(appendable, limits, System::currentTimeMillis);
    }

    /** With a clock (milliseconds since the epoch) for the too-far-in-the-future check. */
    public RemoteWriteReceiver(Appendable appendable, RemoteWriteLimits limits, LongSupplier clock) {
        this.appendable = appendable;
        this.limits = limits;
        this.clock = clock;
        this.inflight = new Semaphore(limits.maxInflight());
        this.decoders = ThreadLocal.withInitial(() -> new RequestDecoder(limits));
        for (int i = 0; i < byStatus.length; i++) {
            byStatus[i] = new LongAdder();
        }
        for (int i = 0; i < refusedByReason.length; i++) {
            refusedByReason[i] = new LongAdder();
        }
    }

    public RemoteWriteLimits limits() {
        return limits;
    }

    /** Remote-write protocol version chosen by the Content-Type. */
    public enum Version { V1, V2 }

    /**
     * Answers one request.
     *
     * @param contentType     the Content-Type header, or null
     * @param contentEncoding the Content-Encoding header, or null
     * @param versionHeader   the X-Prometheus-Remote-Write-Version header, or null
     * @param body            the compressed body; read only, not retained
     */
    public WriteResponse handle(String contentType, String contentEncoding, String versionHeader,
                                byte[] body, int off, int len) {
        requests.increment();
        WriteResponse r = handle0(contentType, contentEncoding, versionHeader, body, off, len, true);
        byStatus[Math.min(5, r.status() / 100)].increment();
        samplesWritten.add(r.samplesWritten());
        exemplarsWritten.add(r.exemplarsWritten());
        return r;
    }

    public WriteResponse handle(String contentType, String contentEncoding, String versionHeader, byte[] body) {
        return handle(contentType, contentEncoding, versionHeader, body, 0, body.length);
    }

    /**
     * Takes one of the {@code maxInflight} permits without blocking. A transport that queues
     * requests before a worker runs them (the HTTP server) calls this when a request arrives, so
     * that at most {@code maxInflight} requests wait or decode at once, answers
     * {@link #overloaded()} when it fails, and otherwise calls {@link #handleAdmitted} and then
     * {@link #release()}.
     */
    public boolean tryAdmit() {
        return inflight.tryAcquire();
    }

    /** Returns a permit taken by {@link #tryAdmit()}. */
    public void release() {
        inflight.release();
    }

    /** The 429 answer, with {@code Retry-After}, to a request that got no permit. */
    public WriteResponse overloaded() {
        requests.increment();
        byStatus[4].increment();
        return tooManyInflight();
    }

    /** Like {@link #handle}, for a request whose permit the caller took with {@link #tryAdmit()}. */
    public WriteResponse handleAdmitted(String contentType, String contentEncoding, String versionHeader,
                                       byte[] body, int off, int len) {
        requests.increment();
        WriteResponse r = handle0(contentType, contentEncoding, versionHeader, body, off, len, false);
        byStatus[Math.min(5, r.status() / 100)].increment();
        samplesWritten.add(r.samplesWritten());
        exemplarsWritten.add(r.exemplarsWritten());
        return r;
    }

    private WriteResponse tooManyInflight() {
        return new WriteResponse(429, "too many remote-write requests in flight [limit=" + limits.maxInflight()
            + ", flag=--web.remote-write.max-inflight]; retry later", 0, 0, 0, 1);
    }

    /** The answer to a body that the transport refused to read because it is over the limit. */
    public WriteResponse bodyTooLarge(long size) {
        requests.increment();
        byStatus[4].increment();
        return WriteResponse.error(413, tooLarge("compressed body", size, limits.maxBodySize(), "max-body-size"));
    }

    private WriteResponse handle0(String contentType, String contentEncoding, String versionHeader,
                                  byte[] body, int off, int len, boolean admit) {
        Version version = parseContentType(contentType);
        if (version == null) {
            return WriteResponse.error(415, "unsupported Content-Type " + quote(contentType) + "; " + SUPPORTED);
        }
        if (contentEncoding != null && !contentEncoding.isBlank()
            && !contentEncoding.trim().equalsIgnoreCase(RemoteWriteDescriptor.ENCODING_SNAPPY)) {
            return WriteResponse.error(415, "unsupported Content-Encoding " + quote(contentEncoding) + "; " + SUPPORTED);
        }
        if (!supportedVersionHeader(versionHeader)) {
            return WriteResponse.error(415, "unsupported " + RemoteWriteDescriptor.HEADER_VERSION + " "
                + quote(versionHeader) + "; supported: 0.1.0, 1.x, 2.x");
        }
        if (len > limits.maxBodySize()) {
            return WriteResponse.error(413, tooLarge("compressed body", len, limits.maxBodySize(), "max-body-size"));
        }
        if (admit && !inflight.tryAcquire()) {
            return tooManyInflight();
        }
        RequestDecoder dec = decoders.get();
        try {
            return decodeAndWrite(version, dec, body, off, len);
        } finally {
            dec.finish();
            if (admit) {
                inflight.release();
            }
        }
    }

    private WriteResponse decodeAndWrite(Version version, RequestDecoder dec, byte[] body, int off, int len) {
        int declared;
        try {
            declared = Snappy.uncompressedLength(body, off, len);
        } catch (Exception | SnappyError e) {
            return WriteResponse.error(400, MalformedRequestException.snappy("bad length header").getMessage());
        }
        if (declared < 0 || declared > limits.maxDecompressedSize()) {
            return WriteResponse.error(413, tooLarge("decompressed body", declared < 0 ? Integer.toUnsignedLong(declared) : declared,
                limits.maxDecompressedSize(), "max-decompressed-size"));
        }
        byte[] buf = dec.buffer(declared);
        int n;
        try {
            n = declared == 0 ? 0 : Snappy.uncompress(body, off, len, buf, 0);
        } catch (Exception | SnappyError e) {
            return WriteResponse.error(400, MalformedRequestException.snappy(String.valueOf(e.getMessage())).getMessage());
        }
        if (n != declared) {
            return WriteResponse.error(400, MalformedRequestException.sizeMismatch(declared, n).getMessage());
        }
        int series;
        try {
            series = version == Version.V2 ? dec.scanV2(buf, n) : dec.scanV1(buf, n);
        } catch (MalformedRequestException e) {
            return WriteResponse.error(400, e.getMessage());
        }
        if (series > limits.maxSeriesPerRequest()) {
            return WriteResponse.error(413, "too many series in one request [series=" + series + ", limit="
                + limits.maxSeriesPerRequest() + ", flag=--web.remote-write.max-series-per-request]; "
                + "lower the sender's max_samples_per_send");
        }
        long maxT = clock.getAsLong() + MAX_AHEAD_MILLIS;
        Appender app;
        try {
            app = appendable.appender();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "remote write: storage refused an appender", e);
            return WriteResponse.error(500, "storage unavailable: " + e.getMessage());
        }
        try {
            if (version == Version.V2) {
                dec.writeV2(buf, n, app, maxT);
            } else {
                dec.writeV1(buf, n, app, maxT);
            }
        } catch (MalformedRequestException e) {
            rollback(app);
            return WriteResponse.error(400, e.getMessage() + "; nothing was written");
        } catch (RuntimeException e) {
            rollback(app);
            LOG.log(System.Logger.Level.ERROR, "remote write: append failed", e);
            return WriteResponse.error(500, "internal error while appending, nothing was written: " + e);
        }
        AppendResult result;
        try {
            result = app.commit();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "remote write: commit failed", e);
            return WriteResponse.error(500, "internal error while committing, nothing was written: " + e);
        }
        Tally tally = dec.tally;
        tally.merge(result);
        for (Reason r : Reason.values()) {
            long c = tally.count(r);
            if (c > 0) {
                refusedByReason[r.ordinal()].add(c);
            }
        }
        int status = tally.badRequest() ? 400 : 204;
        return new WriteResponse(status, tally.any() ? tally.describe() : "", result.samplesAppended(), 0,
            result.exemplarsAppended(), 0);
    }

    private static void rollback(Appender app) {
        try {
            app.rollback();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "remote write: rollback failed", e);
        }
    }

    /**
     * The protocol named by a Content-Type, or null when unsupported. The media type is compared
     * case-insensitively, parameters may carry spaces and quotes; {@code proto=} selects 2.0
     * ({@code io.prometheus.write.v2.Request}) or 1.0 ({@code prometheus.WriteRequest}); no
     * {@code proto} (or no Content-Type at all) means 1.0.
     */
    public static Version parseContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Version.V1;
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().toLowerCase(Locale.ROOT).equals(RemoteWriteDescriptor.MEDIA_TYPE)) {
            return null;
        }
        Version v = Version.V1;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).trim();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                value = value.substring(1, value.length() - 1);
            }
            if (key.equals("proto")) {
                if (value.equals(RemoteWriteDescriptor.PROTO_V2)) {
                    v = Version.V2;
                } else if (value.equals(RemoteWriteDescriptor.PROTO_V1)) {
                    v = Version.V1;
                } else {
                    return null;
                }
            }
        }
        return v;
    }

    static boolean supportedVersionHeader(String v) {
        if (v == null || v.isBlank()) {
            return true;
        }
        v = v.trim();
        return v.startsWith("0.1.") || v.equals("0.1") || v.startsWith("1.") || v.equals("1")
            || v.startsWith("2.") || v.equals("2");
    }

    private static String tooLarge(String what, long size, long limit, String flag) {
        return what + " too large [size=" + size + ", limit=" + limit + ", flag=--web.remote-write." + flag + "]";
    }

    private static String quote(String s) {
        return s == null ? "(none)" : "\"" + s + "\"";
    }

    // ---------------------------------------------------------------- statistics

    /** Requests answered so far, by status class (index 2 = 2xx ... 5 = 5xx). */
    public long requestsByStatusClass(int statusClass) {
        return byStatus[Math.max(0, Math.min(5, statusClass))].sum();
    }

    public long requests() {
        return requests.sum();
    }

    public long samplesWritten() {
        return samplesWritten.sum();
    }

    public long exemplarsWritten() {
        return exemplarsWritten.sum();
    }

    /** Items refused so far for this reason (samples, histograms, exemplars or metadata entries). */
    public long refused(Reason reason) {
        return refusedByReason[reason.ordinal()].sum();
    }
}
