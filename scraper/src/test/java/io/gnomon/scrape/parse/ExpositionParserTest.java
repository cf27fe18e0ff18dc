package io.gnomon.scrape.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables of exposition text and what the parser reads from it. */
class ExpositionParserTest {

    record Read(String labels, double value, Long ts) {
    }

    static List<Object> parse(String text, boolean om) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ExpositionParser p = new ExpositionParser().reset(b, b.length, om);
        List<Object> out = new ArrayList<>();
        while (true) {
            ExpositionParser.Entry e = p.next();
            if (e == ExpositionParser.Entry.END) {
                return out;
            }
            if (e == ExpositionParser.Entry.SERIES) {
                Labels.Builder lb = Labels.builder();
                p.labels(lb);
                out.add(new Read(lb.build().toString(), p.value(), p.hasTimestamp() ? p.timestamp() : null));
            } else {
                out.add(e + " " + p.metricName() + " " + p.text());
            }
        }
    }

    @Test
    void textFormat() {
        List<Object> r = parse("# HELP http_requests_total The total.\\nSecond line \\\\ ok\n"
            + "# TYPE http_requests_total counter\n"
            + "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
            + "http_requests_total{method=\"post\",code=\"400\",}    3   1395066363000\n"
            + "\n# a comment\n"
            + "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
            + "metric_without_timestamp_and_labels 12.47\n"
            + "something_weird{problem=\"division by zero\"} +Inf -3982045\n"
            + "nan_value NaN\n"
            + "  indented 1\n", false);
        assertEquals("HELP http_requests_total The total.\nSecond line \\ ok", r.get(0));
        assertEquals("TYPE http_requests_total counter", r.get(1));
        assertEquals(new Read("{__name__=\"http_requests_total\", code=\"200\", method=\"post\"}", 1027, 1395066363000L), r.get(2));
        assertEquals(new Read("{__name__=\"http_requests_total\", code=\"400\", method=\"post\"}", 3, 1395066363000L), r.get(3));
        assertEquals(new Read("{__name__=\"msdos_file_access_time_seconds\", error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\", path=\"C:\\\\DIR\\\\FILE.TXT\"}",
            1.458255915e9, null), r.get(4));
        assertEquals(new Read("{__name__=\"metric_without_timestamp_and_labels\"}", 12.47, null), r.get(5));
        assertEquals(new Read("{__name__=\"something_weird\", problem=\"division by zero\"}", Double.POSITIVE_INFINITY, -3982045L), r.get(6));
        assertTrue(Double.isNaN(((Read) r.get(7)).value()));
        assertEquals(new Read("{__name__=\"indented\"}", 1, null), r.get(8));
    }

    @Test
    void quotedUtf8Names() {
        List<Object> r = parse("{\"my.metric\",\"some.label\"=\"v\"} 1\n{\"only.name\"} 2\n", false);
        assertEquals(new Read("{__name__=\"my.metric\", \"some.label\"=\"v\"}", 1, null), r.get(0));
        assertEquals(new Read("{__name__=\"only.name\"}", 2, null), r.get(1));
    }

    @Test
    void histogramAndSummaryBoundsAreNormalized() {
        List<Object> r = parse("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"100000\"} 1\nh_bucket{le=\"1e6\"} 1\n"
            + "h_bucket{le=\"+inf\"} 1\n# TYPE s summary\ns{quantile=\"0.50\"} 1\n# TYPE g gauge\ng{le=\"1\"} 1\n", false);
        assertEquals("{__name__=\"h_bucket\", le=\"1.0\"}", ((Read) r.get(1)).labels());
        assertEquals("{__name__=\"h_bucket\", le=\"100000.0\"}", ((Read) r.get(2)).labels());
        assertEquals("{__name__=\"h_bucket\", le=\"1e+06\"}", ((Read) r.get(3)).labels());
        // shortest digits as Go prints them (Java 17's Double.toString has one digit more here)
        assertEquals("8.796136976278171e+18", ExpositionParser.formatOpenMetricsFloat(Double.longBitsToDouble(0x43de8489fe76af4bL)));
        assertEquals("0.0001", ExpositionParser.formatOpenMetricsFloat(1e-4));
        assertEquals("1e-05", ExpositionParser.formatOpenMetricsFloat(1e-5));
        assertEquals("-0.0", ExpositionParser.formatOpenMetricsFloat(-0.0));
        assertEquals("{__name__=\"h_bucket\", le=\"+Inf\"}", ((Read) r.get(4)).labels());
        assertEquals("{__name__=\"s\", quantile=\"0.5\"}", ((Read) r.get(6)).labels());
        assertEquals("{__name__=\"g\", le=\"1\"}", ((Read) r.get(8)).labels());
    }

    @Test
    void openMetrics() {
        String om = "# TYPE acme_http_router_request_seconds summary\n"
            + "# UNIT acme_http_router_request_seconds seconds\n"
            + "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.\n"
            + "acme_http_router_request_seconds_sum{path=\"/api/v1\",method=\"GET\"} 9036.32\n"
            + "acme_http_router_request_seconds_count{path=\"/api/v1\",method=\"GET\"} 807283.0\n"
            + "acme_http_router_request_seconds_created{path=\"/api/v1\",method=\"GET\"} 1605281325.0\n"
            + "# TYPE foo counter\nfoo_total 17.0 1520879607.789 # {id=\"counter-test\"} 5\n"
            + "# TYPE state stateset\nstate{state=\"a\"} 1\nstate{state=\"b\"} 0\n"
            + "# EOF\n";
        List<Object> r = parse(om, true);
        assertEquals("TYPE acme_http_router_request_seconds summary", r.get(0));
        assertEquals("UNIT acme_http_router_request_seconds seconds", r.get(1));
        assertEquals(new Read("{__name__=\"acme_http_router_request_seconds_created\", method=\"GET\", path=\"/api/v1\"}",
            1605281325.0, null), r.get(5));
        assertEquals(new Read("{__name__=\"foo_total\"}", 17, 1520879607789L), r.get(7));
        assertEquals(11, r.size());
    }

    @Test
    void exemplar() {
        byte[] b = "# TYPE a counter\na_total 1 # {trace_id=\"x\"} 0.5 123.456\n# EOF".getBytes(StandardCharsets.UTF_8);
        ExpositionParser p = new ExpositionParser().reset(b, b.length, true);
        p.next();
        assertEquals(ExpositionParser.Entry.SERIES, p.next());
        assertTrue(p.hasExemplar());
        assertEquals(0.5, p.exemplarValue());
        assertEquals(123456, p.exemplarTimestamp());
        Labels.Builder lb = Labels.builder();
        p.exemplarLabels(lb);
        assertEquals("x", lb.build().get("trace_id"));
        assertEquals(ExpositionParser.Entry.END, p.next());
    }

    @Test
    void theSeriesBytesAreTheCacheKey() {
        byte[] b = "a{x=\"1\"} 1\na{x=\"1\"} 2 5\n".getBytes(StandardCharsets.UTF_8);
        ExpositionParser p = new ExpositionParser().reset(b, b.length, false);
        p.next();
        String k1 = new String(b, p.seriesStart(), p.seriesEnd() - p.seriesStart(), StandardCharsets.UTF_8);
        p.next();
        String k2 = new String(b, p.seriesStart(), p.seriesEnd() - p.seriesStart(), StandardCharsets.UTF_8);
        assertEquals("a{x=\"1\"}", k1);
        assertEquals(k1, k2);
    }

    @Test
    void errorsNameTheLine() {
        String[][] bad = {
            {"a 1\nb{x=\"1\" 2\n", "line=2"},
            {"a\n", "expected a space and a value"},
            {"a abc\n", "invalid value"},
            {"a 1 2 3\n", "unexpected text"},
            {"a{x=1} 1\n", "quoted label value"},
            {"a{x=\"\\q\"} 1\n", "invalid escape"},
            {"# TYPE a bogus\n", "invalid metric type"},
            {"a 1 1.5\n", "invalid timestamp"},
            {"{ 1\n", "quoted metric name"},
            {"\u0000\u0001garbage\n", "expected a metric name"},
        };
        for (String[] c : bad) {
            ParseException e = assertThrows(ParseException.class, () -> parse(c[0], false), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
        String[][] badOm = {
            {"a 1\n", "# EOF"},
            {"a 1\n# EOF\nb 1\n", "after # EOF"},
            {"# random comment\n# EOF\n", "unknown comment"},
            {"a 1\n\n# EOF\n", "empty line"},
            {"# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n", "not a suffix"},
        };
        for (String[] c : badOm) {
            ParseException e = assertThrows(ParseException.class, () -> parse(c[0], true), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
        }
    }

    @Test
    void valuesParseAsGoDoes() {
        String[] vals = {"0", "-0", "1", "1.5", "-2.25e-3", "1e10", "123456789012345678901234567890", "0.1", "3.14159",
            "1.7976931348623157e308", "4.9e-324", ".5", "5.", "1E5", "+3"};
        for (String v : vals) {
            List<Object> r = parse("a " + v + "\n", false);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(v)), Double.doubleToRawLongBits(((Read) r.get(0)).value()), v);
        }
        assertFalse(Double.isNaN(((Read) parse("a Inf\n", false).get(0)).value()));
    }

    @Test
    void openMetricsFloatFormat() {
        assertEquals("1.0", ExpositionParser.formatOpenMetricsFloat(1));
        assertEquals("0.25", ExpositionParser.formatOpenMetricsFloat(0.25));
        assertEquals("10.0", ExpositionParser.formatOpenMetricsFloat(10));
        assertEquals("1e+06", ExpositionParser.formatOpenMetricsFloat(1e6));
        assertEquals("1e-05", ExpositionParser.formatOpenMetricsFloat(1e-5));
        assertEquals("0.0001", ExpositionParser.formatOpenMetricsFloat(1e-4));
        assertEquals("2.5e+07", ExpositionParser.formatOpenMetricsFloat(2.5e7));
    }
}
