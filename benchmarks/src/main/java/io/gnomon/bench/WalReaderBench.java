package io.gnomon.bench;

import io.gnomon.wal.Wal;
import io.gnomon.wal.WalOptions;
import io.gnomon.wal.WalReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Start-up cost of a WAL: {@code openAndRepairScan} is {@link Wal#open} (which CRC-checks every
 * segment) plus close; {@code openAndReplay} adds reading and decompressing every record, as the
 * head replay will. The WAL holds 20,000 records of 10 KiB (~200 MB before compression) shaped
 * like samples records (see {@link WalBench}); files are in the page cache, so this measures CPU,
 * not the disk.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar WalReaderBench -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class WalReaderBench {

    private static final int RECORDS = 20_000;
    private static final int RECORD_SIZE = 10_240;

    @Param({"true", "false"})
    boolean compression;

    Path dir;

    @Setup(Level.Trial)
    public void write() throws IOException {
        dir = Files.createTempDirectory("wal-reader-bench");
        final SplittableRandom random = new SplittableRandom(1);
        final ByteBuffer b = ByteBuffer.allocate(RECORD_SIZE);
        try (Wal wal = Wal.open(dir, WalOptions.defaults().withCompression(compression))) {
            long position = 0;
            for (int i = 0; i < RECORDS; i++) {
                b.clear();
                double value = 1000 + i;
                while (b.remaining() >= 11) {
                    b.put((byte) (1 + random.nextInt(3)));
                    final int tsDelta = 15_000 + random.nextInt(-50, 50);
                    b.put((byte) (0x80 | (tsDelta & 0x7F))).put((byte) ((tsDelta >>> 7) & 0xFF));
                    value += random.nextInt(-3, 4);
                    b.putDouble(value);
                }
                b.clear();
                position = wal.submit(b);
            }
            wal.awaitDurable(position);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /** Removes the empty segment every open starts, so each operation sees the same log. */
    @TearDown(Level.Invocation)
    public void dropNewSegment() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            final Path[] segments = files.filter(p -> p.getFileName().toString().matches("\\d{8}"))
                    .sorted().toArray(Path[]::new);
            if (segments.length > 1 && Files.size(segments[segments.length - 1]) <= 8) {
                Files.delete(segments[segments.length - 1]);
            }
        }
    }

    @Benchmark
    public long openAndRepairScan() {
        try (Wal wal = Wal.open(dir, WalOptions.defaults())) {
            return wal.repairReport().recordsScanned();
        }
    }

    @Benchmark
    public long openAndReplay() {
        long bytes = 0;
        try (Wal wal = Wal.open(dir, WalOptions.defaults()); WalReader reader = wal.reader()) {
            while (reader.next()) {
                bytes += reader.record().getByte(0) + reader.length();
            }
        }
        return bytes;
    }
}
