package io.gnomon.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gnomon.scrape.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls_config} against a real HTTPS target on loopback that requires a client certificate
 * from the test CA: the right certificate (PKCS#8, PKCS#1 and SEC 1 keys, files or inline) scrapes,
 * a missing or untrusted one fails with a message saying so, rotated files are used by the next
 * scrape, and the server's certificate is verified against {@code ca_file} and
 * {@code server_name} as Prometheus verifies it. Waits poll for an outcome; nothing asserts on time.
 */
class TlsScrapeTest {

    static final String BODY = "# TYPE tls_metric gauge\ntls_metric 1\n";

    TlsTarget target;
    MemoryStorage storage;
    ScrapeManager manager;
    Path tls;
    @TempDir
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        target = new TlsTarget(true, BODY);
        storage = new MemoryStorage();
        manager = new ScrapeManager(storage, ScrapeManager.Options.defaults("Gnomon/test"));
        tls = Path.of(TlsScrapeTest.class.getResource("/tls/ca.pem").toURI()).getParent();
    }

    @AfterEach
    void tearDown() {
        manager.close();
        target.close();
    }

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    void apply(String jobs) {
        manager.apply(ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
            + jobs, dir));
    }

    String job(String name, String tlsConfig) {
        return "  - job_name: " + name + "\n    scheme: https\n    static_configs:\n      - targets: ['" + target.address()
            + "']\n    tls_config:\n" + tlsConfig.indent(6);
    }

    Target targetOf(String job) {
        for (Target t : manager.activeTargets()) {
            if (t.scrapePool().equals(job)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Waits until the job's target is up; fails with its last error. (Not only the first scrape:
     * in a cold JVM the first TLS handshake can take longer than the scrape timeout.)
     */
    void awaitUp(String job) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (targetOf(job) == null || targetOf(job).health() != Target.Health.UP) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(job + " is not up: " + (targetOf(job) == null ? "no target" : targetOf(job).lastError()));
            }
            Thread.sleep(20);
        }
    }

    /** The target's state after its first scrape: "up", or the error. */
    String outcome(String job) throws InterruptedException {
        await(job + " to be scraped", () -> targetOf(job) != null && targetOf(job).health() != Target.Health.UNKNOWN);
        Target t = targetOf(job);
        return t.health() == Target.Health.UP ? "up" : t.lastError();
    }

    /**
     * Waits until the target's error contains {@code part}: the first scrape of a fresh JVM may
     * time out before the handshake gets far enough to say why, a later one does not.
     */
    String awaitError(String job, String part) throws InterruptedException {
        await(job + " to fail with \"" + part + "\"", () -> targetOf(job) != null && targetOf(job).lastError().contains(part));
        assertEquals(Target.Health.DOWN, targetOf(job).health());
        return targetOf(job).lastError();
    }

    String file(String name) {
        return tls.resolve(name).toString();
    }

    @Test
    void clientCertificatesInEveryKeyEncodingAreAccepted() throws Exception {
        apply(job("pkcs8", "ca_file: " + file("ca.pem") + "\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client.key"))
            + job("pkcs1", "ca_file: " + file("ca.pem") + "\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client-pkcs1.key"))
            + job("sec1", "ca_file: " + file("ca.pem") + "\ncert_file: " + file("client-ec.pem") + "\nkey_file: " + file("client-ec.key")));
        awaitUp("pkcs8");
        awaitUp("pkcs1");
        awaitUp("sec1");
        assertEquals(1, storage.seriesNamed("tls_metric").size() >= 1 ? 1 : 0);
        assertTrue(target.lastClient.get().contains("CN=scraper"), target.lastClient.get());
    }

    @Test
    void inlineCertificateKeyAndCa() throws Exception {
        String ca = Files.readString(tls.resolve("ca.pem"));
        String cert = Files.readString(tls.resolve("client-ec.pem"));
        String key = Files.readString(tls.resolve("client-ec.key"));
        apply(job("inline", "ca: |\n" + ca.indent(2) + "cert: |\n" + cert.indent(2) + "key: |\n" + key.indent(2)));
        awaitUp("inline");
        assertTrue(target.lastClient.get().contains("CN=scraper-ec"), target.lastClient.get());
    }

    @Test
    void withoutAClientCertificateTheScrapeFailsSayingSo() throws Exception {
        apply(job("nocert", "ca_file: " + file("ca.pem")));
        awaitError("nocert", "the target asked for a client certificate and tls_config has none (cert_file/key_file)");
    }

    @Test
    void anUntrustedClientCertificateFails() throws Exception {
        apply(job("stranger", "ca_file: " + file("ca.pem") + "\ncert_file: " + file("stranger.pem") + "\nkey_file: " + file("stranger.key")));
        awaitError("stranger", "the target asked for a client certificate: check that it trusts the one in " + file("stranger.pem"));
    }

    @Test
    void rotatedCertificateFilesAreUsedByTheNextScrape() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(tls.resolve("stranger.pem"), cert);
        Files.copy(tls.resolve("stranger.key"), key);
        apply(job("rotate", "ca_file: " + file("ca.pem") + "\ncert_file: cert.pem\nkey_file: key.pem"));
        awaitError("rotate", "check that it trusts the one in " + cert);
        Files.copy(tls.resolve("client.key"), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tls.resolve("client.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        await("the rotated certificate to be used", () -> targetOf("rotate").health() == Target.Health.UP);
        assertTrue(target.lastClient.get().contains("CN=scraper"), target.lastClient.get());
        // and back: the trusted connection pool is replaced, so the stranger is presented again
        Files.copy(tls.resolve("stranger.key"), key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(tls.resolve("stranger.pem"), cert, StandardCopyOption.REPLACE_EXISTING);
        await("the untrusted certificate to fail", () -> targetOf("rotate").health() == Target.Health.DOWN);
    }

    @Test
    void unusableCertificateFilesFailTheScrapeWithTheirNames() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate\n");
        Path mismatched = dir.resolve("mismatched.pem");
        Files.copy(tls.resolve("client-ec.pem"), mismatched);
        apply(job("garbage", "ca_file: " + file("ca.pem") + "\ncert_file: cert.pem\nkey_file: " + file("client.key"))
            + job("mismatch", "ca_file: " + file("ca.pem") + "\ncert_file: mismatched.pem\nkey_file: " + file("client.key"))
            + job("noca", "ca_file: missing-ca.pem\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client.key")));
        String err = outcome("garbage");
        assertTrue(err.startsWith("unable to use specified client cert (" + cert + ")"), err);
        assertTrue(err.contains("no CERTIFICATE block found"), err);
        err = outcome("mismatch");
        assertTrue(err.contains("private key does not match public key"), err);
        err = outcome("noca");
        assertTrue(err.startsWith("unable to read CA cert file " + dir.resolve("missing-ca.pem")), err);
    }

    @Test
    void serverCertificateIsVerifiedAgainstCaAndServerName() throws Exception {
        String client = "\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client.key");
        apply(job("systemca", "server_name: target.test" + client)
            + job("othername", "ca_file: " + file("ca.pem") + "\nserver_name: target.test" + client)
            + job("wrongname", "ca_file: " + file("ca.pem") + "\nserver_name: wrong.test" + client)
            + job("otherca", "ca_file: " + file("other-ca.pem") + client)
            + job("insecure", "insecure_skip_verify: true\nserver_name: wrong.test" + client));
        awaitError("systemca", "certificate signed by unknown authority");
        awaitUp("othername");
        awaitError("wrongname", "x509: certificate is valid for localhost, target.test, 127.0.0.1, not wrong.test");
        awaitError("otherca", "certificate signed by unknown authority");
        awaitUp("insecure");
    }

    @Test
    void serverNameIsSentAsSniAlsoForTargetsGivenByName() throws Exception {
        String common = "ca_file: " + file("ca.pem") + "\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client.key");
        apply(job("byname", common + "\nserver_name: target.test").replace(target.address(), "localhost:" + target.port()));
        awaitUp("byname");
        assertEquals("target.test", target.lastSni.get());
        manager.apply(ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
            + job("plain", common).replace(target.address(), "localhost:" + target.port()), dir));
        awaitUp("plain");
        await("a scrape with the host as SNI", () -> "localhost".equals(target.lastSni.get()));
    }

    @Test
    void minAndMaxVersionChooseTheProtocol() throws Exception {
        String common = "ca_file: " + file("ca.pem") + "\ncert_file: " + file("client.pem") + "\nkey_file: " + file("client.key");
        apply(job("tls12", common + "\nmax_version: TLS12"));
        awaitUp("tls12");
        assertEquals("TLSv1.2", target.lastProtocol.get());
        manager.apply(ConfigLoader.parse("test.yml", "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\nscrape_configs:\n"
            + job("tls13", common + "\nmin_version: TLS13") + job("inverted", common + "\nmin_version: TLS13\nmax_version: TLS12"), dir));
        awaitUp("tls13");
        assertEquals("TLSv1.3", target.lastProtocol.get());
        assertEquals("tls_config.max_version must be greater than or equal to tls_config.min_version if both are specified",
            outcome("inverted"));
    }
}
