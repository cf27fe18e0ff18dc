package io.gnomon.scrape.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PEM keys in the three encodings Go accepts, from files and inline text, and errors that name the source. */
class PemFilesTest {

    static Path tls(String name) throws Exception {
        return Path.of(PemFilesTest.class.getResource("/tls/" + name).toURI());
    }

    /** The key signs what the certificate's public key verifies: they are a pair. */
    private static void assertPair(X509Certificate cert, PrivateKey key) throws Exception {
        String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        Signature s = Signature.getInstance(alg);
        s.initSign(key);
        byte[] msg = "gnomon".getBytes(StandardCharsets.US_ASCII);
        s.update(msg);
        byte[] sig = s.sign();
        Signature v = Signature.getInstance(alg);
        v.initVerify(cert.getPublicKey());
        v.update(msg);
        assertTrue(v.verify(sig), cert.getSubjectX500Principal().toString());
    }

    @Test
    void readsPkcs8Pkcs1AndSec1Keys() throws Exception {
        X509Certificate rsa = PemFiles.certificates(tls("client.pem")).get(0);
        assertPair(rsa, PemFiles.privateKey(tls("client.key")));
        assertPair(rsa, PemFiles.privateKey(tls("client-pkcs1.key")));
        X509Certificate ec = PemFiles.certificates(tls("client-ec.pem")).get(0);
        assertEquals("EC", PemFiles.privateKey(tls("client-ec.key")).getAlgorithm());
        assertPair(ec, PemFiles.privateKey(tls("client-ec.key")));
    }

    @Test
    void readsInlineText() throws Exception {
        String cert = Files.readString(tls("client.pem"));
        String key = Files.readString(tls("client-pkcs1.key"));
        List<X509Certificate> chain = PemFiles.certificates("inline cert", cert + Files.readString(tls("ca.pem")));
        assertEquals(2, chain.size());
        assertPair(chain.get(0), PemFiles.privateKey("inline key", key));
    }

    @Test
    void errorsNameTheSourceAndTheProblem() {
        var e = assertThrows(PemFiles.PemException.class, () -> PemFiles.certificates("inline cert", "hello"));
        assertEquals("inline cert: no CERTIFICATE block found", e.getMessage());
        e = assertThrows(PemFiles.PemException.class, () -> PemFiles.privateKey("k.pem",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n"));
        assertEquals("k.pem: encrypted private keys are not supported", e.getMessage());
        e = assertThrows(PemFiles.PemException.class, () -> PemFiles.privateKey("k.pem",
            "-----BEGIN PRIVATE KEY-----\n!!!!\n-----END PRIVATE KEY-----\n"));
        assertEquals("k.pem: private key is not a valid RSA or EC or Ed25519 key", e.getMessage());
        e = assertThrows(PemFiles.PemException.class, () -> PemFiles.privateKey("k.pem",
            "-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n"));
        assertEquals("k.pem: EC private key without a named curve", e.getMessage());
        e = assertThrows(PemFiles.PemException.class, () -> PemFiles.certificates("c.pem",
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        assertTrue(e.getMessage().startsWith("c.pem: not a valid certificate"), e.getMessage());
    }
}
