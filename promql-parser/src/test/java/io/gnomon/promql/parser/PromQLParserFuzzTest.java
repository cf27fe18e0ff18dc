package io.gnomon.promql.parser;

import static org.junit.jupiter.api.Assertions.fail;

import io.gnomon.promql.ast.Expr;
import io.gnomon.promql.ast.NormalForm;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing: random strings and mutations of valid queries must either parse or throw
 * {@link ParseException}; nothing else may escape. Whatever parses must also round-trip
 * through the single-line and the multi-line formatter, and dump as JSON. Bounded by iteration count and a time budget so CI stays fast.
 *
 * <p>The seed is fixed so the build is reproducible and printed; rerun a failure with
 * {@code -Dpromql.fuzz.seed=<seed>}, explore with {@code -Dpromql.fuzz.seed=random}, and fuzz longer
 * with {@code -Dpromql.fuzz.iterations=<n> -Dpromql.fuzz.budgetMillis=<ms>}.
 */
class PromQLParserFuzzTest {
    private static final String[] SEEDS = {
        "sum by (job) (rate(http_requests_total{job=\"api\", code=~\"5..\"}[5m]))",
        "histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m] offset 1h @ 100)))",
        "a + on(b) group_left(c) d or e and f unless g",
        "foo[5m:1m] offset -5m @ start()",
        "x[step() * 2 + 1m] offset (1h + 5m)",
        "topk(5, -x ^ 2 % 3) > bool 1",
        "{\"http.server.duration\", \"service.name\"=\"x\"}",
        "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\") # comment",
        "count_values(\"v\", x) + fill_left(0) fill_right(1) y",
        "rate(x[5m] anchored) - increase(y[1m] smoothed)",
        "'a\\x41' `b` \"c\\u00e9\" 0x1F .5e3 Inf NaN 1h30m",
        "info(rate(x[5m]), {k=\"v\"})[30m:]",
        "x </ -0s",
    };
    private static final String ALPHABET = "abcxyz_:{}[]()\"'`,=!~<>+-*/%^@#. \n\t0123456789emshdwyINFnan"
            + "sum by without on ignoring group_left offset bool and or unless step() range() \\é";

    @Test
    void longOperatorChainsParse() {
        // Generated queries OR together thousands of selectors; chains are walked iteratively.
        String q = "a" + " or a".repeat(5000);
        Expr e = PromQLParser.parse(q);
        org.junit.jupiter.api.Assertions.assertEquals(q, PromQLFormatter.format(e));
    }

    @Test
    void onlyParseExceptionEscapes() {
        // A fixed seed keeps the build reproducible; -Dpromql.fuzz.seed=random explores new inputs.
        String seedProperty = System.getProperty("promql.fuzz.seed", "20261122");
        long seed = seedProperty.equals("random") ? System.nanoTime() : Long.parseLong(seedProperty);
        int iterations = Integer.getInteger("promql.fuzz.iterations", 10_000);
        long budgetNanos = Long.getLong("promql.fuzz.budgetMillis", 5_000L) * 1_000_000L;
        System.out.println("PromQLParserFuzzTest seed=" + seed + " (rerun with -Dpromql.fuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        List<String> corpus = corpus();
        for (String known : SEEDS) {
            check(seed, known);
        }
        long start = System.nanoTime();
        for (int i = 0; i < iterations && System.nanoTime() - start < budgetNanos; i++) {
            String input;
            switch (i % 3) {
                case 0:
                    input = randomBytes(rnd);
                    break;
                case 1:
                    input = randomTokens(rnd);
                    break;
                default:
                    input = mutate(rnd, corpus.get(rnd.nextInt(corpus.size())));
                    break;
            }
            check(seed, input);
        }
    }

    private static void check(long seed, String input) {
        Expr e;
        try {
            e = PromQLParser.parse(input);
        } catch (ParseException ok) {
            return;
        } catch (Throwable t) {
            fail("seed=" + seed + ": " + t + " escaped the parser for input " + Literals.goQuote(input), t);
            return;
        }
        AstJson.dump(e); // must not throw either
        for (String formatted : new String[] {PromQLFormatter.format(e), PromQLFormatter.pretty(e, 20)}) {
            try {
                Expr again = PromQLParser.parse(formatted);
                if (!NormalForm.of(e).equals(NormalForm.of(again))) {
                    fail("seed=" + seed + ": round trip changed the tree for input " + Literals.goQuote(input) + " formatted as "
                            + Literals.goQuote(formatted));
                }
            } catch (ParseException pe) {
                fail("seed=" + seed + ": formatted form " + Literals.goQuote(formatted) + " of " + Literals.goQuote(input)
                        + " does not parse: " + pe.getMessage());
            }
        }
    }

    private static List<String> corpus() {
        List<String> c = new ArrayList<>(List.of(SEEDS));
        if (Files.isDirectory(UpstreamTestFiles.DIR)) {
            for (UpstreamTestFiles.Eval e : UpstreamTestFiles.evals()) {
                c.add(e.query());
            }
        }
        return c;
    }

    private static String randomBytes(Random rnd) {
        byte[] b = new byte[rnd.nextInt(40)];
        rnd.nextBytes(b);
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String randomTokens(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(60);
        for (int i = 0; i < n; i++) {
            sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    private static String mutate(Random rnd, String s) {
        StringBuilder sb = new StringBuilder(s);
        int edits = 1 + rnd.nextInt(4);
        for (int k = 0; k < edits; k++) {
            int op = rnd.nextInt(5);
            int pos = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
            switch (op) {
                case 0: // delete a character
                    if (pos < sb.length()) {
                        sb.deleteCharAt(pos);
                    }
                    break;
                case 1: // insert a character from the alphabet
                    sb.insert(pos, ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    break;
                case 2: // duplicate a slice
                    if (sb.length() > 0) {
                        int a = rnd.nextInt(sb.length());
                        int b = Math.min(sb.length(), a + 1 + rnd.nextInt(10));
                        sb.insert(pos, sb.substring(a, b));
                    }
                    break;
                case 3: // replace with a random char (any code point)
                    if (pos < sb.length()) {
                        sb.setCharAt(pos, (char) rnd.nextInt(0x3000));
                    }
                    break;
                default: // truncate
                    sb.setLength(pos);
                    break;
            }
        }
        return sb.toString();
    }
}
