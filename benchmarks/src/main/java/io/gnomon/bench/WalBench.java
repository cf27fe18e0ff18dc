package io.gnomon.bench;

import io.gnomon.wal.FsyncPolicy;
import io.gnomon.wal.Wal;
import io.gnomon.wal.WalMetrics;
import io.gnomon.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of {@link Wal} with group commit from two threads. Records imitate a
 * samples record of a commit: per sample a one-byte series-ref delta, a varint timestamp delta
 * around 15 s and an 8-byte float value from a random walk (about 11 bytes per sample), so
 * 2 KiB is ~190 samples and 10 KiB ~930. The score ({@code append}) is records/s; the
 * {@code bytes} counter is record bytes/s before compression. The fsync policy defaults to the
 * WAL default; {@code -p fsyncPolicy=ALWAYS} measures group commit with an fsync per batch.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar WalBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
public class WalBench {

    @Param({"2048", "10240"})
    int recordSize;

    @Param({"true", "false"})
    boolean compression;

    @Param({"SEGMENT_AND_INTERVAL"})
    FsyncPolicy fsyncPolicy;

    Path dir;
    Wal wal;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("wal-bench");
        wal = Wal.open(dir, WalOptions.defaults().withCompression(compression).withFsyncPolicy(fsyncPolicy));
    }

    /** Keeps the disk footprint to one iteration's worth of segments. */
    @TearDown(Level.Iteration)
    public void truncate() {
        wal.truncate(wal.cutSegment());
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        final WalMetrics m = wal.metrics();
        // Group commit at work: how many appends shared one write() and one fsync.
        System.out.printf("%nwal: records=%d writes=%d fsyncs=%d records/write=%.1f framed/record bytes=%.0f%n",
                m.records(), m.writes(), m.fsyncs(), (double) m.records() / Math.max(1, m.writes()),
                (double) m.framedBytes() / Math.max(1, m.records()));
        wal.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** One record per thread, built once; the WAL copies it on every append. */
    @State(Scope.Thread)
    public static class Record {
        UnsafeBuffer buffer;

        @Setup(Level.Trial)
        public void build(WalBench bench) {
            final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
            final ByteBuffer b = ByteBuffer.allocate(bench.recordSize);
            double value = 1000;
            while (b.remaining() >= 11) {
                b.put((byte) (1 + random.nextInt(3)));                  // series ref delta
                final int tsDelta = 15_000 + random.nextInt(-50, 50);   // scrape interval jitter, ms
                b.put((byte) (0x80 | (tsDelta & 0x7F))).put((byte) ((tsDelta >>> 7) & 0xFF));
                value += random.nextInt(-3, 4);
                b.putDouble(value);
            }
            buffer = new UnsafeBuffer(b.array());
        }
    }

    /** Record bytes appended per second (before compression). */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Bytes {
        public long bytes;
    }

    @Benchmark
    public long append(Record record, Bytes counter) {
        counter.bytes += record.buffer.capacity();
        return wal.append(record.buffer, 0, record.buffer.capacity());
    }
}
