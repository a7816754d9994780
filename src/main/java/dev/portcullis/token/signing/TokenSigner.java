package dev.portcullis.token.signing;

import dev.portcullis.config.PortcullisConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Security;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/**
 * Signs registry tokens. The header carries {@code x5c} (the chain, which both 2.8 and 3.x verify against
 * {@code rootcertbundle}) and a {@code kid} in the format the registry version looks keys up by.
 */
@Startup
@ApplicationScoped
public class TokenSigner {

    /**
     * Bouncy Castle signs P-256 about six times faster than JDK 17's SunEC (≈60 µs against ≈390 µs here, a fixed-base
     * comb for the generator): on the token path that is most of a request's CPU. RSA stays with the JDK's provider,
     * which is as fast. See docs/adr/0003-token-signing-speed.md.
     */
    static final String EC_PROVIDER = BouncyCastleProvider.PROVIDER_NAME;

    private final SigningKey key;
    private final String kid;
    private final X509Certificate[] x5c;
    private final PrivateKey signingKey;
    private final ProviderContext providers;

    @Inject
    public TokenSigner(PortcullisConfig config) {
        this(loadKey(config), config.token().kidFormat());
    }

    TokenSigner(SigningKey key, PortcullisConfig.KidFormat format) {
        this.key = key;
        this.kid = format == PortcullisConfig.KidFormat.RFC7638
                ? KeyIds.rfc7638(key.publicKey()) : KeyIds.libtrust(key.publicKey());
        this.x5c = key.chain().toArray(X509Certificate[]::new);
        this.providers = new ProviderContext();
        if (key.privateKey() instanceof ECPrivateKey) {
            // Converted once: BC keeps the curve's precomputed multiples with its own key objects only.
            this.signingKey = inBouncyCastle(key.privateKey());
            providers.getSuppliedKeyProviderContext().setSignatureProvider(EC_PROVIDER);
        } else {
            this.signingKey = key.privateKey();
        }
    }

    private static PrivateKey inBouncyCastle(PrivateKey ecKey) {
        if (Security.getProvider(EC_PROVIDER) == null) {
            // Quarkus registers it at start (quarkus.security.security-providers=BC); plain unit tests do not.
            Security.addProvider(new BouncyCastleProvider());
        }
        try {
            return KeyFactory.getInstance("EC", EC_PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(ecKey.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the EC signing key cannot be used with Bouncy Castle", e);
        }
    }

    private static SigningKey loadKey(PortcullisConfig config) {
        var token = config.token();
        try {
            if (token.keyFile().isPresent() != token.certificateFile().isPresent()) {
                throw new IllegalStateException(
                        "set both PORTCULLIS_TOKEN_KEY_FILE and PORTCULLIS_TOKEN_CERTIFICATE_FILE, or neither");
            }
            if (token.keyFile().isPresent()) {
                return SigningKeyLoader.load(token.keyFile().get(), token.certificateFile().get());
            }
            return SigningKeyLoader.loadOrGenerate(config.dataDir(), token.issuer());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the token signing key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the token signing key is unusable: " + e.getMessage(), e);
        }
    }

    /** A compact JWS over the given claims JSON. */
    public String sign(String claimsJson) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claimsJson);
        jws.setAlgorithmHeaderValue(key.algorithm());
        jws.setHeader("typ", "JWT");
        jws.setKeyIdHeaderValue(kid);
        jws.setCertificateChainHeaderValue(x5c);
        jws.setKey(signingKey);
        jws.setProviderContext(providers);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("signing failed", e);
        }
    }

    public String kid() {
        return kid;
    }

    public String algorithm() {
        return key.algorithm();
    }

    /** The PEM chain a registry puts in {@code auth.token.rootcertbundle}. */
    public String certificatePem() {
        StringBuilder pem = new StringBuilder();
        for (X509Certificate certificate : key.chain()) {
            try {
                pem.append(SigningKeyLoader.pem(certificate));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return pem.toString();
    }

    /** The public key as a JWKS (distribution 3.x {@code auth.token.jwks}). */
    public Map<String, Object> jwks() {
        try {
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(key.publicKey());
            jwk.setKeyId(kid);
            jwk.setUse("sig");
            jwk.setAlgorithm(key.algorithm());
            Map<String, Object> json = new LinkedHashMap<>(jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            return Map.of("keys", List.of(json));
        } catch (JoseException e) {
            throw new IllegalStateException("cannot describe the signing key", e);
        }
    }
}
