package dev.portcullis.access.oidc;

import dev.portcullis.access.directory.DirectoryPerson;
import dev.portcullis.access.directory.GroupTeams;
import dev.portcullis.config.Oidc;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The person an ID token describes, read through the claim names of {@code portcullis.oidc}. Pure: a claim lookup
 * in, the person out. The external id is issuer and subject together: a subject is unique only at its issuer
 * (<a href="https://openid.net/specs/openid-connect-core-1_0.html#ClaimStability">OIDC Core 5.7</a>).
 */
public final class IdTokenClaims {

    private IdTokenClaims() {
    }

    /**
     * @param claim the token's claim of a name (null when absent), as {@code JsonWebToken.getClaim} answers
     * @return empty when the token names nobody (no subject, no username claim)
     */
    public static Optional<DirectoryPerson> person(Function<String, Object> claim, Oidc settings) {
        String subject = text(claim.apply("sub"));
        String username = text(claim.apply(settings.usernameClaim()));
        if (subject == null || username == null) {
            return Optional.empty();
        }
        String issuer = text(claim.apply("iss"));
        return Optional.of(new DirectoryPerson(issuer == null ? subject : issuer + "#" + subject,
                username.toLowerCase(Locale.ROOT), text(claim.apply(settings.emailClaim())),
                text(claim.apply(settings.displayNameClaim())), groups(claim.apply(settings.groupsClaim()))));
    }

    /** The groups claim as {@link GroupTeams} compares them: an array of names, or one name. */
    static Set<String> groups(Object value) {
        Set<String> groups = new LinkedHashSet<>();
        if (value instanceof JsonArray array) {
            array.forEach(item -> add(groups, text(item)));
        } else if (value instanceof Collection<?> items) {
            items.forEach(item -> add(groups, text(item)));
        } else {
            add(groups, text(value));
        }
        return groups;
    }

    private static void add(Set<String> groups, String group) {
        if (group != null && !group.isBlank()) {
            groups.add(GroupTeams.key(group));
        }
    }

    private static String text(Object value) {
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        String text = value instanceof JsonString json ? json.getString() : value.toString();
        return text.isBlank() ? null : text.trim();
    }
}
