package io.gnomon.ingest.remotewrite;

import static io.gnomon.ingest.remotewrite.Payloads.*;
import static org.junit.jupiter.api.Assertions.*;

import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The receiver against the specifications, one rule per test, through an in-memory storage. */
class RemoteWriteReceiverTest {

    static final long NOW = 1_700_000_000_000L;
    static final String V1 = RemoteWriteDescriptor.MEDIA_TYPE;
    static final String V2 = RemoteWriteDescriptor.CONTENT_TYPE_V2;

    final MemoryAppendable storage = new MemoryAppendable();
    RemoteWriteReceiver receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults(), () -> NOW);

    WriteResponse v1(byte[] raw) {
        return receiver.handle(V1, "snappy", "0.1.0", snappy(raw));
    }

    WriteResponse v2(byte[] raw) {
        return receiver.handle(V2, "snappy", "2.0.0", snappy(raw));
    }

    static String[] up(String instance) {
        return new String[] {"__name__", "up", "instance", instance, "job", "node"};
    }

    static long[] ts(long... t) {
        return t;
    }

    static double[] vs(double... v) {
        return v;
    }

    static void assertHeaders(WriteResponse r, long samples, long histograms, long exemplars) {
        assertEquals(Long.toString(samples), r.headers().get(RemoteWriteDescriptor.HEADER_SAMPLES_WRITTEN));
        assertEquals(Long.toString(histograms), r.headers().get(RemoteWriteDescriptor.HEADER_HISTOGRAMS_WRITTEN));
        assertEquals(Long.toString(exemplars), r.headers().get(RemoteWriteDescriptor.HEADER_EXEMPLARS_WRITTEN));
    }

    // ---------------------------------------------------------------- 1.0

    @Test
    void v1SamplesAreWrittenAnd204() {
        WriteResponse r = v1(writeRequestV1(
            seriesV1(up("a"), ts(NOW - 2000, NOW - 1000), vs(1, 2)),
            seriesV1(up("b"), ts(NOW - 1000), vs(0))));
        assertEquals(204, r.status(), r.message());
        assertEquals("", r.message());
        assertHeaders(r, 3, 0, 0);
        assertEquals(List.of(new MemoryAppendable.Sample(NOW - 2000, 1), new MemoryAppendable.Sample(NOW - 1000, 2)),
            storage.samples(Labels.of(up("a"))));
        assertEquals(1, storage.samples(Labels.of(up("b"))).size());
    }

    @Test
    void v1SeriesSeenAgainHitsTheCacheAndKeepsItsLabels() {
        for (int i = 0; i < 3; i++) {
            WriteResponse r = v1(writeRequestV1(seriesV1(up("a"), ts(NOW - 3000 + i * 1000), vs(i))));
            assertEquals(204, r.status(), r.message());
        }
        assertEquals(3, storage.samples(Labels.of(up("a"))).size());
    }

    @Test
    void unsortedLabelsAreSorted() {
        String[] unsorted = {"job", "node", "__name__", "up", "instance", "x"};
        assertEquals(204, v1(writeRequestV1(seriesV1(unsorted, ts(NOW - 2000), vs(1)))).status());
        assertEquals(204, v1(writeRequestV1(seriesV1(unsorted, ts(NOW - 1000), vs(2)))).status());
        assertEquals(2, storage.samples(Labels.of(up("x"))).size());
        assertEquals(1, storage.series.size());
    }

    @Test
    void invalidLabelSetsAre400AndTheRestIsCommitted() {
        WriteResponse r = v1(writeRequestV1(
            seriesV1(up("ok"), ts(NOW - 1000), vs(1)),
            seriesV1(new String[] {"__name__", "x", "", "empty-name"}, ts(NOW - 1000, NOW), vs(1, 2)),
            seriesV1(new String[] {"__name__", "x", "a", "1", "a", "2"}, ts(NOW - 1000), vs(1)),
            seriesV1(new String[] {}, ts(NOW - 1000), vs(1)),
            seriesV1(new String[] {"job", "no-name"}, ts(NOW - 1000), vs(1))));
        assertEquals(400, r.status());
        assertHeaders(r, 1, 0, 0);
        assertTrue(r.message().startsWith("invalid labels for series {__name__=\"x\", \"\"=\"empty-name\"}"), r.message());
        assertTrue(r.message().contains("invalid labels=4"), r.message());
        assertTrue(r.message().contains("empty label set=1"), r.message());
        assertEquals(1, storage.samples(Labels.of(up("ok"))).size());
    }

    @Test
    void invalidUtf8Is400() {
        Msg label = new Msg().string(1, "__name__").bytes(2, new byte[] {'a', (byte) 0xC0, (byte) 0x80});
        Msg series = new Msg().msg(1, label).msg(2, sample(NOW, 1));
        WriteResponse r = v1(writeRequestV1(series, seriesV1(up("ok"), ts(NOW), vs(1))));
        assertEquals(400, r.status());
        assertTrue(r.message().contains("invalid UTF-8"), r.message());
        assertEquals(1, storage.sampleCount());
    }

    @Test
    void outOfOrderDuplicateAndTooOldAre400AfterCommittingTheRest() {
        assertEquals(204, v1(writeRequestV1(seriesV1(up("a"), ts(NOW - 1000), vs(1)))).status());
        storage.minValidTime = NOW - 100_000;
        WriteResponse r = v1(writeRequestV1(
            seriesV1(up("a"), ts(NOW - 5000, NOW - 1000, NOW), vs(1, 9, 3)),
            seriesV1(up("b"), ts(NOW - 200_000, NOW), vs(1, 1))));
        assertEquals(400, r.status());
        assertHeaders(r, 2, 0, 0);
        assertTrue(r.message().startsWith("out of order sample for series {__name__=\"up\", instance=\"a\", job=\"node\"}"),
            r.message());
        assertTrue(r.message().endsWith("rejected: out of order sample=1, duplicate sample for timestamp=1, out of bounds=1"),
            r.message());
        assertEquals(2, storage.samples(Labels.of(up("a"))).size());
        assertEquals(1, storage.samples(Labels.of(up("b"))).size());
    }

    @Test
    void samplesTooFarInTheFutureAreRefused() {
        WriteResponse r = v1(writeRequestV1(seriesV1(up("a"), ts(NOW, NOW + 11 * 60_000), vs(1, 2))));
        assertEquals(400, r.status());
        assertTrue(r.message().contains("too far in the future"), r.message());
        assertEquals(1, storage.sampleCount());
    }

    @Test
    void v1ExemplarsAndMetadataAreStored() {
        Msg s = seriesV1(up("a"), ts(NOW), vs(1)).msg(RemoteWriteDescriptor.V1_SERIES_EXEMPLARS,
            exemplarV1(new String[] {"trace_id", "abc"}, 0.5, NOW));
        byte[] raw = new Msg().msg(1, s).msg(3, metadataV1(1, "http_requests_total", "Requests.", "")).toByteArray();
        WriteResponse r = v1(raw);
        assertEquals(204, r.status(), r.message());
        assertHeaders(r, 1, 0, 1);
        var ex = storage.series.get(Labels.of(up("a"))).exemplars;
        assertEquals(1, ex.size());
        assertEquals(Labels.of("trace_id", "abc"), ex.get(0).labels());
        assertEquals(0.5, ex.get(0).value());
        assertEquals(new Metadata("counter", "", "Requests."), storage.metadata.get("http_requests_total"));
    }

    @Test
    void nativeHistogramsAreDecodedAndRefusedNeverIgnored() {
        Msg h = seriesV1(new String[] {"__name__", "latency"}, ts(), vs())
            .msg(RemoteWriteDescriptor.V1_SERIES_HISTOGRAMS, histogram(NOW));
        WriteResponse r = v1(writeRequestV1(h, seriesV1(up("a"), ts(NOW), vs(1))));
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("native histograms are not supported yet for series {__name__=\"latency\"}"),
            r.message());
        assertHeaders(r, 1, 0, 0);
    }

    @Test
    void unknownFieldsAreSkipped() {
        Msg s = seriesV1(up("a"), ts(NOW), vs(1)).varint(15, 7).string(16, "future");
        byte[] raw = new Msg().msg(1, s).varint(9, 1).toByteArray();
        assertEquals(204, v1(raw).status());
    }

    // ---------------------------------------------------------------- 2.0

    @Test
    void v2SymbolsMetadataExemplarsAndHeaders() {
        Payloads.V2 req = new Payloads.V2();
        req.series("__name__", "http_requests_total", "job", "api")
            .sample(NOW - 1000, 5).sample(NOW, 7)
            .exemplar(1.0, NOW, "trace_id", "t1")
            .metadata(1, "Requests served.", "requests").done();
        WriteResponse r = v2(req.build());
        assertEquals(204, r.status(), r.message());
        assertHeaders(r, 2, 0, 1);
        Labels l = Labels.of("__name__", "http_requests_total", "job", "api");
        assertEquals(2, storage.samples(l).size());
        assertEquals(new Metadata("counter", "requests", "Requests served."), storage.metadata.get("http_requests_total"));
    }

    @Test
    void v2CreatedTimestampInjectsAZeroOnlyWhenNewer() {
        Labels l = Labels.of("__name__", "c_total");
        Payloads.V2 first = new Payloads.V2();
        first.series("__name__", "c_total").createdTimestamp(NOW - 10_000).sample(NOW - 5000, 3).done();
        assertEquals(204, v2(first.build()).status());
        assertEquals(List.of(new MemoryAppendable.Sample(NOW - 10_000, 0), new MemoryAppendable.Sample(NOW - 5000, 3)),
            storage.samples(l));
        // Same created timestamp again: already older than the last sample, nothing injected, no error.
        Payloads.V2 again = new Payloads.V2();
        again.series("__name__", "c_total").createdTimestamp(NOW - 10_000).sample(NOW - 4000, 4).done();
        WriteResponse r = v2(again.build());
        assertEquals(204, r.status(), r.message());
        assertHeaders(r, 1, 0, 0);
        // A reset: new created timestamp after the last sample.
        Payloads.V2 reset = new Payloads.V2();
        reset.series("__name__", "c_total").createdTimestamp(NOW - 3000).sample(NOW - 2000, 1).done();
        assertEquals(204, v2(reset.build()).status());
        assertEquals(new MemoryAppendable.Sample(NOW - 3000, 0), storage.samples(l).get(3));
        assertEquals(5, storage.samples(l).size());
    }

    @Test
    void v2SymbolReferencesAreValidated() {
        Payloads.V2 req = new Payloads.V2();
        req.series("__name__", "ok").sample(NOW, 1).done();
        req.seriesRefs(1, 99).sample(NOW, 1).done();
        req.seriesRefs(1).sample(NOW, 1).done();
        WriteResponse r = v2(req.build());
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("invalid labels for series"), r.message());
        assertTrue(r.message().contains("symbol reference out of range"), r.message());
        assertTrue(r.message().contains("invalid labels=2"), r.message());
        assertHeaders(r, 1, 0, 0);
    }

    @Test
    void v2HeadersAreSentOnErrorsToo() {
        Payloads.V2 req = new Payloads.V2();
        req.series("__name__", "a").sample(NOW, 1).histogram(NOW).done();
        WriteResponse r = v2(req.build());
        assertEquals(400, r.status());
        assertHeaders(r, 1, 0, 0);
        assertTrue(r.message().contains("native histograms are not supported yet=1"), r.message());
    }

    @Test
    void aV1BodySentAs2IsABadRequestNotAnEmptySuccess() {
        WriteResponse r = v2(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1))));
        assertEquals(400, r.status());
        assertTrue(r.message().contains("check the Content-Type"), r.message());
        assertEquals(0, storage.sampleCount());
        Payloads.V2 req = new Payloads.V2();
        req.series("__name__", "a").sample(NOW, 1).done();
        assertEquals(400, v1(req.build()).status());
    }

    // ---------------------------------------------------------------- negotiation and limits

    @Test
    void unsupportedContentTypeEncodingOrVersionIs415NamingWhatIsSupported() {
        byte[] body = snappy(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1))));
        WriteResponse r = receiver.handle("application/json", "snappy", "0.1.0", body);
        assertEquals(415, r.status());
        assertTrue(r.message().contains("application/x-protobuf;proto=io.prometheus.write.v2.Request"), r.message());
        assertEquals(415, receiver.handle(V1 + ";proto=foo.Bar", "snappy", null, body).status());
        assertEquals(415, receiver.handle(V1, "gzip", null, body).status());
        assertEquals(415, receiver.handle(V1, "snappy", "3.0.0", body).status());
        assertEquals(204, receiver.handle("Application/X-Protobuf; proto=prometheus.WriteRequest", "SNAPPY", "1.0", body).status());
        assertEquals(0, storage.rollbacks.get());
    }

    @Test
    void contentTypeParsing() {
        assertEquals(RemoteWriteReceiver.Version.V1, RemoteWriteReceiver.parseContentType(null));
        assertEquals(RemoteWriteReceiver.Version.V1, RemoteWriteReceiver.parseContentType("application/x-protobuf"));
        assertEquals(RemoteWriteReceiver.Version.V2,
            RemoteWriteReceiver.parseContentType("application/x-protobuf; proto=\"io.prometheus.write.v2.Request\""));
        assertNull(RemoteWriteReceiver.parseContentType("application/x-protobuf;proto"));
        assertNull(RemoteWriteReceiver.parseContentType("text/plain"));
    }

    @Test
    void bodyOverTheLimitIs413() {
        receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults().withMaxBodySize(100), () -> NOW);
        byte[] raw = writeRequestV1(seriesV1(up("a".repeat(500)), ts(NOW), vs(1)));
        byte[] body = new byte[200];
        System.arraycopy(snappy(raw), 0, body, 0, Math.min(200, snappy(raw).length));
        WriteResponse r = receiver.handle(V1, "snappy", null, body);
        assertEquals(413, r.status());
        assertTrue(r.message().contains("--web.remote-write.max-body-size"), r.message());
    }

    @Test
    void snappyBombIsRefusedFromTheHeaderBeforeAllocating() {
        receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults().withMaxDecompressedSize(1 << 20), () -> NOW);
        // Declares 2 GiB - 1 in five bytes; nothing follows.
        byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        WriteResponse r = receiver.handle(V1, "snappy", null, bomb);
        assertEquals(413, r.status());
        assertTrue(r.message().contains("max-decompressed-size"), r.message());
        byte[] body = snappy(new byte[2 << 20]);
        assertEquals(413, receiver.handle(V1, "snappy", null, body).status());
    }

    @Test
    void tooManySeriesIs413AndNothingIsWritten() {
        receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults().withMaxSeriesPerRequest(2), () -> NOW);
        WriteResponse r = v1(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1)), seriesV1(up("b"), ts(NOW), vs(1)),
            seriesV1(up("c"), ts(NOW), vs(1))));
        assertEquals(413, r.status());
        assertEquals(0, storage.sampleCount());
    }

    @Test
    void labelLimitsRefuseTheSeries() {
        receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults().withMaxLabelsPerSeries(3)
            .withMaxLabelNameLength(10).withMaxLabelValueLength(20), () -> NOW);
        WriteResponse r = v1(writeRequestV1(
            seriesV1(new String[] {"__name__", "a", "b", "1", "c", "2", "d", "3"}, ts(NOW), vs(1)),
            seriesV1(new String[] {"__name__", "a", "long_name_x", "1"}, ts(NOW), vs(1)),
            seriesV1(new String[] {"__name__", "a", "v", "x".repeat(21)}, ts(NOW), vs(1)),
            seriesV1(up("ok"), ts(NOW), vs(1))));
        assertEquals(400, r.status());
        assertTrue(r.message().startsWith("label limits exceeded"), r.message());
        assertTrue(r.message().contains("more than 3 labels"), r.message());
        assertTrue(r.message().contains("label limits exceeded=3"), r.message());
        assertEquals(1, storage.sampleCount());
    }

    @Test
    void badSnappyAndBadProtobufAre400WithNothingWritten() {
        assertEquals(400, receiver.handle(V1, "snappy", null, "not snappy at all".getBytes(StandardCharsets.UTF_8)).status());
        assertEquals(400, receiver.handle(V1, "snappy", null, new byte[0]).status());
        byte[] good = writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1)), seriesV1(up("b"), ts(NOW), vs(1)));
        // Cut inside the second series' sample: the first series was appended, then rolled back.
        byte[] cut = new Msg().raw(good).raw(new byte[] {0x0a, 0x05, 0x12, 0x03, 0x09, 0x00}).toByteArray();
        WriteResponse r = v1(cut);
        assertEquals(400, r.status());
        assertTrue(r.message().contains("nothing was written") || r.message().contains("protobuf"), r.message());
        assertEquals(0, storage.sampleCount());
        // A known field with the wrong wire type.
        byte[] wrongType = new Msg().msg(1, new Msg().varint(2, 5)).toByteArray();
        assertEquals(400, v1(wrongType).status());
    }

    @Test
    void storageFailureIs500AndRetryable() {
        storage.failCommit = () -> new IllegalStateException("disk on fire");
        WriteResponse r = v1(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1))));
        assertEquals(500, r.status());
        assertHeaders(r, 0, 0, 0);
        storage.failCommit = null;
        assertEquals(204, v1(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1)))).status());
        assertEquals(1, storage.sampleCount());
    }

    @Test
    void overloadIs429WithRetryAfter() throws Exception {
        receiver = new RemoteWriteReceiver(storage, RemoteWriteLimits.defaults().withMaxInflight(1), () -> NOW);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.onAppender = () -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        byte[] body = snappy(writeRequestV1(seriesV1(up("a"), ts(NOW), vs(1))));
        AtomicReference<WriteResponse> first = new AtomicReference<>();
        Thread t = new Thread(() -> first.set(receiver.handle(V1, "snappy", null, body)));
        t.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        WriteResponse r = receiver.handle(V1, "snappy", null, body);
        assertEquals(429, r.status());
        assertEquals("1", r.headers().get("Retry-After"));
        release.countDown();
        t.join(10_000);
        assertEquals(204, first.get().status());
        storage.onAppender = null;
        assertEquals(204, receiver.handle(V1, "snappy", null, snappy(writeRequestV1(seriesV1(up("a"), ts(NOW + 1), vs(2)))))
            .status());
    }
}
