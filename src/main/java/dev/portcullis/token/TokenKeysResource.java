package dev.portcullis.token;

import dev.portcullis.token.signing.TokenSigner;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Map;

/** What a registry needs to trust our tokens: the certificate chain (2.x, 3.x) or a JWKS (3.x). Public data. */
@Path("/api/v1/token")
public class TokenKeysResource {

    @Inject
    TokenSigner signer;

    @GET
    @Path("/certificate")
    @Produces("application/x-pem-file")
    public String certificate() {
        return signer.certificatePem();
    }

    @GET
    @Path("/jwks")
    @Produces("application/jwk-set+json")
    public Map<String, Object> jwks() {
        return signer.jwks();
    }
}
