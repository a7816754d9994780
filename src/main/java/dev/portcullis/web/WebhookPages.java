package dev.portcullis.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Refusal;
import dev.portcullis.webhooks.DeliveryLog;
import dev.portcullis.webhooks.EventType;
import dev.portcullis.webhooks.Webhook;
import dev.portcullis.webhooks.Webhooks;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestPath;

/**
 * A namespace's webhooks, for those who manage it (the same rule as the API: others get the same 404 as for a
 * namespace that does not exist): the list with each webhook's latest deliveries and why it was disabled, creation
 * (the secret shown once, on the answer to the form, never in a redirect), ping, redelivery, enabling and deletion.
 */
@Path("/namespaces/{name}/webhooks")
@Produces(MediaType.TEXT_HTML)
public class WebhookPages {

    static final int RECENT_DELIVERIES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A webhook as the page shows it: never its secret. */
    public record Row(long id, String name, String url, String format, List<String> events, boolean enabled,
            String disabledReason, int consecutiveFailures, List<DeliveryLog.Delivery> deliveries) {
    }

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance list(Chrome page, String namespace, List<Row> webhooks, List<String> events,
                String createdSecret);
    }

    @Inject
    WebRequest web;

    @Inject
    Webhooks webhooks;

    @Inject
    DeliveryLog log;

    @GET
    @Transactional
    public TemplateInstance list(@RestPath String name) {
        return page(name, null);
    }

    @POST
    @Transactional
    public TemplateInstance create(@RestPath String name, @RestForm("webhook") String webhookName,
            @RestForm String url, @RestForm List<String> events, @RestForm String format, @RestForm String headers,
            @RestForm String secret) {
        String given = Links.blankToNull(secret);
        Webhook created = webhooks.create(web.subject(), new Webhooks.Spec(name, Links.blankToNull(webhookName),
                Links.blankToNull(url), events == null || events.isEmpty() ? null : events, Links.blankToNull(format),
                true, headerLines(headers), given));
        // A secret the owner typed is not shown back; a generated one is, this once.
        return page(name, given == null ? created.secret : null);
    }

    /** {@code Name: value} per line, as the form's text area takes them; a line without a colon is refused. */
    static Map<String, String> headerLines(String text) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (text == null) {
            return headers;
        }
        for (String line : text.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw Refusal.invalid("a header is 'Name: value', one per line");
            }
            headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
        }
        return headers;
    }

    @POST
    @Path("{id}/ping")
    public Response ping(@RestPath String name, @RestPath long id) {
        log.ping(web.subject(), id);
        return web.redirect(here(name), "Ping queued: it shows in the deliveries below once sent.");
    }

    @POST
    @Path("{id}/deliveries/{delivery}/redeliver")
    public Response redeliver(@RestPath String name, @RestPath long id, @RestPath long delivery) {
        log.redeliver(web.subject(), id, delivery);
        return web.redirect(here(name), "Delivery " + delivery + " queued again.");
    }

    @POST
    @Path("{id}/enabled")
    public Response enable(@RestPath String name, @RestPath long id, @RestForm boolean enabled) {
        ObjectNode body = JSON.createObjectNode();
        body.put("enabled", enabled);
        webhooks.update(web.subject(), id, new MergePatch(body, Set.of("enabled")), null, null);
        return web.redirect(here(name), enabled ? "Webhook enabled." : "Webhook disabled.");
    }

    @POST
    @Path("{id}/delete")
    public Response delete(@RestPath String name, @RestPath long id) {
        webhooks.delete(web.subject(), id);
        return web.redirect(here(name), "Webhook deleted.");
    }

    private TemplateInstance page(String namespace, String createdSecret) {
        Subject subject = web.subject();
        List<Row> rows = webhooks.list(subject, namespace).stream()
                .map(w -> new Row(w.id, w.name, w.url, w.format, w.eventList(), w.enabled, w.disabledReason,
                        w.consecutiveFailures, log.deliveries(subject, w.id, null, RECENT_DELIVERIES)))
                .toList();
        List<String> events = Arrays.stream(EventType.values()).filter(t -> t != EventType.PING)
                .map(EventType::wire).toList();
        return Templates.list(web.chrome("namespaces", "Webhooks of " + namespace), namespace, rows, events,
                createdSecret);
    }

    private static String here(String namespace) {
        return "/namespaces/" + namespace + "/webhooks";
    }
}
