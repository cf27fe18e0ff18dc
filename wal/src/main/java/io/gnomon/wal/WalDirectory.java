package io.gnomon.wal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Listing and deleting the files of a WAL directory. Stateless. */
final class WalDirectory {

    private WalDirectory() {
    }

    /** Indices of the segment files in {@code dir}, ascending. */
    static int[] segments(Path dir) throws IOException {
        final List<Integer> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                final int index = WalDescriptor.parseSegmentName(p.getFileName().toString());
                if (index >= 0 && Files.isRegularFile(p)) {
                    found.add(index);
                }
            }
        }
        return sorted(found);
    }

    /** Indices of the complete checkpoint directories in {@code dir}, ascending. */
    static int[] checkpoints(Path dir) throws IOException {
        final List<Integer> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                final int index = WalDescriptor.parseCheckpointName(p.getFileName().toString());
                if (index >= 0 && Files.isDirectory(p)) {
                    found.add(index);
                }
            }
        }
        return sorted(found);
    }

    /** Leftover temporary checkpoint directories ({@code checkpoint.NNNNNNNN.tmp}). */
    static List<Path> temporaryCheckpoints(Path dir) throws IOException {
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                final String name = p.getFileName().toString();
                if (name.startsWith(WalDescriptor.CHECKPOINT_PREFIX) && name.endsWith(WalDescriptor.TMP_SUFFIX)) {
                    found.add(p);
                }
            }
        }
        found.sort(Comparator.naturalOrder());
        return found;
    }

    /** Deletes a file or a directory tree; no error when it does not exist. */
    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        if (Files.isDirectory(path)) {
            try (Stream<Path> walk = Files.walk(path)) {
                final Path[] all = walk.sorted(Comparator.reverseOrder()).toArray(Path[]::new);
                for (Path p : all) {
                    Files.deleteIfExists(p);
                }
            }
        } else {
            Files.deleteIfExists(path);
        }
    }

    private static int[] sorted(List<Integer> found) {
        final int[] out = new int[found.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = found.get(i);
        }
        Arrays.sort(out);
        return out;
    }
}
