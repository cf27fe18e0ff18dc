package io.gnomon.ingest.otlp;

import static io.gnomon.ingest.otlp.Names.Kind.COUNTER;
import static io.gnomon.ingest.otlp.Names.Kind.GAUGE;
import static io.gnomon.ingest.otlp.Names.Kind.HISTOGRAM;
import static io.gnomon.ingest.otlp.TranslationStrategy.NoTranslation;
import static io.gnomon.ingest.otlp.TranslationStrategy.NoUTF8EscapingWithSuffixes;
import static io.gnomon.ingest.otlp.TranslationStrategy.UnderscoreEscapingWithSuffixes;
import static io.gnomon.ingest.otlp.TranslationStrategy.UnderscoreEscapingWithoutSuffixes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void metricNamesWithSuffixes() {
        var s = UnderscoreEscapingWithSuffixes;
        assertEquals("http_server_request_duration_seconds", Names.metricName("http.server.request.duration", "s", HISTOGRAM, s));
        assertEquals("requests_count_total", Names.metricName("requests.count", "1", COUNTER, s));
        assertEquals("memory_usage_bytes", Names.metricName("memory.usage", "By", GAUGE, s));
        assertEquals("cpu_utilization_ratio", Names.metricName("cpu.utilization", "1", GAUGE, s));
        assertEquals("speed_meters_per_second", Names.metricName("speed", "m/s", GAUGE, s));
        assertEquals("requests_total", Names.metricName("requests", "{request}", COUNTER, s));
        assertEquals("foo_total", Names.metricName("foo_total", "", COUNTER, s));
        assertEquals("foo_bytes_total", Names.metricName("foo.total", "By", COUNTER, s));
        assertEquals("a_b", Names.metricName("a__b", "", GAUGE, s));
        assertEquals("_3xx_count", Names.metricName("3xx.count", "", GAUGE, s));
        assertEquals("latency_milliseconds", Names.metricName("latency_milliseconds", "ms", GAUGE, s));
        assertEquals("", Names.metricName("...", "", GAUGE, s));
    }

    @Test
    void otherStrategies() {
        assertEquals("http_server_duration", Names.metricName("http.server.duration", "s", HISTOGRAM, UnderscoreEscapingWithoutSuffixes));
        assertEquals("http.server.duration_seconds", Names.metricName("http.server.duration", "s", HISTOGRAM, NoUTF8EscapingWithSuffixes));
        assertEquals("requests_total", Names.metricName("requests", "", COUNTER, NoUTF8EscapingWithSuffixes));
        assertEquals("http.server.duration", Names.metricName("http.server.duration", "s", HISTOGRAM, NoTranslation));
        assertEquals("http.method", Names.labelName("http.method", NoTranslation));
    }

    @Test
    void labelNames() {
        var s = UnderscoreEscapingWithSuffixes;
        assertEquals("http_method", Names.labelName("http.method", s));
        assertEquals("key_123", Names.labelName("123", s));
        assertEquals("__reserved__", Names.labelName("__reserved__", s));
        assertEquals("a_b", Names.labelName("a..b", s));
        assertEquals("", Names.labelName("", s));
        assertEquals("", Names.labelName("...", s));
    }

    @Test
    void floatsAsPrometheusWritesThem() {
        assertEquals("0.005", Names.formatFloat(0.005));
        assertEquals("1", Names.formatFloat(1.0));
        assertEquals("2.5", Names.formatFloat(2.5));
        // Java 17's Double.toString prints this with one digit too many; Go (and we) do not.
        assertEquals("8796136976278171000", Names.formatFloat(Double.longBitsToDouble(0x43de8489fe76af4bL)));
        assertEquals("0.0000001", Names.formatFloat(1e-7));
        assertEquals("+Inf", Names.formatFloat(Double.POSITIVE_INFINITY));
        assertEquals("1000000", Names.formatFloat(1e6));
        assertEquals("0.0001", Names.formatFloat(1e-4));
        assertEquals("100000000000000000000", Names.formatFloat(1e20));
    }

    @Test
    void strategyParsing() {
        assertEquals(NoTranslation, TranslationStrategy.parse("notranslation"));
        assertThrows(IllegalArgumentException.class, () -> TranslationStrategy.parse("bogus"));
    }
}
