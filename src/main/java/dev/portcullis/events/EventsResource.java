package dev.portcullis.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Refusal;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * The registry's notification endpoint (the path Portus used, so existing registry configs keep working).
 * Any content type is accepted: a 415 would be retried by the registry forever.
 */
@Path("/v2/webhooks/events")
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);

    private final EnvelopeParser parser;

    @Inject
    EventWriter writer;

    @Inject
    EventMetrics metrics;

    @Inject
    public EventsResource(ObjectMapper json) {
        this.parser = new EnvelopeParser(json);
    }

    /**
     * Behind {@link SinkGate}: the secret was checked, and the sink was not saturated, before the body was read.
     * Not blocking: the body is read and parsed on the event loop, and the answer leaves from there once the
     * catalog writer committed; no worker thread waits for the commit. The answer is a small JSON object written
     * as text (the registry reads only the status).
     */
    @POST
    @SinkGate.Gated
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public CompletionStage<String> receive(byte[] body) {
        long started = System.nanoTime();
        Envelope envelope;
        try {
            envelope = parser.parse(body == null ? new byte[0] : body);
        } catch (EnvelopeParser.MalformedEnvelopeException e) {
            throw Refusal.malformed(e.getMessage());
        }
        Context context = Vertx.currentContext();
        Executor onRequest = context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
        CompletableFuture<String> answer = new CompletableFuture<>();
        writer.store(envelope, onRequest).whenComplete((result, failure) -> {
            metrics.ingested(started, failure == null);
            if (failure == null) {
                answer.complete("{\"stored\":" + result.stored() + ",\"duplicates\":" + result.duplicates()
                        + ",\"parked\":" + result.parked() + "}");
            } else if (failure instanceof SQLException) {
                // Not a 2xx: the registry keeps the events and retries, so nothing it delivered is lost.
                LOG.warnf("events not stored, answering 503: %s", failure.getMessage());
                answer.completeExceptionally(Refusal.unavailable("events could not be stored, retry later"));
            } else {
                answer.completeExceptionally(failure);
            }
        });
        return answer;
    }
}
