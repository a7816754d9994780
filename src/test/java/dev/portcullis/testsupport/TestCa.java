package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority of the test's own, in place of cert-manager: it issues server certificates for the hosts
 * an ingress serves, and clients (the JDK, dockerd's {@code certs.d}) trust it and nothing else.
 */
public final class TestCa {

    /** A key and certificate as PEM files, as a kubernetes.io/tls Secret holds them. */
    public record Issued(Path certificate, Path key) {
    }

    private final KeyPair key;
    private final X509Certificate certificate;

    private TestCa() {
        key = keyPair();
        X500Name name = new X500Name("CN=Portcullis test CA");
        try {
            var builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name,
                    key.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    public static TestCa create() {
        return new TestCa();
    }

    /** The CA's certificate, PEM. */
    public String certificatePem() {
        return pem(certificate);
    }

    /** A server certificate for {@code hosts} (DNS names or IP addresses), written into {@code dir}. */
    public Issued issue(Path dir, String name, String... hosts) {
        KeyPair server = keyPair();
        try {
            var builder = new JcaX509v3CertificateBuilder(new X500Name("CN=Portcullis test CA"), serial(),
                    notBefore(), notAfter(), new X500Name("CN=" + hosts[0]), server.getPublic());
            List<GeneralName> names = new ArrayList<>();
            for (String host : hosts) {
                names.add(new GeneralName(host.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName,
                        host));
            }
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
            Files.createDirectories(dir);
            Path cert = dir.resolve(name + ".crt");
            Path keyFile = dir.resolve(name + ".key");
            Files.writeString(cert, pem(leaf) + pem(certificate));
            Files.writeString(keyFile, pkcs8(server.getPrivate().getEncoded()));
            return new Issued(cert, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot issue a certificate for " + String.join(",", hosts), e);
        }
    }

    /** A TLS context that trusts this CA alone. */
    public SSLContext trustingContext() {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("test-ca", certificate);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), new SecureRandom());
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot trust the test CA", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom());
    }

    private static Date notBefore() {
        return Date.from(Instant.now().minus(Duration.ofHours(1)));
    }

    private static Date notAfter() {
        return Date.from(Instant.now().plus(Duration.ofDays(30)));
    }

    /** PKCS#8 as OpenSSL reads it (nginx, the registry): the key's own DER encoding, base64 in lines of 64. */
    private static String pkcs8(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PRIVATE KEY-----\n";
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
