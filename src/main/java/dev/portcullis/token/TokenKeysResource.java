package dev.portcullis.token;

import dev.portcullis.token.signing.TokenSigner;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What a registry needs to trust our tokens: the certificate chain (2.x, 3.x) or a JWKS (3.x). Public data. */
@Path("/api/v1/token")
@Tag(name = "token-keys", description = "What a registry needs to trust Portcullis's tokens; public")
@SecurityRequirements // public: no credentials are read
public class TokenKeysResource {

    @Inject
    TokenSigner signer;

    @GET
    @Path("/certificate")
    @Produces("application/x-pem-file")
    @Operation(operationId = "getTokenCertificate", summary = "The certificate chain tokens are signed with (PEM,"
            + " leaf first): the registry's auth.token.rootcertbundle")
    @APIResponse(responseCode = "200", description = "The chain")
    public String certificate() {
        return signer.certificatePem();
    }

    @GET
    @Path("/jwks")
    @Produces("application/jwk-set+json")
    @Operation(operationId = "getTokenJwks", summary = "The public key as a JWK set (RFC 7517), for distribution 3.x")
    @APIResponse(responseCode = "200", description = "The key set")
    public Map<String, Object> jwks() {
        return signer.jwks();
    }
}
