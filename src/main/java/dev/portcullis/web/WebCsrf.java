package dev.portcullis.web;

import dev.portcullis.core.Faces;
import io.quarkus.csrf.reactive.runtime.CsrfRequestResponseReactiveFilter;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * quarkus-rest-csrf, narrowed to the web UI. Its filter checks every form post of the application, and 3.33 has
 * no way to exempt a path (quarkusio/quarkus#53715): the registry clients' OAuth2 form on {@code POST /v2/token}
 * would be refused for want of a CSRF cookie. This alternative runs the extension's own checks on the UI's
 * paths only; the API and the registry's endpoints take no cookies worth forging (Basic, bearer, shared secret).
 */
@Alternative
@Priority(1)
@Singleton
public class WebCsrf extends CsrfRequestResponseReactiveFilter {

    @Override
    public void filter(ResteasyReactiveContainerRequestContext request, RoutingContext routing) {
        if (Faces.isPage(routing.normalizedPath())) {
            super.filter(request, routing);
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response, RoutingContext routing) {
        if (Faces.isPage(routing.normalizedPath())) {
            super.filter(request, response, routing);
        }
    }
}
