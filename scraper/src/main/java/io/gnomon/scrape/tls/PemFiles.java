package io.gnomon.scrape.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files, in the forms Go's {@code crypto/tls} (and so
 * Prometheus's web config) accepts: certificate chains, and unencrypted keys as PKCS#8
 * ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC 1 ({@code EC PRIVATE KEY}).
 * The last two are rewrapped as PKCS#8, which is what the JDK reads.
 *
 * <p>Used by the server's web config (http-api) and by the scraper's {@code tls_config} (files and
 * inline PEM text); it lives in the scraper because http-api depends on the scraper, not the other
 * way round. Errors name the source (a file path, or a description such as {@code inline cert}).
 */
public final class PemFiles {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** DER of the AlgorithmIdentifier for rsaEncryption (1.2.840.113549.1.1.1) with NULL parameters. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of the OID id-ecPublicKey (1.2.840.10045.2.1). */
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private PemFiles() {
    }

    /** An invalid or unsupported PEM file; the message names the file and the problem. */
    public static final class PemException extends IOException {
        private static final long serialVersionUID = 1L;

        PemException(String source, String message) {
            super(source + ": " + message);
        }
    }

    /** The certificates of a PEM file, in file order. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        return certificates(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /** The certificates of PEM text, in order; {@code source} names it in errors. */
    public static List<X509Certificate> certificates(String source, String pem) throws PemException {
        String file = source;
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(pem);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(decode(file, m.group(2)))));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new PemException(file, "not a valid certificate: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new PemException(file, "no CERTIFICATE block found");
        }
        return out;
    }

    /** The first private key of a PEM file. */
    public static PrivateKey privateKey(Path file) throws IOException {
        return privateKey(file.toString(), Files.readString(file, StandardCharsets.ISO_8859_1));
    }

    /** The first private key of PEM text; {@code source} names it in errors (never the key itself). */
    public static PrivateKey privateKey(String source, String pem) throws PemException {
        String file = source;
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = decode(file, m.group(2));
            switch (type) {
                case "PRIVATE KEY":
                    return pkcs8(file, der, "RSA", "EC", "Ed25519");
                case "RSA PRIVATE KEY":
                    return pkcs8(file, sequence(integerZero(), RSA_ALGORITHM, tlv(0x04, der)), "RSA");
                case "EC PRIVATE KEY":
                    byte[] curve = sec1Curve(file, der);
                    return pkcs8(file, sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, curve), tlv(0x04, der)), "EC");
                case "ENCRYPTED PRIVATE KEY":
                    throw new PemException(file, "encrypted private keys are not supported");
                default:
                    // certificates or parameters in the same file: keep looking
            }
        }
        throw new PemException(file, "no PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block found");
    }

    private static PrivateKey pkcs8(String file, byte[] der, String... algorithms) throws PemException {
        for (String a : algorithms) {
            try {
                return KeyFactory.getInstance(a).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new PemException(file, "private key is not a valid " + String.join(" or ", algorithms) + " key");
    }

    private static byte[] decode(String file, String base64) throws PemException {
        try {
            return Base64.getMimeDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new PemException(file, "bad base64 in PEM block");
        }
    }

    /** The named-curve OID (full TLV) from the [0] parameters of a SEC 1 ECPrivateKey. */
    private static byte[] sec1Curve(String file, byte[] der) throws PemException {
        try {
            int[] pos = {0};
            expect(der, pos, 0x30);
            readLength(der, pos);
            skip(der, pos); // version
            skip(der, pos); // privateKey
            if (pos[0] < der.length && (der[pos[0]] & 0xff) == 0xa0) {
                pos[0]++;
                readLength(der, pos);
                int start = pos[0];
                expect(der, pos, 0x06);
                int len = readLength(der, pos);
                byte[] oid = new byte[pos[0] + len - start];
                System.arraycopy(der, start, oid, 0, oid.length);
                return oid;
            }
        } catch (IndexOutOfBoundsException e) {
            // fall through
        }
        throw new PemException(file, "EC private key without a named curve");
    }

    private static void expect(byte[] der, int[] pos, int tag) {
        if ((der[pos[0]++] & 0xff) != tag) {
            throw new IndexOutOfBoundsException("unexpected DER tag");
        }
    }

    private static void skip(byte[] der, int[] pos) {
        pos[0]++;
        int len = readLength(der, pos);
        pos[0] += len;
    }

    private static int readLength(byte[] der, int[] pos) {
        int b = der[pos[0]++] & 0xff;
        if (b < 0x80) {
            return b;
        }
        int n = b & 0x7f;
        if (n > 3) {
            throw new IndexOutOfBoundsException("DER length too large");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = (len << 8) | (der[pos[0]++] & 0xff);
        }
        return len;
    }

    private static byte[] integerZero() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return tlv(0x30, content.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int len = content.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else if (len < 0x10000) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write(len >> 8);
            out.write(len);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
