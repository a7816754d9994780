package dev.portcullis.token;

import dev.portcullis.access.Authentication;
import dev.portcullis.access.Authenticator;
import dev.portcullis.access.Scope;
import dev.portcullis.access.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.HttpProblem;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The registry's token endpoint: GET with HTTP Basic (docker, skopeo) and POST with the OAuth2 form
 * (containerd, buildkit, docker with an identity token).
 *
 * @see <a href="https://distribution.github.io/distribution/spec/auth/token/">Token authentication specification</a>
 * @see <a href="https://distribution.github.io/distribution/spec/auth/oauth/">OAuth2 token specification</a>
 */
@Path("/v2/token")
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
            throw counted(HttpProblem.badRequest("account does not match the authenticated user"));
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
            throw counted(HttpProblem.badRequest("service is required"));
        }
        checkService(service);
        if (clientId == null || clientId.isEmpty()) {
            throw counted(HttpProblem.badRequest("client_id is required"));
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
            outcome("bad_request");
            throw new UnsupportedGrant();
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

    @ServerExceptionMapper
    public Response unsupportedGrant(UnsupportedGrant e) {
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "unsupported_grant_type")).build();
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
            throw counted(HttpProblem.badRequest("unknown service '" + truncate(service) + "'"));
        }
    }

    private String serviceOrDefault(String service) {
        return service == null || service.isEmpty() ? config.registry().service() : service;
    }

    private List<Scope> parseScopes(List<String> values) {
        try {
            return Scope.parseAll(values == null ? List.of() : values);
        } catch (Scope.MalformedScopeException e) {
            throw counted(HttpProblem.badRequest(e.getMessage()));
        }
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }

    private Authentication.Authenticated authenticateBasic(String authorization, String address) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw counted(HttpProblem.unauthorized("only HTTP Basic credentials are accepted here"));
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw counted(HttpProblem.unauthorized("malformed Basic credentials"));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw counted(HttpProblem.unauthorized("malformed Basic credentials"));
        }
        return authenticated(authenticator.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1),
                address));
    }

    private Authentication.Authenticated authenticated(Authentication result) {
        if (result instanceof Authentication.Authenticated authenticated) {
            return authenticated;
        }
        if (result instanceof Authentication.Disabled disabled) {
            throw counted(HttpProblem.forbidden("account " + disabled.username() + " is disabled"));
        }
        throw counted(HttpProblem.unauthorized("invalid username, password or token"));
    }

    private HttpProblem counted(HttpProblem problem) {
        outcome(switch (problem.status()) {
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            default -> "bad_request";
        });
        return problem;
    }

    private void outcome(String outcome) {
        metrics.refused(outcome);
    }

    private static String truncate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "…" : s;
    }

    static final class UnsupportedGrant extends RuntimeException {
        UnsupportedGrant() {
            super("unsupported_grant_type", null, false, false);
        }
    }
}
