package dev.portcullis.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.core.Refusal;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.sql.SQLException;
import java.util.Map;
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

    /** Behind {@link SinkGate}: the secret was checked, and the sink was not saturated, before the body was read. */
    @POST
    @SinkGate.Gated
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Integer> receive(byte[] body) {
        long started = System.nanoTime();
        Envelope envelope;
        try {
            envelope = parser.parse(body == null ? new byte[0] : body);
        } catch (EnvelopeParser.MalformedEnvelopeException e) {
            throw Refusal.malformed(e.getMessage());
        }
        boolean committed = false;
        try {
            StoreResult result = writer.store(envelope);
            committed = true;
            return Map.of("stored", result.stored(), "duplicates", result.duplicates(), "parked", result.parked());
        } catch (SQLException e) {
            // Not a 2xx: the registry keeps the events and retries, so nothing it delivered is lost.
            LOG.warnf("events not stored, answering 503: %s", e.getMessage());
            throw Refusal.unavailable("events could not be stored, retry later");
        } finally {
            metrics.ingested(started, committed);
        }
    }
}
