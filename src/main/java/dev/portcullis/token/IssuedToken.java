package dev.portcullis.token;

import dev.portcullis.access.policy.Scope;
import java.time.Instant;
import java.util.List;

/** A signed registry token and what it grants. */
public record IssuedToken(String jwt, Instant issuedAt, long expiresIn, List<Scope> granted) {

    /** The granted scopes with at least one action, space-separated, as the OAuth2 {@code scope} field. */
    public String grantedScopeString() {
        StringBuilder s = new StringBuilder();
        for (Scope scope : granted) {
            if (!scope.actions().isEmpty()) {
                if (s.length() > 0) {
                    s.append(' ');
                }
                s.append(scope);
            }
        }
        return s.toString();
    }
}
