package dev.portcullis.web;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.Subject;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The current page request: who asks, the page frame, and the messages carried across a redirect. */
@RequestScoped
public class WebRequest {

    static final String FLASH_COOKIE = "portcullis-flash";

    @Inject
    CurrentCaller caller;

    @Inject
    CurrentVertxRequest vertx;

    /** The session cookie the form mechanism writes; cleared here on sign-out. */
    @ConfigProperty(name = "quarkus.http.auth.form.cookie-name")
    String sessionCookie;

    /** Where the form mechanism returns after signing in. */
    @ConfigProperty(name = "quarkus.http.auth.form.location-cookie")
    String locationCookie;

    private List<Chrome.Flash> flashes;

    /** The signed-in subject; anonymous callers are sent to the sign-in page (see {@link WebErrors}). */
    public Subject subject() {
        return caller.subject();
    }

    /** The signed-in subject or {@link Subject#ANONYMOUS}. */
    public Subject viewer() {
        return caller.subjectOrAnonymous();
    }

    /** The page frame; never fails, so error pages can be drawn whatever went wrong. */
    public Chrome chrome(String nav, String title) {
        Subject subject;
        try {
            subject = viewer();
        } catch (RuntimeException e) {
            subject = Subject.ANONYMOUS;
        }
        return new Chrome(title, nav, subject.anonymous() ? null : subject.name(), subject.admin(), flashes());
    }

    /** 303 to a page of ours, with a message for it. */
    public Response redirect(String path, String message) {
        if (message != null) {
            flash("ok", message);
        }
        return Response.seeOther(URI.create(path)).build();
    }

    /** The same-origin page the browser came from (path and query only, so never another site), or null. */
    public String referrerPath() {
        String referer = routing().request().getHeader("Referer");
        if (referer == null) {
            return null;
        }
        try {
            URI uri = URI.create(referer);
            String path = uri.getRawPath();
            if (path == null || !path.startsWith("/") || path.startsWith("//")) {
                return null;
            }
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Adds a message shown once, on the next page drawn. */
    public void flash(String kind, String text) {
        Cookie cookie = Cookie.cookie(FLASH_COOKIE, URLEncoder.encode(kind + ":" + text, StandardCharsets.UTF_8))
                .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX).setMaxAge(60)
                .setSecure(routing().request().isSSL());
        routing().response().addCookie(cookie);
    }

    /** Sends an anonymous visitor to the sign-in page, to come back here (GET only) once signed in. */
    public Response signIn(boolean sessionEnded) {
        RoutingContext routing = routing();
        if (sessionEnded) {
            endSession();
        }
        boolean fragment = "true".equals(routing.request().getHeader("HX-Request"));
        // Not to a fragment of htmx's (the feed, member suggestions): it would come back as a bare piece of page.
        if ("GET".equals(routing.request().method().name()) && !fragment) {
            routing.response().addCookie(Cookie.cookie(locationCookie, routing.request().absoluteURI())
                    .setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.LAX)
                    .setSecure(routing.request().isSSL()));
        }
        URI login = URI.create(sessionEnded ? "/login?ended=true" : "/login");
        if (fragment) {
            // htmx's periodic refresh: the whole page goes to sign-in, not a sign-in form into the feed.
            return Response.status(401).header("HX-Redirect", login.toString()).build();
        }
        return Response.seeOther(login).build();
    }

    /** Forgets the session in this browser. */
    public void endSession() {
        routing().response().addCookie(Cookie.cookie(sessionCookie, "").setPath("/").setMaxAge(0)
                .setHttpOnly(true).setSameSite(CookieSameSite.LAX).setSecure(routing().request().isSSL()));
    }

    /** The caller's address, as the brute-force throttle counts it. */
    public String address() {
        var remote = routing().request().remoteAddress();
        return remote == null ? null : remote.hostAddress();
    }

    private List<Chrome.Flash> flashes() {
        if (flashes == null) {
            flashes = new ArrayList<>();
            Cookie cookie = routing().request().getCookie(FLASH_COOKIE);
            if (cookie != null) {
                String value = URLDecoder.decode(cookie.getValue(), StandardCharsets.UTF_8);
                int colon = value.indexOf(':');
                if (colon > 0) {
                    flashes.add(new Chrome.Flash("error".equals(value.substring(0, colon)) ? "error" : "ok",
                            value.substring(colon + 1)));
                }
                routing().response().addCookie(Cookie.cookie(FLASH_COOKIE, "").setPath("/").setMaxAge(0));
            }
        }
        return flashes;
    }

    private RoutingContext routing() {
        return vertx.getCurrent();
    }
}
