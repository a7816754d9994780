package dev.portcullis.token;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * The token endpoint's meters, every label value fixed here and registered at start (a panel shows 0, not "no
 * data", and no caller can add a series):
 * <ul>
 * <li>{@code portcullis_token_requests_total{outcome}}: issued, unauthorized, forbidden, bad_request;</li>
 * <li>{@code portcullis_tokens_issued_total{grant}}: how the caller got its token: anonymous, basic (GET with
 * a password or an application token), password or refresh_token (the OAuth2 POST);</li>
 * <li>{@code portcullis_token_duration_seconds{outcome}}: the time to answer, as a histogram with fixed
 * buckets, so p50 and p99 over all replicas come from {@code histogram_quantile}; the outcome adds error (5xx).</li>
 * </ul>
 */
@ApplicationScoped
public class TokenMetrics {

    static final List<String> OUTCOMES = List.of("issued", "unauthorized", "forbidden", "bad_request");
    static final List<String> GRANTS = List.of("anonymous", "basic", "password", "refresh_token");
    static final List<String> ANSWERS = List.of("issued", "unauthorized", "forbidden", "bad_request", "error");
    /** From a cached answer to a slow password hash, a throttled sign-in, a stalled database. */
    static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10)};
    private static final String STARTED = TokenMetrics.class.getName() + ".started";

    private final Map<String, Counter> requests;
    private final Map<String, Counter> issued;
    private final Map<String, Timer> durations;

    @Inject
    public TokenMetrics(MeterRegistry meters) {
        requests = each(OUTCOMES, outcome -> meters.counter("portcullis.token.requests", "outcome", outcome));
        issued = each(GRANTS, grant -> Counter.builder("portcullis.tokens.issued")
                .description("Tokens handed out, by how the caller authenticated").tag("grant", grant)
                .register(meters));
        durations = each(ANSWERS, outcome -> Timer.builder("portcullis.token.duration")
                .description("Time to answer a token request").tag("outcome", outcome)
                .serviceLevelObjectives(BUCKETS).register(meters));
    }

    /** A token was handed out. @param grant one of {@link #GRANTS} */
    void issued(String grant) {
        requests.get("issued").increment();
        issued.get(grant).increment();
    }

    /** A request was answered without a token. @param outcome unauthorized, forbidden or bad_request */
    void refused(String outcome) {
        requests.get(outcome).increment();
    }

    /** The token endpoint's path (its resource's {@code @Path}). */
    static final String PATH = "/v2/token";

    @ServerRequestFilter
    void started(ContainerRequestContext request) {
        if (PATH.equals(request.getUriInfo().getPath())) {
            request.setProperty(STARTED, System.nanoTime());
        }
    }

    @ServerResponseFilter
    void answered(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(STARTED) instanceof Long started) {
            durations.get(answer(response.getStatus())).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    static String answer(int status) {
        return switch (status) {
            case 200 -> "issued";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            default -> status >= 500 ? "error" : "bad_request";
        };
    }

    private static <M> Map<String, M> each(List<String> values, Function<String, M> meter) {
        return values.stream().collect(Collectors.toUnmodifiableMap(Function.identity(), meter));
    }
}
