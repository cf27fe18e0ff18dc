package io.gnomon.bench;

import io.gnomon.bench.sidebyside.BenchPayloads;
import io.gnomon.ingest.remotewrite.RemoteWriteLimits;
import io.gnomon.ingest.remotewrite.RemoteWriteReceiver;
import io.gnomon.ingest.remotewrite.WriteResponse;
import io.gnomon.tsdb.labels.Labels;
import io.gnomon.tsdb.storage.AppendResult;
import io.gnomon.tsdb.storage.Appendable;
import io.gnomon.tsdb.storage.Appender;
import io.gnomon.tsdb.storage.Exemplar;
import io.gnomon.tsdb.storage.Metadata;
import io.gnomon.tsdb.storage.Rejection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The receiver's own cost per sample: snappy, decode, label resolution and one {@code append}
 * call into a storage that only counts. 500 node-like series x 240 samples per request, the
 * side-by-side harness's steady workload. Run:
 * {@code java -jar benchmarks/target/benchmarks.jar RemoteWriteReceiverBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteWriteReceiverBench {

    static final int SERIES = 500;
    static final int SAMPLES = 240;

    @Param({"1", "2"})
    public int protocol;

    private RemoteWriteReceiver receiver;
    private byte[] body;
    private String contentType;

    @Setup(Level.Trial)
    public void setup() {
        receiver = new RemoteWriteReceiver(new CountingAppendable(), RemoteWriteLimits.defaults(), () -> Long.MAX_VALUE / 2);
        body = BenchPayloads.encode(protocol == 2, 0, SERIES, 0, SAMPLES, 1_700_000_000_000L, 10_000);
        contentType = protocol == 2 ? "application/x-protobuf;proto=io.prometheus.write.v2.Request" : "application/x-protobuf";
    }

    /** Throughput is reported in samples per second. */
    @Benchmark
    @OperationsPerInvocation(SERIES * SAMPLES)
    public WriteResponse handle() {
        WriteResponse r = receiver.handle(contentType, "snappy", null, body);
        if (r.status() != 204) {
            throw new IllegalStateException(r.message());
        }
        return r;
    }

    /** A storage that counts samples and hands out refs; the cost of a real head is not in here. */
    public static final class CountingAppendable implements Appendable {
        @Override
        public Appender appender() {
            return new Appender() {
                long samples;

                @Override
                public long append(long ref, Labels labels, long t, double v) {
                    samples++;
                    return ref != 0 ? ref : labels.hash() | 1;
                }

                @Override
                public long appendExemplar(long ref, Labels labels, Exemplar exemplar) {
                    return ref;
                }

                @Override
                public long updateMetadata(long ref, Labels labels, Metadata metadata) {
                    return ref;
                }

                @Override
                public AppendResult commit() {
                    return new AppendResult(samples, 0, new long[Rejection.values().length], null, null, null);
                }

                @Override
                public void rollback() {
                }
            };
        }
    }
}
