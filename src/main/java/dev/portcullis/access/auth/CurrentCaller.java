package dev.portcullis.access.auth;

import dev.portcullis.access.policy.Subject;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;

/** The subject of the current API request, as the identity providers authenticated it. */
@RequestScoped
public class CurrentCaller {

    static final String SUBJECT = "portcullis.subject";

    @Inject
    SecurityIdentity identity;

    /** The signed-in subject; a 401 when the request carries no valid credentials. */
    public Subject subject() {
        Subject subject = identity.isAnonymous() ? null : identity.getAttribute(SUBJECT);
        if (subject == null) {
            throw new UnauthorizedException();
        }
        return subject;
    }

    /** The subject, or {@link Subject#ANONYMOUS} for a request without credentials. */
    public Subject subjectOrAnonymous() {
        return identity.isAnonymous() ? Subject.ANONYMOUS : subject();
    }
}
