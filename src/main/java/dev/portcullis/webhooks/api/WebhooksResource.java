package dev.portcullis.webhooks.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.api.ApiViews.PageView;
import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import dev.portcullis.webhooks.DeliveryLog;
import dev.portcullis.webhooks.Webhook;
import dev.portcullis.webhooks.Webhooks;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/** Outgoing webhooks: a namespace's (its owners) and global ones (admins), their delivery log, redelivery, ping. */
@Path("/api/v1/webhooks")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "webhooks", description = "Outgoing webhooks, per namespace (its owners) or global (admins): signed"
        + " deliveries of pushes, pulls, deletes and access changes, with a delivery log")
@SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BASIC))
@SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.BEARER))
public class WebhooksResource {

    @Schema(requiredProperties = {"name", "url"})
    public record NewWebhook(@Schema(description = "absent: a global webhook (admins)") String namespace,
            String name, String url,
            @Schema(description = "absent: push; any of push, pull, delete, member.added, member.removed,"
                    + " member.role_changed, visibility.changed, token.created, token.revoked") List<String> events,
            @Schema(enumeration = {"cloudevents", "portus"}, description = "absent: cloudevents") String format,
            Boolean enabled, Map<String, String> headers,
            @Schema(description = "16 to 255 characters; absent: generated, shown once in the answer") String secret) {
    }

    @Schema(description = "A JSON merge patch (RFC 7396): a member present changes it; enabled true turns a webhook"
            + " disabled after failures on again")
    public record WebhookPatch(String name, String url, List<String> events, String format, Boolean enabled,
            Map<String, String> headers, String secret) {
    }

    @RegisterForReflection
    public record WebhookView(long id, String namespace, String name, String url, List<String> events, String format,
            boolean enabled, @Schema(description = "why it was disabled after failed deliveries") String disabledReason,
            int consecutiveFailures, @Schema(description = "header names; their values are not shown")
            List<String> headers, @Schema(description = "only in the answer that created it") String secret,
            String createdBy, Instant createdAt) {

        static WebhookView of(Webhook w, Map<String, String> headers, boolean withSecret) {
            return new WebhookView(w.id, w.namespace == null ? null : w.namespace.name, w.name, w.url, w.eventList(),
                    w.format, w.enabled, w.disabledReason, w.consecutiveFailures, List.copyOf(headers.keySet()),
                    withSecret ? w.secret : null, w.createdBy, w.createdAt);
        }
    }

    @Inject
    Webhooks webhooks;

    @Inject
    DeliveryLog log;

    @Inject
    CurrentCaller caller;

    @Inject
    ObjectMapper json;

    @GET
    @Operation(operationId = "listWebhooks", summary = "A namespace's webhooks (its owners), or the global ones"
            + " (admins) when no namespace is named")
    @APIResponse(responseCode = "200", description = "The webhooks, oldest first")
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public List<WebhookView> list(@RestQuery String namespace) {
        return webhooks.list(caller.subject(), namespace).stream()
                .map(w -> WebhookView.of(w, webhooks.headerMap(w), false)).toList();
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getWebhook", summary = "A webhook the caller manages")
    @APIResponse(responseCode = "200", description = "The webhook, without its secret")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public WebhookView show(@RestPath long id) {
        Webhook w = webhooks.managed(caller.subject(), id);
        return WebhookView.of(w, webhooks.headerMap(w), false);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createWebhook", summary = "Create a webhook of a namespace (owners) or a global one"
            + " (admins)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = NewWebhook.class), examples = @ExampleObject(name = "ci",
                    value = "{\"namespace\": \"team-a\", \"name\": \"ci\", \"url\": \"https://ci.example.com/hook\","
                            + " \"events\": [\"push\", \"delete\"], \"format\": \"cloudevents\"}")))
    @APIResponseSchema(value = WebhookView.class, responseCode = "201",
            responseDescription = "Created, with its secret (shown this once); Location names it")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "403", ref = ApiDocument.FORBIDDEN)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public Response create(NewWebhook body) {
        if (body == null) {
            throw Refusal.invalid("name and url are required");
        }
        Webhook w = webhooks.create(caller.subject(), new Webhooks.Spec(body.namespace(), body.name(), body.url(),
                body.events(), body.format(), body.enabled(), body.headers(), body.secret()));
        return Response.created(URI.create("/api/v1/webhooks/" + w.id))
                .entity(WebhookView.of(w, webhooks.headerMap(w), true)).build();
    }

    @PATCH
    @Path("{id}")
    @Consumes({MergePatch.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Operation(operationId = "updateWebhook", summary = "Change a webhook")
    @RequestBody(required = true, content = {
        @Content(mediaType = MergePatch.MEDIA_TYPE, schema = @Schema(implementation = WebhookPatch.class),
                examples = @ExampleObject(name = "enable", value = "{\"enabled\": true}")),
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WebhookPatch.class))})
    @APIResponse(responseCode = "200", description = "The webhook as changed")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "422", ref = ApiDocument.UNPROCESSABLE)
    public WebhookView update(@RestPath long id, JsonNode body) {
        MergePatch patch = new MergePatch(body, Webhooks.PATCHABLE);
        Map<String, String> headers = null;
        List<String> events = null;
        try {
            if (body.hasNonNull("headers")) {
                headers = json.convertValue(body.get("headers"),
                        json.getTypeFactory().constructMapType(Map.class, String.class, String.class));
            }
            if (body.hasNonNull("events")) {
                events = json.convertValue(body.get("events"),
                        json.getTypeFactory().constructCollectionType(List.class, String.class));
            }
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("headers must be an object of strings, events a list of strings");
        }
        Webhook w = webhooks.update(caller.subject(), id, patch, headers, events);
        return WebhookView.of(w, webhooks.headerMap(w), false);
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete a webhook with its pending deliveries and its log")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public Response delete(@RestPath long id) {
        webhooks.delete(caller.subject(), id);
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "A webhook's deliveries, newest first")
    @APIResponse(responseCode = "200", description = "A page of deliveries")
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public PageView<DeliveryLog.Delivery> deliveries(@RestPath long id,
            @RestQuery @Parameter(ref = ApiDocument.LIMIT) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) {
        int n = Pagination.limit(limit);
        Long before = null;
        String position = Pagination.decode(cursor);
        if (!position.isEmpty()) {
            try {
                before = Long.parseLong(position);
            } catch (NumberFormatException e) {
                throw Refusal.malformed("not a cursor of this list");
            }
        }
        List<DeliveryLog.Delivery> page = log.deliveries(caller.subject(), id, before, n + 1);
        String next = page.size() > n ? Pagination.encode(Long.toString(page.get(n - 1).id())) : null;
        return new PageView<>(page.size() > n ? page.subList(0, n) : page, next);
    }

    @GET
    @Path("{id}/deliveries/{delivery}")
    @Operation(operationId = "listWebhookDeliveryAttempts", summary = "A delivery's attempts: what was sent"
            + " (custom header values hidden) and what came back")
    @APIResponse(responseCode = "200", description = "The attempts, first first")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public List<DeliveryLog.Attempt> attempts(@RestPath long id, @RestPath long delivery) {
        return log.attempts(caller.subject(), id, delivery);
    }

    @POST
    @Path("{id}/deliveries/{delivery}/redeliver")
    @Operation(operationId = "redeliverWebhookDelivery", summary = "Send a finished delivery again, with the same"
            + " delivery id")
    @APIResponse(responseCode = "202", description = "Queued again")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    @APIResponse(responseCode = "409", ref = ApiDocument.CONFLICT)
    public Response redeliver(@RestPath long id, @RestPath long delivery) {
        log.redeliver(caller.subject(), id, delivery);
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/ping")
    @Operation(operationId = "pingWebhook", summary = "Queue a ping delivery, to test the receiver")
    @APIResponse(responseCode = "202", description = "Queued, behind the webhook's pending deliveries")
    @APIResponse(responseCode = "404", ref = ApiDocument.NOT_FOUND)
    public Response ping(@RestPath long id) {
        log.ping(caller.subject(), id);
        return Response.accepted().build();
    }
}
