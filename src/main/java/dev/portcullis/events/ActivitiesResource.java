package dev.portcullis.events;

import dev.portcullis.access.RepositoryName;
import dev.portcullis.core.HttpProblem;
import dev.portcullis.access.CurrentCaller;
import dev.portcullis.access.NamespaceFacts;
import io.quarkus.security.Authenticated;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.RestQuery;

/** The activity feed: pushes, GET pulls and deletes, newest first. */
@Path("/api/v1/activities")
@Produces(MediaType.APPLICATION_JSON)
public class ActivitiesResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 200;
    static final Set<String> ACTIONS = Set.of("push", "pull", "delete", "user.create", "bot.create", "user.update",
            "user.delete", "team.create", "team.update", "team.delete", "member.add", "member.update",
            "member.remove", "namespace.create", "namespace.update", "namespace.move", "namespace.delete",
            "token.create", "token.revoke");

    @Inject
    ActivityFeed feed;

    @Inject
    CurrentCaller caller;

    /** Admins see everything; others the namespaces they may pull from, their teams and themselves. */
    @GET
    @Authenticated
    public Map<String, Object> list(@RestQuery String repository, @RestQuery String namespace,
            @RestQuery String action, @RestQuery Integer limit, @RestQuery String cursor) throws SQLException {
        if (repository != null && !RepositoryName.isValid(repository)) {
            throw HttpProblem.badRequest("repository is not a valid repository name");
        }
        if (namespace != null && !RepositoryName.isComponent(namespace)
                && !NamespaceFacts.GLOBAL_NAME.equals(namespace)) {
            throw HttpProblem.badRequest("namespace is not a valid namespace name");
        }
        if (action != null && !ACTIONS.contains(action)) {
            throw HttpProblem.badRequest("action must be one of " + ACTIONS);
        }
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw HttpProblem.badRequest("limit must be between 1 and " + MAX_LIMIT);
        }
        ActivityFeed.Page page = feed.page(new ActivityQuery(repository, namespace, action, size, decode(cursor)),
                caller.subject());
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

    static String encode(ActivityQuery.Cursor cursor) {
        if (cursor == null) {
            return null;
        }
        String plain = cursor.epochMicros() + "." + cursor.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.US_ASCII));
    }

    static ActivityQuery.Cursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int dot = plain.indexOf('.');
            return new ActivityQuery.Cursor(Long.parseLong(plain.substring(0, dot)),
                    Long.parseLong(plain.substring(dot + 1)));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw HttpProblem.badRequest("cursor is not one this API returned");
        }
    }
}
