package dev.portcullis.token.signing;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.List;

/**
 * The token signing key with its certificate chain (leaf first). Package-private accessors keep the
 * private key inside this package.
 */
public final class SigningKey {

    private final PrivateKey privateKey;
    private final List<X509Certificate> chain;

    SigningKey(PrivateKey privateKey, List<X509Certificate> chain) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the certificate chain is empty");
        }
        this.privateKey = privateKey;
        this.chain = List.copyOf(chain);
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    public PublicKey publicKey() {
        return chain.get(0).getPublicKey();
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** The JOSE algorithm this key signs with: RS256 for RSA, ES256/384/512 by curve for EC. */
    public String algorithm() {
        PublicKey key = publicKey();
        if (key instanceof RSAPublicKey) {
            return "RS256";
        }
        if (key instanceof ECPublicKey ec) {
            return switch (ec.getParams().getCurve().getField().getFieldSize()) {
                case 256 -> "ES256";
                case 384 -> "ES384";
                case 521 -> "ES512";
                default -> throw new IllegalStateException("unsupported EC curve");
            };
        }
        throw new IllegalStateException("unsupported key type " + key.getAlgorithm());
    }

    @Override
    public String toString() {
        return "SigningKey[" + algorithm() + ", ***]";
    }
}
