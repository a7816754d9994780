package dev.portcullis.token.signing;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Reads the signing key and chain from PEM files, or generates a P-256 key and a self-signed certificate once. */
final class SigningKeyLoader {

    static final String KEY_FILE = "token-signing-key.pem";
    static final String CERTIFICATE_FILE = "token-signing-certificate.pem";

    private SigningKeyLoader() {
    }

    static SigningKey load(Path keyFile, Path certificateFile) throws IOException, GeneralSecurityException {
        PrivateKey key = readPrivateKey(keyFile);
        List<X509Certificate> chain = readChain(certificateFile);
        return new SigningKey(key, chain);
    }

    /** The key in {@code dir}, generated on first use so that a restart keeps it (and the registry's trust). */
    static SigningKey loadOrGenerate(Path dir, String subject) throws IOException, GeneralSecurityException {
        Path key = dir.resolve(KEY_FILE);
        Path cert = dir.resolve(CERTIFICATE_FILE);
        if (Files.exists(key) && Files.exists(cert)) {
            return load(key, cert);
        }
        Files.createDirectories(dir);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        X509Certificate certificate = selfSigned(pair, subject);
        writeAtomically(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
        writeAtomically(cert, pem(certificate), false);
        return new SigningKey(pair.getPrivate(), List.of(certificate));
    }

    static X509Certificate selfSigned(KeyPair pair, String subject) throws GeneralSecurityException {
        X500Name name = new X500Name("CN=" + subject.replaceAll("[,=+<>#;\"\\\\]", "_"));
        Instant now = Instant.now();
        try {
            var builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))),
                    name, pair.getPublic());
            String algorithm = pair.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            var signer = new JcaContentSignerBuilder(algorithm).build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create the signing certificate", e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new GeneralSecurityException(file + " holds no unencrypted PEM private key");
        }
    }

    private static List<X509Certificate> readChain(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new GeneralSecurityException(file + " holds no PEM certificate");
            }
            return chain;
        }
    }

    static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static void writeAtomically(Path target, String content, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's permissions must protect it
            }
        }
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            writer.write(content);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
