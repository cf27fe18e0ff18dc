package io.gnomon.scrape.tls;

import io.gnomon.scrape.config.HttpClientConfig.TlsConfig;
import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client side of a {@code tls_config} as Prometheus applies it, for the JDK HTTP client.
 *
 * <p><b>Reloading.</b> {@link #current()} reads the CA, certificate and key (files or inline
 * text) and compares them with what the current {@link SSLContext} was built from; when any of
 * them changed it builds a new context. Callers call it before every request and start a new
 * connection pool when the context changes, which is what Prometheus does: its TLS round tripper
 * reads the three files on every request and replaces its transport (closing idle connections)
 * when their hashes change, so rotated certificates are used from the next connection on.
 *
 * <p><b>Verification.</b> Unless {@code insecure_skip_verify}, the server's chain is checked
 * against {@code ca}/{@code ca_file} (or the JDK's trust store when neither is set) and the
 * server's name as Go checks it: against {@code server_name} when set, else the target's host;
 * IP addresses against IP subject alternative names, names against DNS names with a wildcard
 * only as the whole leftmost label; the common name is not used (Go 1.15 and later). The JDK's
 * own endpoint identification is not used because the JDK client always verifies the URL's host.
 *
 * <p><b>Server name.</b> {@code server_name} is also sent as SNI (unless it is an IP address),
 * also for targets given by name, for which the JDK client would send the URL's host
 * ({@link ServerNameContext}).
 *
 * <p><b>Client certificate.</b> With {@code cert}/{@code key} the certificate is offered whenever
 * the server asks, whatever CAs it names, as Go's {@code GetClientCertificate} does.
 *
 * <p>Thread-safe.
 */
public final class ClientTls {

    private static final String[] GO_VERSIONS = {"TLS10", "TLS11", "TLS12", "TLS13"};
    private static final String[] JDK_VERSIONS = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
    private static final String ALIAS = "client";

    private final TlsConfig config;
    private Material current;

    /** What one {@link SSLContext} was built from. */
    public static final class Material {
        private final byte[] ca;
        private final byte[] cert;
        private final byte[] key;
        private final SSLContext context;
        private final SSLParameters parameters;
        private final String certSource;
        private final FixedKeyManager keys;

        Material(byte[] ca, byte[] cert, byte[] key, SSLContext context, SSLParameters parameters, String certSource,
                 FixedKeyManager keys) {
            this.ca = ca;
            this.cert = cert;
            this.key = key;
            this.context = context;
            this.parameters = parameters;
            this.certSource = certSource;
            this.keys = keys;
        }

        /**
         * A hint for a request that failed without an HTTP answer: with TLS 1.3 a server that
         * refuses the client certificate says so after the client has finished its handshake,
         * and servers often just close the connection, so the JDK reports only the closed
         * connection or a timeout. Empty when no server has asked for a client certificate.
         */
        public String clientCertificateHint() {
            if (!keys.requested) {
                return "";
            }
            return certSource == null ? "; the target asked for a client certificate and tls_config has none (cert_file/key_file)"
                : "; the target asked for a client certificate: check that it trusts the one in " + certSource;
        }

        public SSLContext context() {
            return context;
        }

        /** Protocols from {@code min_version}/{@code max_version}; a fresh copy for each caller. */
        public SSLParameters parameters() {
            SSLParameters p = new SSLParameters();
            p.setProtocols(parameters.getProtocols());
            return p;
        }

        boolean sameAs(byte[] ca, byte[] cert, byte[] key) {
            return Arrays.equals(this.ca, ca) && Arrays.equals(this.cert, cert) && Arrays.equals(this.key, key);
        }
    }

    /** A {@code tls_config} that cannot be used; the message names the field or file and the problem. */
    public static final class TlsException extends IOException {
        private static final long serialVersionUID = 1L;

        public TlsException(String message) {
            super(message);
        }

        public TlsException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public ClientTls(TlsConfig config) {
        this.config = config;
    }

    /**
     * The context for the CA, certificate and key as they are now; the same object as long as
     * they do not change.
     *
     * @throws TlsException when a file cannot be read or its content is not usable
     */
    public synchronized Material current() throws TlsException {
        byte[] ca = read(config.caFile(), config.ca(), "CA cert");
        byte[] cert = read(config.certFile(), config.cert(), "client cert");
        byte[] key = read(config.keyFile(), config.key(), "client key");
        Material m = current;
        if (m != null && m.sameAs(ca, cert, key)) {
            return m;
        }
        m = build(ca, cert, key);
        current = m;
        return m;
    }

    private static byte[] read(String file, String inline, String what) throws TlsException {
        if (!file.isEmpty()) {
            try {
                return Files.readAllBytes(Path.of(file));
            } catch (IOException e) {
                throw new TlsException("unable to read " + what + " file " + file + ": " + describe(e));
            }
        }
        return inline.isEmpty() ? null : inline.getBytes(StandardCharsets.UTF_8);
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.NoSuchFileException ? "no such file" : String.valueOf(e.getMessage());
    }

    private String source(String file, String inlineName) {
        return file.isEmpty() ? inlineName : file;
    }

    private Material build(byte[] ca, byte[] cert, byte[] key) throws TlsException {
        SSLParameters params = new SSLParameters();
        params.setProtocols(protocols(config.minVersion(), config.maxVersion()));
        FixedKeyManager keys = new FixedKeyManager(null, null);
        String certSource = null;
        if (cert != null) {
            List<X509Certificate> chain;
            PrivateKey pk;
            String certFrom = source(config.certFile(), "tls_config.cert");
            String keySource = source(config.keyFile(), "tls_config.key");
            try {
                chain = PemFiles.certificates(certFrom, new String(cert, StandardCharsets.ISO_8859_1));
                pk = PemFiles.privateKey(keySource, new String(key == null ? new byte[0] : key, StandardCharsets.ISO_8859_1));
            } catch (PemFiles.PemException e) {
                throw new TlsException("unable to use specified client cert (" + certFrom + ") & key (" + keySource + "): " + e.getMessage());
            }
            if (!chain.get(0).getPublicKey().getAlgorithm().equals(pk.getAlgorithm()) || !matches(chain.get(0), pk)) {
                throw new TlsException("unable to use specified client cert (" + certFrom + ") & key (" + keySource
                    + "): private key does not match public key");
            }
            keys = new FixedKeyManager(chain.toArray(new X509Certificate[0]), pk);
            certSource = certFrom;
        }
        TrustManager tm;
        if (config.insecureSkipVerify()) {
            tm = new TrustAll();
        } else {
            X509TrustManager chainCheck;
            try {
                KeyStore ks = null;
                if (ca != null) {
                    String caSource = source(config.caFile(), "tls_config.ca");
                    List<X509Certificate> cas;
                    try {
                        cas = PemFiles.certificates(caSource, new String(ca, StandardCharsets.ISO_8859_1));
                    } catch (PemFiles.PemException e) {
                        throw new TlsException("unable to use specified CA cert " + caSource + ": " + e.getMessage());
                    }
                    ks = KeyStore.getInstance(KeyStore.getDefaultType());
                    ks.load(null, null);
                    int i = 0;
                    for (X509Certificate c : cas) {
                        ks.setCertificateEntry("ca" + i++, c);
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks); // null: the JDK's trust store
                chainCheck = (X509TrustManager) Arrays.stream(tmf.getTrustManagers())
                    .filter(t -> t instanceof X509TrustManager).findFirst().orElseThrow();
            } catch (TlsException e) {
                throw e;
            } catch (Exception e) {
                throw new TlsException("unable to set up TLS trust: " + e.getMessage(), e);
            }
            tm = new VerifyingTrustManager(chainCheck, config.serverName());
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {keys}, new TrustManager[] {tm}, null);
            String sni = config.serverName();
            if (!sni.isEmpty() && !isIpLiteral(sni)) { // as Go: an IP address is never sent as SNI
                try {
                    ctx = new ServerNameContext(ctx, sni);
                } catch (IllegalArgumentException e) {
                    throw new TlsException("tls_config.server_name \"" + sni + "\" is not a valid host name: " + e.getMessage());
                }
            }
            return new Material(ca, cert, key, ctx, params, certSource, keys);
        } catch (Exception e) {
            throw new TlsException("unable to set up TLS: " + e.getMessage(), e);
        }
    }

    /** True when the key signs what the certificate's public key verifies. */
    private static boolean matches(X509Certificate cert, PrivateKey key) {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (alg == null) {
            return true; // let the handshake decide
        }
        try {
            byte[] msg = {'g', 'n', 'o', 'm', 'o', 'n'};
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            s.update(msg);
            byte[] sig = s.sign();
            java.security.Signature v = java.security.Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(msg);
            return v.verify(sig);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * JDK protocol names for Go's {@code min_version}/{@code max_version}: from the minimum (TLS
     * 1.2 when unset, Go's client default) to the maximum (TLS 1.3 when unset).
     */
    public static String[] protocols(String min, String max) throws TlsException {
        int lo = min.isEmpty() ? 2 : Arrays.asList(GO_VERSIONS).indexOf(min);
        int hi = max.isEmpty() ? 3 : Arrays.asList(GO_VERSIONS).indexOf(max);
        if (lo < 0 || hi < 0) {
            throw new TlsException("unknown TLS version: " + (lo < 0 ? min : max));
        }
        if (hi < lo) {
            throw new TlsException(min.isEmpty()
                ? "tls_config.max_version " + max + " is below TLS12, the minimum when min_version is not set"
                : "tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified");
        }
        return Arrays.copyOfRange(JDK_VERSIONS, lo, hi + 1);
    }

    /**
     * Checks that {@code cert} is valid for {@code host} as Go's {@code VerifyHostname} does: an
     * IP address against the IP subject alternative names; a name (case-insensitive, trailing dot
     * ignored) against the DNS names, where {@code *.} matches exactly one leftmost label.
     */
    public static void verifyHostname(X509Certificate cert, String host) throws CertificateException {
        String h = host;
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        dns.add(String.valueOf(san.get(1)));
                    } else if (type == 7) {
                        ips.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new CertificateException("x509: cannot read the subject alternative names: " + e.getMessage(), e);
        }
        if (isIpLiteral(h)) {
            byte[] want = ipBytes(h);
            for (String ip : ips) {
                if (Arrays.equals(want, ipBytes(ip))) {
                    return;
                }
            }
            throw new CertificateException("x509: certificate is valid for " + validFor(dns, ips) + ", not " + h
                + (ips.isEmpty() ? " (it contains no IP SANs)" : ""));
        }
        String name = h.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        try {
            name = IDN.toASCII(name);
        } catch (IllegalArgumentException e) {
            // compare as given
        }
        for (String pattern : dns) {
            if (matchName(pattern.toLowerCase(Locale.ROOT), name)) {
                return;
            }
        }
        throw new CertificateException("x509: certificate is valid for " + validFor(dns, ips) + ", not " + h);
    }

    private static String validFor(List<String> dns, List<String> ips) {
        List<String> all = new ArrayList<>(dns);
        all.addAll(ips);
        return all.isEmpty() ? "no names" : String.join(", ", all);
    }

    private static boolean matchName(String pattern, String host) {
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (pattern.isEmpty() || host.isEmpty()) {
            return false;
        }
        if (!pattern.startsWith("*.")) {
            return pattern.equals(host);
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }

    static boolean isIpLiteral(String h) {
        return h.indexOf(':') >= 0 || h.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }

    private static byte[] ipBytes(String literal) {
        if (!isIpLiteral(literal)) {
            return null;
        }
        try {
            return InetAddress.getByName(literal).getAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** Chain validation by the JDK, name verification as Go does it (see the class comment). */
    private static final class VerifyingTrustManager extends X509ExtendedTrustManager {
        private final X509TrustManager chain;
        private final String serverName;

        VerifyingTrustManager(X509TrustManager chain, String serverName) {
            this.chain = chain;
            this.serverName = serverName;
        }

        private void check(X509Certificate[] certs, String authType, String peerHost) throws CertificateException {
            chain.checkServerTrusted(certs, authType);
            String host = !serverName.isEmpty() ? serverName : peerHost;
            if (host == null || host.isEmpty()) {
                throw new CertificateException("x509: no server name to verify the certificate against; set tls_config.server_name");
            }
            verifyHostname(certs[0], host);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            check(certs, authType, engine == null ? null : engine.getPeerHost());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            check(certs, authType, socket == null || socket.getInetAddress() == null ? null : socket.getInetAddress().getHostName());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            check(certs, authType, null);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) throws CertificateException {
            throw new CertificateException("a client does not check client certificates");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return chain.getAcceptedIssuers();
        }
    }

    /** {@code insecure_skip_verify}: any server certificate is accepted. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] certs, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] certs, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /**
     * One certificate chain and key (or none), offered whenever the server asks for a client
     * certificate; remembers that a server asked.
     */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final X509Certificate[] chain;
        private final PrivateKey key;
        volatile boolean requested;

        FixedKeyManager(X509Certificate[] chain, PrivateKey key) {
            this.chain = chain;
            this.key = key;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            requested = true;
            return chain == null ? null : ALIAS;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            requested = true;
            return chain == null ? null : ALIAS;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return chain == null ? null : new String[] {ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return ALIAS.equals(alias) && chain != null ? chain.clone() : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return ALIAS.equals(alias) ? key : null;
        }
    }
}
