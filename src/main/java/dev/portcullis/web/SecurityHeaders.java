package dev.portcullis.web;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Security headers on every answer but the operators' {@code /q/} endpoints (whose dev-mode pages use inline
 * scripts): no inline or foreign scripts, styles or frames, no framing by others, no MIME sniffing, no referrer
 * to other sites; and over https (directly, or as a trusted proxy says, see {@code quarkus.http.proxy.*}) HSTS, so
 * that a browser never comes back over plain http.
 */
@ApplicationScoped
public class SecurityHeaders {

    static final String HSTS = "max-age=31536000; includeSubDomains";
    static final String CSP = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self';"
            + " object-src 'none'";

    void install(@Observes Router router) {
        // First of all routes, so that redirects and error answers of later handlers carry the headers too.
        router.route().order(Integer.MIN_VALUE).handler(context -> {
            if (!context.normalizedPath().startsWith("/q/")) {
                MultiMap headers = context.response().headers();
                headers.set("Content-Security-Policy", CSP);
                headers.set("X-Frame-Options", "DENY");
                headers.set("X-Content-Type-Options", "nosniff");
                headers.set("Referrer-Policy", "same-origin");
                if ("https".equals(context.request().scheme())) {
                    headers.set("Strict-Transport-Security", HSTS);
                }
            }
            context.next();
        });
    }
}
