package io.gnomon.scrape.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gnomon.scrape.Peers;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Gnomon and {@code promtool check config} (Prometheus 2.42) give the same verdict on every file
 * under {@code configs/good} and {@code configs/bad}; and the verdict is the directory's name.
 */
class PromtoolCheckConfigTest {

    static List<Path> files(String dir) throws IOException, URISyntaxException {
        Path d = Path.of(PromtoolCheckConfigTest.class.getResource("/configs/" + dir).toURI());
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
        }
    }

    static boolean gnomonAccepts(Path p) {
        try {
            ConfigLoader.load(p);
            return true;
        } catch (ConfigException e) {
            return false;
        }
    }

    static boolean promtoolAccepts(String promtool, Path p) throws Exception {
        Process pr = new ProcessBuilder(promtool, "check", "config", p.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!pr.waitFor(60, TimeUnit.SECONDS)) {
            pr.destroyForcibly();
            throw new AssertionError("promtool hung on " + p);
        }
        return pr.exitValue() == 0;
    }

    @Test
    void verdictsMatchTheDirectories() throws Exception {
        for (Path p : files("good")) {
            assertEquals(true, gnomonAccepts(p), p.getFileName().toString());
        }
        for (Path p : files("bad")) {
            assertEquals(false, gnomonAccepts(p), p.getFileName().toString());
        }
        assertFalse(files("bad").isEmpty());
    }

    @Test
    void verdictsMatchPromtool() throws Exception {
        String promtool = Peers.binary("promtool");
        for (String dir : List.of("good", "bad")) {
            for (Path p : files(dir)) {
                assertEquals(promtoolAccepts(promtool, p), gnomonAccepts(p), dir + "/" + p.getFileName());
            }
        }
    }
}
