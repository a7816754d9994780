package dev.portcullis.token.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Known vectors: a P-256 key whose ids were checked against libtrust and distribution 3.x, and RFC 7638 §3.1. */
class KeyIdsTest {

    static PublicKey p256(String x, String y) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECPoint point = new ECPoint(unsigned(x), unsigned(y));
        return KeyFactory.getInstance("EC")
                .generatePublic(new ECPublicKeySpec(point, params.getParameterSpec(ECParameterSpec.class)));
    }

    static BigInteger unsigned(String b64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(b64url));
    }

    @Test
    void libtrustIdOfAP256Key() throws Exception {
        PublicKey key = p256("m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q", "dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc");
        assertEquals("PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6", KeyIds.libtrust(key));
    }

    @Test
    void rfc7638ThumbprintOfAP256Key() throws Exception {
        PublicKey key = p256("m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q", "dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc");
        assertEquals("8qjioA3ZA7ti2JIE7c-U8smBFuZolQZvhSHDPU3hhB8", KeyIds.rfc7638(key));
    }

    @Test
    void rfc7638ThumbprintOfTheRfcRsaExample() throws Exception {
        String n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(unsigned(n), unsigned("AQAB")));
        assertEquals("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", KeyIds.rfc7638(key));
    }

    @Test
    void unsignedPadsAndStripsTheSignByte() {
        assertEquals(32, KeyIds.unsigned(BigInteger.ONE, 32).length);
        assertEquals(32, KeyIds.unsigned(BigInteger.ONE.shiftLeft(255), 32).length);
    }
}
