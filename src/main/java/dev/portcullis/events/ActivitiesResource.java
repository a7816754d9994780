package dev.portcullis.events;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.core.ApiDocument;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestQuery;

/** The activity feed: pushes, GET pulls, deletes and access changes, newest first; JSON or CSV. */
@Path("/api/v1/activities")
@Authenticated
@Tag(name = "activities", description = "The activity feed: pushes, pulls, deletes and every change of access,"
        + " newest first. Admins see everything; others what they may pull from, their teams and themselves")
public class ActivitiesResource {

    /** An export may be large, but is still bounded: page through with the cursor in the Link header. */
    static final int MAX_CSV_LIMIT = 10_000;
    public static final Set<String> ACTIONS = Set.of("push", "pull", "delete", "repository.update", "user.create",
            "bot.create", "user.update", "user.delete", "team.create", "team.update", "team.delete", "member.add",
            "member.update", "member.remove", "namespace.create", "namespace.update", "namespace.move",
            "namespace.delete", "token.create", "token.revoke");
    static final String CSV = "text/csv";

    /** One line of the feed; which members are set depends on the action. */
    public record ActivityView(
            @Schema(description = "push, pull, delete, or the change of access (e.g. member.add)") String action,
            String repository, String tag, String digest,
            @Schema(description = "who did it; for a pull or push, the account that signed in") String actor,
            @Schema(format = "date-time", description = "when, RFC 3339 in UTC") String timestamp,
            String namespace, String team,
            @Schema(description = "the account a change of access was about") String user,
            @Schema(description = "what changed, in words") String detail) {
    }

    public record ActivityPage(List<ActivityView> items,
            @Schema(description = "the cursor of the next page, null on the last") String next) {
    }

    @Inject
    ActivityFeed feed;

    @Inject
    CurrentCaller caller;

    /**
     * Admins see everything; others the namespaces they may pull from, their teams and themselves. The document
     * describes this operation with both its representations ({@link #export} is the CSV one).
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listActivities", summary = "The activity feed, newest first, as JSON or CSV")
    @APIResponse(responseCode = "200", description = "A page of the feed. CSV (RFC 4180, Accept: text/csv) has the"
            + " same columns, up to 10,000 rows a page, and the next page in Link",
            headers = @Header(name = "Link", description = "CSV only: <?cursor=...>; rel=\"next\" while there is more",
                    schema = @Schema(type = SchemaType.STRING)),
            content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ActivityPage.class)),
                @Content(mediaType = CSV, schema = @Schema(type = SchemaType.STRING))})
    @APIResponse(responseCode = "400", ref = ApiDocument.BAD_REQUEST)
    public ActivityPage list(@RestQuery @Parameter(description = "a repository's full name") String repository,
            @RestQuery String namespace,
            @RestQuery @Parameter(schema = @Schema(type = SchemaType.STRING, enumeration = {"push", "pull", "delete",
                "repository.update", "user.create", "bot.create", "user.update", "user.delete", "team.create",
                "team.update", "team.delete", "member.add", "member.update", "member.remove", "namespace.create",
                "namespace.update", "namespace.move", "namespace.delete", "token.create", "token.revoke"}))
            String action,
            @RestQuery String tag,
            @RestQuery @Parameter(description = "the account that did it") String actor,
            @RestQuery @Parameter(description = "from this time on (RFC 3339)",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time")) String from,
            @RestQuery @Parameter(description = "up to this time (RFC 3339)",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time")) String to,
            @RestQuery @Parameter(description = "How many entries a page holds at most: 1 to 200, default 50; CSV 1 to"
                    + " 10,000, default 10,000", schema = @Schema(type = SchemaType.INTEGER, format = "int32",
                            minimum = "1", maximum = "10000")) Integer limit,
            @RestQuery @Parameter(ref = ApiDocument.CURSOR) String cursor) throws SQLException {
        ActivityFeed.Page page = feed.page(query(repository, namespace, action, tag, actor, from, to, limit, cursor,
                Pagination.MAX_LIMIT), caller.subject());
        List<ActivityView> items = new ArrayList<>(page.items().size());
        for (Activity a : page.items()) {
            items.add(new ActivityView(a.action(), a.repository(), a.tag(), a.digest(), a.actor(),
                    DateTimeFormatter.ISO_INSTANT.format(a.timestamp()), a.namespace(), a.team(), a.targetUser(),
                    a.detail()));
        }
        return new ActivityPage(items, encode(page.next()));
    }

    /** The same feed as CSV (RFC 4180), for spreadsheets and audits; the next page's cursor is in {@code Link}. */
    @GET
    @Produces(CSV + ";qs=0.5")
    @Operation(hidden = true) // described with list(), the same operation
    public Response export(@RestQuery String repository, @RestQuery String namespace, @RestQuery String action,
            @RestQuery String tag, @RestQuery String actor, @RestQuery String from, @RestQuery String to,
            @RestQuery Integer limit, @RestQuery String cursor) throws SQLException {
        ActivityFeed.Page page = feed.page(query(repository, namespace, action, tag, actor, from, to,
                limit == null ? MAX_CSV_LIMIT : limit, cursor, MAX_CSV_LIMIT), caller.subject());
        StringBuilder csv = new StringBuilder("timestamp,action,actor,namespace,repository,tag,digest,team,user,detail\r\n");
        for (Activity a : page.items()) {
            csv.append(String.join(",", CsvCells.cell(DateTimeFormatter.ISO_INSTANT.format(a.timestamp())), CsvCells.cell(a.action()),
                    CsvCells.cell(a.actor()), CsvCells.cell(a.namespace()), CsvCells.cell(a.repository()), CsvCells.cell(a.tag()), CsvCells.cell(a.digest()),
                    CsvCells.cell(a.team()), CsvCells.cell(a.targetUser()), CsvCells.cell(a.detail()))).append("\r\n");
        }
        Response.ResponseBuilder answer = Response.ok(csv.toString().getBytes(StandardCharsets.UTF_8), CSV + "; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"activities.csv\"");
        if (page.next() != null) {
            answer.header("Link", "<?cursor=" + encode(page.next()) + ">; rel=\"next\"");
        }
        return answer.build();
    }

    private static ActivityQuery query(String repository, String namespace, String action, String tag, String actor,
            String from, String to, Integer limit, String cursor, int maxLimit) {
        if (repository != null && !RepositoryName.isValid(repository)) {
            throw Refusal.malformed("repository is not a valid repository name");
        }
        if (namespace != null && !RepositoryName.isComponent(namespace)
                && !NamespaceFacts.GLOBAL_NAME.equals(namespace)) {
            throw Refusal.malformed("namespace is not a valid namespace name");
        }
        if (action != null && !ACTIONS.contains(action)) {
            throw Refusal.malformed("action must be one of " + ACTIONS);
        }
        if (tag != null && (tag.isEmpty() || tag.length() > 128)) {
            throw Refusal.malformed("tag must be 1 to 128 characters");
        }
        if (actor != null && (actor.isEmpty() || actor.length() > 255)) {
            throw Refusal.malformed("actor must be 1 to 255 characters");
        }
        int size = limit == null ? Pagination.DEFAULT_LIMIT : limit;
        if (size < 1 || size > maxLimit) {
            throw Refusal.malformed("limit must be between 1 and " + maxLimit);
        }
        return new ActivityQuery(repository, namespace, action, tag, actor, instant("from", from), instant("to", to),
                size, decode(cursor));
    }

    private static Instant instant(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw Refusal.malformed(name + " must be an RFC 3339 time such as 2026-11-27T00:00:00Z");
        }
    }

    static String encode(ActivityQuery.Cursor cursor) {
        return cursor == null ? null : Pagination.encode(Pagination.pair(cursor.epochMicros(), cursor.id()));
    }

    static ActivityQuery.Cursor decode(String cursor) {
        String position = Pagination.decode(cursor);
        if (position.isEmpty()) {
            return null;
        }
        long[] key = Pagination.pair(position);
        return new ActivityQuery.Cursor(key[0], key[1]);
    }
}
