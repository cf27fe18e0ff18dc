package io.gnomon.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void defaultsArePrometheus() {
        Flags f = Flags.defaults();
        assertEquals(":9090", f.string("web.listen-address"));
        assertEquals("data/", f.string("storage.tsdb.path"));
        assertEquals(Duration.ofDays(15), f.duration("storage.tsdb.retention.time"));
        assertEquals(Duration.ofMinutes(2), f.duration("query.timeout"));
        assertEquals(50_000_000, f.integer("query.max-samples"));
        assertEquals(Duration.ofMinutes(5), f.duration("query.lookback-delta"));
        assertEquals(100_000, f.integer("storage.tsdb.max-exemplars"));
        assertEquals(false, f.bool("web.enable-admin-api"));
    }

    @Test
    void bothSyntaxesAndBooleans() {
        Flags f = Flags.parse(new String[] {"--web.listen-address", "127.0.0.1:1234", "--query.timeout=30s",
            "--web.enable-admin-api", "--no-storage.tsdb.wal-compression", "--storage.tsdb.retention.size=10GB"});
        assertEquals("127.0.0.1:1234", f.string("web.listen-address"));
        assertEquals(Duration.ofSeconds(30), f.duration("query.timeout"));
        assertTrue(f.bool("web.enable-admin-api"));
        assertEquals(false, f.bool("storage.tsdb.wal-compression"));
        assertEquals(10L << 30, f.bytes("storage.tsdb.retention.size"));
    }

    @Test
    void storageFlagsBecomeDbOptions() {
        var d = Gnomon.dbOptions(Flags.defaults());
        assertEquals(15L * 24 * 3600 * 1000, d.retentionMillis());
        assertEquals(0, d.retentionBytes());
        assertEquals(2 * 3600 * 1000L, d.blockRange());
        // 10% of 15 d = 36 h caps the ranges at 2 h, 6 h, 18 h.
        assertEquals(java.util.List.of(2 * 3600_000L, 6 * 3600_000L, 18 * 3600_000L), d.ranges());
        d = Gnomon.dbOptions(Flags.parse(new String[] {"--storage.tsdb.retention.time=0", "--storage.tsdb.retention.size=1GB",
            "--storage.tsdb.min-block-duration=10m", "--storage.tsdb.max-block-duration=30m"}));
        assertEquals(0, d.retentionMillis());
        assertTrue(d.retentionBytes() >= 1_000_000_000L, Long.toString(d.retentionBytes()));
        assertEquals(java.util.List.of(600_000L, 1_800_000L), d.ranges());
    }

    @Test
    void unknownFlagNamesIt() {
        var e = assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"--storage.tsdb.pth=x"}));
        assertEquals("unknown long flag '--storage.tsdb.pth', try --help", e.getMessage());
    }

    @Test
    void badValueNamesFlagAndExpectation() {
        var e = assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"--query.timeout=soon"}));
        assertEquals("invalid value \"soon\" for flag '--query.timeout': expected a duration like 15d, 2h, 5m or 30s", e.getMessage());
        assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"--query.max-samples=-1"}));
        assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"--log.level=loud"}));
        assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"--query.timeout"}));
        assertThrows(Flags.FlagException.class, () -> Flags.parse(new String[] {"stray"}));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMinutes(90), Flags.parseDuration("1h30m"));
        assertEquals(Duration.ofMillis(1500), Flags.parseDuration("1s500ms"));
        assertEquals(Duration.ofDays(365), Flags.parseDuration("1y"));
        assertEquals(Duration.ZERO, Flags.parseDuration("0"));
        assertThrows(IllegalArgumentException.class, () -> Flags.parseDuration("30m1h"));
        assertThrows(IllegalArgumentException.class, () -> Flags.parseDuration("5"));
        assertThrows(IllegalArgumentException.class, () -> Flags.parseDuration("1.5h"));
    }

    @Test
    void helpListsEveryFlagWithDefault() {
        String u = Flags.usage();
        for (Flags.Def d : Flags.definitions()) {
            assertTrue(u.contains(d.name()), d.name());
        }
        assertTrue(u.contains("(default: :9090)"));
        assertTrue(u.contains("(default: 15d)"));
    }

    @Test
    void enableFeatureIsRepeatableAndCommaSeparated() {
        Flags f = Flags.parse(new String[] {"--enable-feature=use-start-timestamps,exemplar-storage",
            "--enable-feature", "no-such-feature", "--enable-feature=promql-experimental-functions"});
        assertEquals(java.util.List.of("use-start-timestamps", "exemplar-storage", "no-such-feature",
            "promql-experimental-functions"), java.util.List.copyOf(f.features()));
        assertEquals(java.util.List.of("no-such-feature"), f.unknownFeatures());
        assertTrue(Gnomon.queryOptions(f).useStartTimestamps(), "use-start-timestamps reaches the engine");
        Flags none = Flags.defaults();
        assertTrue(none.features().isEmpty());
        assertEquals(false, Gnomon.queryOptions(none).useStartTimestamps(), "off by default, as in Prometheus");
    }
}
