package io.gnomon.ingest.remotewrite;

import static io.gnomon.ingest.remotewrite.Payloads.snappy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.head.Head;
import io.gnomon.tsdb.head.HeadOptions;
import io.gnomon.tsdb.labels.Matcher;
import io.gnomon.tsdb.storage.Querier;
import io.gnomon.tsdb.storage.SampleIterator;
import io.gnomon.tsdb.storage.SelectHints;
import io.gnomon.tsdb.storage.SeriesSet;
import io.gnomon.tsdb.storage.ValueType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Remote-write 2.0 start timestamps reach the head's samples. */
class RemoteWriteStartTimestampTest {

    static final long NOW = 1_700_000_000_000L;

    final Head head = new Head(HeadOptions.defaults());
    final RemoteWriteReceiver receiver = new RemoteWriteReceiver(head, RemoteWriteLimits.defaults(), () -> NOW);

    /** "t=v/st" of the series named {@code name}. */
    List<String> read(String name) {
        List<String> out = new ArrayList<>();
        try (Querier q = head.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(false, SelectHints.NONE, Matcher.eq("__name__", name));
            assertTrue(ss.next());
            SampleIterator it = ss.at().iterator(null);
            while (it.next() == ValueType.FLOAT) {
                out.add((it.atT() - NOW) + "=" + (long) it.atV() + "/" + (it.atST() == 0 ? "none" : it.atST() - NOW));
            }
            assertNull(it.err());
        }
        return out;
    }

    @Test
    void createdTimestampAndSampleStartTimestampBecomeStartTimestamps() {
        Payloads.V2 req = new Payloads.V2();
        // Series-level created_timestamp: a zero is injected at it, and every sample carries it.
        req.series("__name__", "c_total").createdTimestamp(NOW - 10_000).sample(NOW - 5000, 3).sample(NOW - 4000, 4).done();
        // Per-sample start_timestamp (delta-style), overriding nothing else.
        req.series("__name__", "d_total").sampleWithStart(NOW - 2000, 5, NOW - 3000).sampleWithStart(NOW - 1000, 6, NOW - 2000).done();
        // Neither: no start timestamp.
        req.series("__name__", "g").sample(NOW - 1000, 7).done();
        WriteResponse r = receiver.handle(RemoteWriteDescriptor.CONTENT_TYPE_V2, "snappy", "2.0.0", snappy(req.build()));
        assertEquals(204, r.status(), r.message());
        assertEquals(List.of("-10000=0/none", "-5000=3/-10000", "-4000=4/-10000"), read("c_total"));
        assertEquals(List.of("-2000=5/-3000", "-1000=6/-2000"), read("d_total"));
        assertEquals(List.of("-1000=7/none"), read("g"));
    }
}
