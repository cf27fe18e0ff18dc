package io.gnomon.scrape.http;

import io.gnomon.scrape.config.HttpClientConfig.ProxyConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which proxy a request goes through, decided as Prometheus (Go's {@code net/http} and
 * {@code httpproxy}) decides it:
 *
 * <ul>
 *   <li>{@code proxy_url} alone: every request, loopback included, goes through it.</li>
 *   <li>{@code proxy_url} with {@code no_proxy}, and {@code proxy_from_environment}: requests to
 *       {@code localhost} and loopback addresses, and to hosts {@code no_proxy} matches, go direct.
 *       {@code no_proxy} is a comma-separated list of IP addresses, CIDR ranges, and domain names
 *       ({@code example.com} matches it and its subdomains, {@code .example.com} and
 *       {@code *.example.com} only subdomains), each optionally with {@code :port}; {@code *}
 *       matches everything.</li>
 *   <li>{@code proxy_from_environment}: {@code HTTP_PROXY} for http and {@code HTTPS_PROXY} for
 *       https targets (upper case first, then lower case), {@code NO_PROXY} as above; a value
 *       without a scheme means {@code http://}; read once, when the client is built.</li>
 * </ul>
 * Only {@code http://} proxies can be used by the JDK client; the loader refuses others in
 * {@code proxy_url}, and an unusable environment proxy fails every request with a message.
 */
public final class ProxyRules extends ProxySelector {

    private static final List<Proxy> DIRECT = List.of(Proxy.NO_PROXY);

    private final Proxy httpProxy;
    private final Proxy httpsProxy;
    private final boolean bypassRules;
    private final boolean all;
    /** no_proxy domains: {".suffix", port or "", "1" when the name itself matches too}. */
    private final List<String[]> domains = new ArrayList<>();
    /** no_proxy addresses: {address bytes, null for an exact match or {prefix bits} for a CIDR}. */
    private final List<byte[][]> ips = new ArrayList<>();
    /** The port of each entry of {@link #ips}, or "" for any. */
    private final List<String> ipPorts = new ArrayList<>();
    /** Why the configured proxies cannot be used, or null. */
    private final String error;

    private ProxyRules(String httpUrl, String httpsUrl, String noProxy, boolean bypassRules, String httpWhat, String httpsWhat) {
        String err = null;
        Proxy hp = null;
        Proxy hsp = null;
        try {
            hp = proxy(httpUrl, httpWhat);
            hsp = proxy(httpsUrl, httpsWhat);
        } catch (IllegalArgumentException e) {
            err = e.getMessage();
        }
        this.httpProxy = hp;
        this.httpsProxy = hsp;
        this.error = err;
        this.bypassRules = bypassRules;
        boolean star = false;
        for (String raw : noProxy.split(",")) {
            String p = raw.trim().toLowerCase(Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals("*")) {
                star = true;
                break;
            }
            if (p.contains("/")) {
                addCidr(p);
                continue;
            }
            String host = p;
            String port = "";
            int colon = p.lastIndexOf(':');
            if (colon > 0 && p.indexOf(':') == colon || (p.startsWith("[") && p.contains("]:"))) {
                host = p.substring(0, colon);
                port = p.substring(colon + 1);
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            byte[] ip = literal(host);
            if (ip != null) {
                ips.add(new byte[][] {ip, null});
                ipPorts.add(port);
                continue;
            }
            if (host.startsWith("*.")) {
                host = host.substring(1);
            }
            boolean matchHost = !host.startsWith(".");
            if (matchHost) {
                host = "." + host;
            }
            domains.add(new String[] {host, port, matchHost ? "1" : ""});
        }
        this.all = star;
    }

    /** The selector for a config, or null when requests go direct. */
    public static ProxyRules of(ProxyConfig c, Map<String, String> env) {
        if (c.fromEnvironment()) {
            String http = env(env, "HTTP_PROXY");
            if (env.get("REQUEST_METHOD") != null && !env.get("REQUEST_METHOD").isEmpty()) {
                http = ""; // as Go: in a CGI environment HTTP_PROXY may come from a request header
            }
            return new ProxyRules(http, env(env, "HTTPS_PROXY"), env(env, "NO_PROXY"), true,
                "proxy_from_environment: HTTP_PROXY", "proxy_from_environment: HTTPS_PROXY");
        }
        if (!c.url().isEmpty()) {
            return new ProxyRules(c.url(), c.url(), c.noProxy(), !c.noProxy().isEmpty(), "proxy_url", "proxy_url");
        }
        return null;
    }

    private static String env(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            v = env.get(name.toLowerCase(Locale.ROOT));
        }
        return v == null ? "" : v;
    }

    private static Proxy proxy(String url, String what) {
        if (url.isEmpty()) {
            return null;
        }
        String u = url.contains("://") ? url : "http://" + url;
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " \"" + url + "\" is not a valid proxy URL: " + e.getMessage());
        }
        if (!"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException(what + " \"" + url + "\": scheme " + uri.getScheme()
                + " is not supported (Gnomon uses http:// proxies only)");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(what + " \"" + url + "\" has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(what + ": proxies with credentials are not supported");
        }
        return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort()));
    }

    private void addCidr(String p) {
        int slash = p.indexOf('/');
        byte[] ip = literal(p.substring(0, slash));
        int bits;
        try {
            bits = Integer.parseInt(p.substring(slash + 1));
        } catch (NumberFormatException e) {
            return; // as Go: entries that do not parse are ignored
        }
        if (ip == null || bits < 0 || bits > ip.length * 8) {
            return;
        }
        ips.add(new byte[][] {ip, {(byte) bits}});
        ipPorts.add("");
    }

    /** Null when the proxies are usable; otherwise why not (every request fails with it). */
    public String error() {
        return error;
    }

    @Override
    public List<Proxy> select(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Proxy p = scheme.equals("https") ? httpsProxy : scheme.equals("http") ? httpProxy : null;
        if (p == null || (bypassRules && !useProxy(uri.getHost(), uri.getPort() >= 0 ? uri.getPort()
            : scheme.equals("https") ? 443 : 80))) {
            return DIRECT;
        }
        return List.of(p);
    }

    /** Go's {@code useProxy}: false for localhost, loopback, and what no_proxy matches. */
    boolean useProxy(String hostIn, int portNumber) {
        if (hostIn == null || hostIn.isEmpty()) {
            return false;
        }
        String host = hostIn.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.equals("localhost")) {
            return false;
        }
        byte[] ip = literal(host);
        if (ip != null && isLoopback(ip)) {
            return false;
        }
        if (all) {
            return false;
        }
        String port = Integer.toString(portNumber);
        if (ip != null) {
            for (int i = 0; i < ips.size(); i++) {
                byte[][] m = ips.get(i);
                boolean hit = m[1] == null ? java.util.Arrays.equals(m[0], ip) : inRange(m[0], m[1][0] & 0xff, ip);
                if (hit && (ipPorts.get(i).isEmpty() || ipPorts.get(i).equals(port))) {
                    return false;
                }
            }
        }
        for (String[] d : domains) {
            if ((host.endsWith(d[0]) || (!d[2].isEmpty() && host.equals(d[0].substring(1))))
                && (d[1].isEmpty() || d[1].equals(port))) {
                return false;
            }
        }
        return true;
    }

    private static boolean inRange(byte[] net, int bits, byte[] ip) {
        if (net.length != ip.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((net[i / 8] & mask) != (ip[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLoopback(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The bytes of an IP literal, or null for a name (never a DNS lookup). */
    static byte[] literal(String h) {
        if (h.indexOf(':') < 0 && !h.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return null;
        }
        if (h.indexOf(':') >= 0 && !h.matches("[0-9a-fA-F:.]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(h).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // nothing to fall back to: the request fails with the connection error
    }
}
