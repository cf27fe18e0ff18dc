package io.gnomon.scrape.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.HttpClientConfig.ProxyConfig;
import java.net.Proxy;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which requests go through the proxy, as Go's net/http and httpproxy decide (table of cases). */
class ProxyRulesTest {

    static String via(ProxyRules r, String url) {
        Proxy p = r.select(URI.create(url)).get(0);
        return p.type() == Proxy.Type.DIRECT ? "direct" : p.address().toString().replace("/<unresolved>", "");
    }

    @Test
    void proxyUrlAloneProxiesEverythingLoopbackIncluded() {
        ProxyRules r = ProxyRules.of(new ProxyConfig("http://proxy:3128", "", false), Map.of());
        assertEquals("proxy:3128", via(r, "http://127.0.0.1:9100/metrics"));
        assertEquals("proxy:3128", via(r, "https://localhost:9100/metrics"));
        assertEquals("proxy:3128", via(r, "http://node.example.com:9100/metrics"));
    }

    @Test
    void noProxyMatchesAsGoDoes() {
        ProxyRules r = ProxyRules.of(new ProxyConfig("http://proxy", "example.com, .internal,*.corp.net,10.0.0.0/8,192.168.1.5,db.local:5432,[::2]", false), Map.of());
        String[][] cases = {
            {"http://example.com/", "direct"},
            {"http://a.example.com/", "direct"},
            {"http://notexample.com/", "proxy:80"},
            {"http://internal/", "proxy:80"},
            {"http://x.internal/", "direct"},
            {"http://corp.net/", "proxy:80"},
            {"http://a.corp.net/", "direct"},
            {"http://10.1.2.3:9100/", "direct"},
            {"http://11.1.2.3:9100/", "proxy:80"},
            {"http://192.168.1.5/", "direct"},
            {"http://192.168.1.6/", "proxy:80"},
            {"http://db.local:5432/", "direct"},
            {"http://db.local:5433/", "proxy:80"},
            {"http://[::2]:9100/", "direct"},
            {"http://localhost:9100/", "direct"}, // loopback is never proxied once no_proxy is set
            {"http://127.0.0.2:9100/", "direct"},
            {"http://[::1]:9100/", "direct"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], via(r, c[0]), c[0]);
        }
        assertEquals("direct", via(ProxyRules.of(new ProxyConfig("http://proxy", "*", false), Map.of()), "http://anything/"));
    }

    @Test
    void environmentChoosesByScheme() {
        ProxyRules r = ProxyRules.of(new ProxyConfig("", "", true),
            Map.of("HTTP_PROXY", "plain:3128", "https_proxy", "http://secure:3129", "NO_PROXY", "skip.me"));
        assertNull(r.error());
        assertEquals("plain:3128", via(r, "http://a.b/"));
        assertEquals("secure:3129", via(r, "https://a.b/"));
        assertEquals("direct", via(r, "https://skip.me/"));
        assertEquals("direct", via(r, "http://localhost/"));
        ProxyRules none = ProxyRules.of(new ProxyConfig("", "", true), Map.of());
        assertEquals("direct", via(none, "http://a.b/"));
        ProxyRules cgi = ProxyRules.of(new ProxyConfig("", "", true), Map.of("HTTP_PROXY", "plain:3128", "REQUEST_METHOD", "GET"));
        assertEquals("direct", via(cgi, "http://a.b/"));
    }

    @Test
    void unusableEnvironmentProxiesAreAnError() {
        ProxyRules r = ProxyRules.of(new ProxyConfig("", "", true), Map.of("HTTPS_PROXY", "socks5://s:1080"));
        assertTrue(r.error().contains("HTTPS_PROXY \"socks5://s:1080\": scheme socks5 is not supported"), r.error());
        assertNull(ProxyRules.of(ProxyConfig.NONE, Map.of("HTTP_PROXY", "p:1")));
    }
}
