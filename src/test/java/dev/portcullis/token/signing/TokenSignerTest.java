package dev.portcullis.token.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.config.PortcullisConfig.KidFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSignerTest {

    @TempDir
    Path dir;

    @Test
    void es256TokensCarryX5cAKidAndARawSignature() throws Exception {
        SigningKey key = SigningKeyLoader.loadOrGenerate(dir, "portcullis.test");
        TokenSigner signer = new TokenSigner(key, KidFormat.LIBTRUST);
        String jwt = signer.sign("{\"sub\":\"alice\"}");

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(jwt);
        assertEquals("ES256", jws.getAlgorithmHeaderValue());
        assertEquals("JWT", jws.getHeader("typ"));
        assertEquals(KeyIds.libtrust(key.publicKey()), jws.getKeyIdHeaderValue());
        assertEquals(key.chain().get(0), jws.getCertificateChainHeaderValue().get(0));
        // JOSE's R||S form: 64 bytes for P-256, which distribution 2.8 requires (DER is refused).
        assertEquals(64, Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1)).length);
        jws.setKey(key.publicKey());
        assertTrue(jws.verifySignature());
    }

    @Test
    void rs256KeysWorkAndRfc7638KidsAreSelectable() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        SigningKey key = new SigningKey(pair.getPrivate(), List.of(SigningKeyLoader.selfSigned(pair, "issuer")));
        TokenSigner signer = new TokenSigner(key, KidFormat.RFC7638);

        JsonWebSignature jws = new JsonWebSignature();
        jws.setCompactSerialization(signer.sign("{}"));
        assertEquals("RS256", jws.getAlgorithmHeaderValue());
        assertEquals(KeyIds.rfc7638(pair.getPublic()), jws.getKeyIdHeaderValue());
        jws.setKey(pair.getPublic());
        assertTrue(jws.verifySignature());
        @SuppressWarnings("unchecked")
        Map<String, Object> jwk = ((List<Map<String, Object>>) signer.jwks().get("keys")).get(0);
        assertEquals("RSA", jwk.get("kty"));
        assertEquals(KeyIds.rfc7638(pair.getPublic()), jwk.get("kid"));
    }

    @Test
    void aGeneratedKeyIsKeptAcrossRestarts() throws Exception {
        SigningKey first = SigningKeyLoader.loadOrGenerate(dir, "portcullis.test");
        SigningKey second = SigningKeyLoader.loadOrGenerate(dir, "portcullis.test");
        assertArrayEquals(first.publicKey().getEncoded(), second.publicKey().getEncoded());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve(SigningKeyLoader.KEY_FILE))));
        assertTrue(new TokenSigner(second, KidFormat.LIBTRUST).certificatePem().startsWith("-----BEGIN CERTIFICATE-----"));
    }
}
