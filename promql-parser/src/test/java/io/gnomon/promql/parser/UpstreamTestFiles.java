package io.gnomon.promql.parser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The eval queries of the upstream Prometheus {@code .test} files, read in place from the
 * shared conformance folder (never copied into the project). The folder is
 * {@code ../../shared/conformance/promql/testdata} from the module directory. When it is
 * absent the caller's test is skipped, except under {@code CI=true}, where absence fails.
 */
final class UpstreamTestFiles {
    static final Path DIR = Paths.get("..", "..", "shared", "conformance", "promql", "testdata");

    private static final Pattern EVAL = Pattern.compile(
            "^(eval(?:_fail|_warn|_info|_ordered)?)\\s+(?:instant\\s+at\\s+\\S+|range\\s+from\\s+\\S+\\s+to\\s+\\S+\\s+step\\s+\\S+)\\s+(.*)$");

    /** One eval statement: file, 1-based line, query text, and whether it expects failure. */
    record Eval(String file, int line, String query, boolean expectFail) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + query;
        }
    }

    private UpstreamTestFiles() {
    }

    /** Skips the calling test when the folder is absent, unless CI=true (then fails). */
    static Path requireDir() {
        if (!Files.isDirectory(DIR)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("upstream PromQL test files not found at " + DIR.toAbsolutePath()
                        + " (required when CI=true)");
            }
            Assumptions.abort("upstream PromQL test files not found at " + DIR.toAbsolutePath());
        }
        return DIR;
    }

    static List<Eval> evals() {
        Path dir = requireDir();
        List<Eval> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".test")).sorted().toList()) {
                List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = EVAL.matcher(lines.get(i).strip());
                    if (!m.matches()) {
                        continue;
                    }
                    boolean fail = m.group(1).equals("eval_fail");
                    for (int j = i + 1; j < lines.size() && !lines.get(j).isBlank(); j++) {
                        if (lines.get(j).strip().startsWith("expect fail")) {
                            fail = true;
                        }
                    }
                    out.add(new Eval(f.getFileName().toString(), i + 1, m.group(2), fail));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
