package dev.portcullis.events;

import dev.portcullis.access.auth.CurrentCaller;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.RepositoryName;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestQuery;

/** The activity feed: pushes, GET pulls, deletes and access changes, newest first; JSON or CSV. */
@Path("/api/v1/activities")
@Authenticated
public class ActivitiesResource {

    /** An export may be large, but is still bounded: page through with the cursor in the Link header. */
    static final int MAX_CSV_LIMIT = 10_000;
    static final Set<String> ACTIONS = Set.of("push", "pull", "delete", "repository.update", "user.create",
            "bot.create", "user.update", "user.delete", "team.create", "team.update", "team.delete", "member.add",
            "member.update", "member.remove", "namespace.create", "namespace.update", "namespace.move",
            "namespace.delete", "token.create", "token.revoke");
    static final String CSV = "text/csv";

    @Inject
    ActivityFeed feed;

    @Inject
    CurrentCaller caller;

    /** Admins see everything; others the namespaces they may pull from, their teams and themselves. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> list(@RestQuery String repository, @RestQuery String namespace,
            @RestQuery String action, @RestQuery String tag, @RestQuery String actor, @RestQuery String from,
            @RestQuery String to, @RestQuery Integer limit, @RestQuery String cursor) throws SQLException {
        ActivityFeed.Page page = feed.page(query(repository, namespace, action, tag, actor, from, to, limit, cursor,
                Pagination.MAX_LIMIT), caller.subject());
        List<Map<String, Object>> items = new ArrayList<>(page.items().size());
        for (Activity a : page.items()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("action", a.action());
            item.put("repository", a.repository());
            item.put("tag", a.tag());
            item.put("digest", a.digest());
            item.put("actor", a.actor());
            item.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(a.timestamp()));
            item.put("namespace", a.namespace());
            item.put("team", a.team());
            item.put("user", a.targetUser());
            item.put("detail", a.detail());
            items.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next", encode(page.next()));
        return body;
    }

    /** The same feed as CSV (RFC 4180), for spreadsheets and audits; the next page's cursor is in {@code Link}. */
    @GET
    @Produces(CSV + ";qs=0.5")
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
