package dev.portcullis.access.api;

import dev.portcullis.access.ApplicationToken;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.Namespaces;
import dev.portcullis.access.Team;
import dev.portcullis.access.TeamMember;
import dev.portcullis.access.User;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What the JSON API shows of the access model: never a hash, never a secret except once at creation.
 * Views that a resource returns inside a {@code Response} (201 with a Location) are registered for reflection by
 * hand: the native build only sees declared return types (NativeReflectionTest finds the others).
 */
public final class ApiViews {

    private ApiViews() {
    }

    @RegisterForReflection
    public record UserView(String username, String email, String displayName, boolean admin, boolean enabled,
            boolean bot, @Schema(description = "who holds the password: local (here), ldap (the directory) or oidc"
                    + " (the identity provider)", enumeration = {"local", "ldap", "oidc"}) String source,
            Instant createdAt) {
        public static UserView of(User u) {
            return new UserView(u.username, u.email, u.displayName, u.admin, u.enabled, u.bot, u.source.label(),
                    u.createdAt);
        }
    }

    @RegisterForReflection
    public record TeamView(String name, String description, Instant createdAt) {
        public static TeamView of(Team t) {
            return new TeamView(t.name, t.description, t.createdAt);
        }
    }

    @RegisterForReflection
    public record MemberView(String username, String role) {
        public static MemberView of(TeamMember m) {
            return new MemberView(m.user.username, m.role.name().toLowerCase());
        }
    }

    /** @param role the caller's own role there, if any */
    @RegisterForReflection
    public record NamespaceView(String name, String kind, String team, String owner, String visibility,
            String description, String role) {
        public static NamespaceView of(Namespaces.Seen seen) {
            Namespace n = seen.namespace();
            return new NamespaceView(n.name, n.kind.name().toLowerCase(), n.team == null ? null : n.team.name,
                    n.owner == null ? null : n.owner.username, n.visibility.name().toLowerCase(), n.description,
                    seen.facts().role() == null ? null : seen.facts().role().name().toLowerCase());
        }
    }

    public record TokenView(long id, String name, boolean readOnly, List<String> namespaces, Instant createdAt,
            Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {
        public static TokenView of(ApplicationToken t) {
            return new TokenView(t.id, t.name, t.readOnly, List.copyOf(t.namespaceSet()), t.createdAt, t.expiresAt,
                    t.lastUsedAt, t.revokedAt);
        }
    }

    /** The answer to a token creation: the only time the secret is shown. */
    @RegisterForReflection
    public record CreatedTokenView(long id, String name, String token, boolean readOnly, List<String> namespaces,
            Instant expiresAt) {
    }

    /** One page of a list; {@code next} is the cursor of the following page. */
    public record PageView<T>(List<T> items,
            @Schema(description = "the cursor of the next page (pass it as cursor), null on the last") String next) {
    }
}
