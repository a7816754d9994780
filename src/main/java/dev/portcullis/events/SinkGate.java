package dev.portcullis.events;

import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The sink's door, checked before a byte of the body is read (filters run before the body is): the registry's
 * shared secret, then whether the sink can take anything at all. A caller without the secret, or a flood the sink
 * must refuse, costs no 8 MB of reading.
 */
@ApplicationScoped // a client proxy: the filter is built at start, the configuration is read at the first request
public class SinkGate {

    /** Marks the endpoints behind this gate. */
    @NameBinding
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Gated {
    }

    @Inject
    PortcullisConfig config;

    @Inject
    EventWriter writer;

    @Gated
    @ServerRequestFilter
    public void check(ContainerRequestContext request) {
        String authorization = request.getHeaderString("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || !config.events().token().matches(authorization.substring(7).trim())) {
            throw Refusal.unauthenticated("missing or wrong bearer token for the events endpoint");
        }
        writer.refuseWhenSaturated();
    }
}
