package io.gnomon.wal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Child process of {@link WalCrashTest}: appends records from several threads forever and prints
 * the id of each record after its append returned (one line each, flushed), until it is killed.
 *
 * <p>Arguments: {@code dir round threads fsyncPolicy}. Ids are {@code round << 48 | thread << 40 | seq}.
 */
public final class CrashWriterMain {

    private CrashWriterMain() {
    }

    public static void main(String[] args) throws Exception {
        final Path dir = Path.of(args[0]);
        final long round = Long.parseLong(args[1]);
        final int threads = Integer.parseInt(args[2]);
        final FsyncPolicy policy = FsyncPolicy.valueOf(args[3]);
        final OutputStream out = new FileOutputStream(FileDescriptor.out);
        final Wal wal = Wal.open(dir, WalOptions.defaults().withSegmentSize(256 * 1024).withFsyncPolicy(policy));
        print(out, "READY");
        for (int t = 0; t < threads; t++) {
            final int thread = t;
            final Thread worker = new Thread(() -> {
                final SplittableRandom random = new SplittableRandom(round * 1000 + thread);
                for (long seq = 0; ; seq++) {
                    final long id = (round << 48) | ((long) thread << 40) | seq;
                    final int length = 8 + random.nextInt(random.nextInt(20) == 0 ? 70_000 : 4000);
                    wal.append(ByteBuffer.wrap(TestRecords.record(id, length)));
                    print(out, Long.toString(id));
                }
            }, "writer-" + t);
            worker.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void print(OutputStream out, String line) {
        final byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (out) {
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
