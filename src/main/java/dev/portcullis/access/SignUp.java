package dev.portcullis.access;

import dev.portcullis.access.auth.Authenticator;
import dev.portcullis.access.auth.LoginThrottle;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Self-service accounts ({@code portcullis.signup.*}, off by default): whoever reaches the web UI creates a person
 * without privileges, checked by the same {@link Users#create} rules as an admin's {@code POST /api/v1/users}. The
 * first one becomes admin only when {@code first-user-admin} is on and no admin is configured (see
 * {@link Users#signUp}).
 */
@ApplicationScoped
public class SignUp {

    @Inject
    PortcullisConfig config;

    @Inject
    Users users;

    @Inject
    Authenticator authenticator;

    @Inject
    LoginThrottle throttle;

    public boolean enabled() {
        return config.signup().enabled();
    }

    /**
     * Creates the account of a person signing up from {@code address}. Every attempt, accepted or refused, counts
     * against that address as a failed sign-in does: one address can neither create accounts in bulk nor probe
     * fast which names are taken (the one thing a refusal tells about other accounts; an email is never checked
     * against others).
     */
    public User register(String username, String password, String email, String address) {
        if (!enabled()) {
            throw Refusal.notFound("sign-up is off");
        }
        authenticator.checkThrottle(null, address);
        throttle.failed(null, address);
        if (username == null || password == null || email == null) {
            throw Refusal.invalid("username, email and password are required");
        }
        var signup = config.signup();
        return users.signUp(username, password, email, signup.firstUserAdmin() && !config.admin().configured());
    }
}
