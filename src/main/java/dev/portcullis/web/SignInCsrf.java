package dev.portcullis.web;

import dev.portcullis.access.auth.SignInFormGuard;
import io.quarkus.csrf.reactive.runtime.CsrfTokenUtils;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The pages' CSRF check (quarkus-rest-csrf's double submit: the hidden field must match the HttpOnly cookie)
 * applied to the sign-in form, which the form mechanism handles outside the REST filters. The sign-in page sets
 * the cookie like every page; a post from another site carries the cookie but cannot read it into the field.
 */
@ApplicationScoped
public class SignInCsrf implements SignInFormGuard {

    @ConfigProperty(name = "quarkus.rest-csrf.cookie-name")
    String cookieName;

    @ConfigProperty(name = "quarkus.rest-csrf.form-field-name", defaultValue = "csrf-token")
    String fieldName;

    /** When set, the cookie holds the token's signature rather than the token (as the extension checks it). */
    @ConfigProperty(name = "quarkus.rest-csrf.token-signature-key")
    Optional<String> signatureKey;

    @Override
    public boolean accepts(RoutingContext routing) {
        Cookie cookie = routing.request().getCookie(cookieName);
        String field = routing.request().getFormAttribute(fieldName);
        if (cookie == null || field == null || field.isEmpty()) {
            return false;
        }
        String expected = signatureKey.map(key -> CsrfTokenUtils.signCsrfToken(field, key)).orElse(field);
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                cookie.getValue().getBytes(StandardCharsets.UTF_8));
    }
}
