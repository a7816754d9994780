package dev.portcullis.token.signing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;

/**
 * The two key ids registries look signing keys up by: libtrust's (distribution 2.x) and the RFC 7638 JWK
 * thumbprint (distribution 3.x).
 */
public final class KeyIds {

    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private KeyIds() {
    }

    /**
     * libtrust: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32 without padding, in 12
     * groups of 4 joined by {@code :}.
     *
     * @see <a href="https://github.com/docker/libtrust/blob/master/util.go">libtrust keyIDFromCryptoKey</a>
     */
    public static String libtrust(PublicKey key) {
        byte[] digest = Arrays.copyOf(sha256(key.getEncoded()), 30);
        String b32 = base32(digest);
        StringBuilder id = new StringBuilder(59);
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) {
                id.append(':');
            }
            id.append(b32, i, i + 4);
        }
        return id.toString();
    }

    /**
     * RFC 7638: SHA-256 over the required JWK members in lexicographic order, no whitespace, base64url.
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc7638#section-3">RFC 7638 §3</a>
     */
    public static String rfc7638(PublicKey key) {
        String canonical;
        if (key instanceof RSAPublicKey rsa) {
            canonical = "{\"e\":\"" + b64(unsigned(rsa.getPublicExponent(), 0)) + "\",\"kty\":\"RSA\",\"n\":\""
                    + b64(unsigned(rsa.getModulus(), 0)) + "\"}";
        } else if (key instanceof ECPublicKey ec) {
            int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            canonical = "{\"crv\":\"" + curveName(size) + "\",\"kty\":\"EC\",\"x\":\""
                    + b64(unsigned(ec.getW().getAffineX(), size)) + "\",\"y\":\""
                    + b64(unsigned(ec.getW().getAffineY(), size)) + "\"}";
        } else {
            throw new IllegalArgumentException("unsupported key type " + key.getAlgorithm());
        }
        return b64(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    }

    static String curveName(int bytes) {
        return switch (bytes) {
            case 32 -> "P-256";
            case 48 -> "P-384";
            case 66 -> "P-521";
            default -> throw new IllegalArgumentException("unsupported curve size " + bytes);
        };
    }

    /** Big-endian magnitude without a sign byte, left-padded to {@code size} bytes when size > 0. */
    static byte[] unsigned(BigInteger value, int size) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (size > bytes.length) {
            byte[] padded = new byte[size];
            System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
            return padded;
        }
        return bytes;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base32(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(BASE32[(buffer << (5 - bits)) & 31]);
        }
        return out.toString();
    }
}
