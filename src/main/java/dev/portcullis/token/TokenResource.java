package dev.portcullis.token;

import dev.portcullis.access.auth.Authentication;
import dev.portcullis.access.auth.Authenticator;
import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * The registry's token endpoint: GET with HTTP Basic (docker, skopeo) and POST with the OAuth2 form
 * (containerd, buildkit, docker with an identity token).
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">Token authentication specification</a>
 * @see <a href="https://distribution.github.io/distribution/spec/auth/oauth/">OAuth2 token specification</a>
 */
@Path(TokenMetrics.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class TokenResource {

    @Inject
    Authenticator authenticator;

    @Inject
    TokenIssuer issuer;

    @Inject
    RefreshTokens refreshTokens;

    @Inject
    PortcullisConfig config;

    @Inject
    TokenMetrics metrics;

    /**
     * No transaction around the request: authentication and the namespace facts are one indexed read each, and
     * refresh tokens are written in their own transaction (measured in bench/tokens.sh).
     */
    @GET
    public Map<String, Object> get(@RestQuery String service, @RestQuery List<String> scope,
            @RestQuery String account, @RestQuery("offline_token") String offlineToken,
            @RestQuery("client_id") String clientId, @RestHeader("Authorization") String authorization,
            @Context HttpServerRequest request) {
        checkService(service);
        List<Scope> scopes = parseScopes(scope);
        Authentication.Authenticated login = authorization == null ? null
                : authenticateBasic(authorization, address(request));
        Subject subject = login == null ? Subject.ANONYMOUS : login.subject();
        if (login != null && account != null && !account.isEmpty() && !account.equals(subject.name())) {
            throw counted(Refusal.malformed("account does not match the authenticated user"));
        }
        IssuedToken token = issuer.issue(subject, scopes);
        Map<String, Object> body = body(token);
        body.put("token", token.jwt());
        if (login != null && "true".equalsIgnoreCase(offlineToken)) {
            body.put("refresh_token", refreshTokens.create(login, serviceOrDefault(service), clientId));
        }
        metrics.issued(login == null ? "anonymous" : "basic");
        return body;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Map<String, Object> post(@RestForm("grant_type") String grantType, @RestForm String service,
            @RestForm("client_id") String clientId, @RestForm("access_type") String accessType,
            @RestForm List<String> scope, @RestForm String username, @RestForm String password,
            @RestForm("refresh_token") String refreshToken, @Context HttpServerRequest request) {
        if (service == null || service.isEmpty()) {
            throw counted(Refusal.malformed("service is required"));
        }
        checkService(service);
        if (clientId == null || clientId.isEmpty()) {
            throw counted(Refusal.malformed("client_id is required"));
        }
        List<Scope> scopes = parseScopes(scope);
        Subject subject;
        String refresh = null;
        if ("password".equals(grantType)) {
            Authentication.Authenticated login = authenticated(
                    authenticator.authenticate(username, password, address(request)));
            subject = login.subject();
            if ("offline".equals(accessType)) {
                refresh = refreshTokens.create(login, service, clientId);
            }
        } else if ("refresh_token".equals(grantType)) {
            subject = authenticated(refreshTokens.redeem(refreshToken, service)).subject();
            refresh = refreshToken; // never rotated: docker keeps the first one it stored
        } else {
            throw counted(Refusal.unsupportedGrant());
        }
        IssuedToken token = issuer.issue(subject, scopes);
        Map<String, Object> body = body(token);
        body.put("token_type", "Bearer");
        body.put("scope", token.grantedScopeString());
        if (refresh != null) {
            body.put("refresh_token", refresh);
        }
        metrics.issued(grantType);
        return body;
    }

    private Map<String, Object> body(IssuedToken token) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.jwt());
        body.put("expires_in", token.expiresIn());
        // ISO_INSTANT keeps ":00" seconds, which Go's RFC 3339 parser requires.
        body.put("issued_at", DateTimeFormatter.ISO_INSTANT.format(token.issuedAt()));
        return body;
    }

    private void checkService(String service) {
        if (service != null && !service.isEmpty() && !service.equals(config.registry().service())) {
            throw counted(Refusal.malformed("unknown service '" + truncate(service) + "'"));
        }
    }

    private String serviceOrDefault(String service) {
        return service == null || service.isEmpty() ? config.registry().service() : service;
    }

    private List<Scope> parseScopes(List<String> values) {
        try {
            return Scope.parseAll(values == null ? List.of() : values);
        } catch (Scope.MalformedScopeException e) {
            throw counted(Refusal.malformed(e.getMessage()));
        }
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    private Authentication.Authenticated authenticateBasic(String authorization, String address) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw counted(Refusal.unauthenticated("only HTTP Basic credentials are accepted here"));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw counted(Refusal.unauthenticated("malformed Basic credentials"));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw counted(Refusal.unauthenticated("malformed Basic credentials"));
        }
        return authenticated(authenticator.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1),
                address));
    }

    private Authentication.Authenticated authenticated(Authentication result) {
        if (result instanceof Authentication.Authenticated authenticated) {
            return authenticated;
        }
        if (result instanceof Authentication.Disabled disabled) {
            throw counted(Refusal.forbidden("account " + disabled.username() + " is disabled"));
        }
        throw counted(Refusal.unauthenticated("invalid username, password or token"));
    }

    private Refusal counted(Refusal refusal) {
        outcome(refusal instanceof Refusal.Unauthenticated ? "unauthorized"
                : refusal instanceof Refusal.Forbidden ? "forbidden" : "bad_request");
        return refusal;
    }

    private void outcome(String outcome) {
        metrics.refused(outcome);
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }
}
