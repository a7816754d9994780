package dev.portcullis.access;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/** Checks a username and password; the one entry point for the token endpoint and the API. */
@ApplicationScoped
public class Authenticator {

    @Inject
    PasswordHasher hasher;

    @Transactional
    public Authentication authenticate(String username, String password) {
        if (username == null || password == null || username.length() > 64 || password.length() > 1024) {
            return new Authentication.Rejected();
        }
        User user = User.findByUsername(username).orElse(null);
        if (user == null || user.passwordHash == null) {
            hasher.matchDecoy(password);
            return new Authentication.Rejected();
        }
        if (!hasher.matches(password, user.passwordHash)) {
            return new Authentication.Rejected();
        }
        return user.enabled ? new Authentication.Authenticated(user) : new Authentication.Disabled(user.username);
    }
}
