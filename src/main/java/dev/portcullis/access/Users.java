package dev.portcullis.access;

import dev.portcullis.core.HttpProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/** Creating accounts, each with its personal namespace. */
@ApplicationScoped
public class Users {

    public static final int MAX_USERNAME = 64;

    @Inject
    PasswordHasher hasher;

    @Transactional
    public User create(String username, String password, String email, boolean admin) {
        if (!RepositoryName.isComponent(username) || username.length() > MAX_USERNAME) {
            throw HttpProblem.unprocessable("username must be 1-" + MAX_USERNAME
                    + " lowercase letters and digits, separated by single '.', '_', '__' or '-'");
        }
        if (password == null || password.length() < 8 || password.length() > 1024) {
            throw HttpProblem.unprocessable("password must be 8 to 1024 characters");
        }
        if (email != null && (email.length() > 320 || !email.contains("@"))) {
            throw HttpProblem.unprocessable("email is not an email address");
        }
        if (User.findByUsername(username).isPresent() || Namespace.findByName(username).isPresent()) {
            throw HttpProblem.conflict("the name '" + username + "' is taken");
        }
        User user = new User();
        user.username = username;
        user.email = email;
        user.passwordHash = hasher.hash(password);
        user.admin = admin;
        user.persist();
        Namespace.personal(user).persist();
        // A concurrent create of the same name fails here, inside the call, as a 409 (see ErrorResponses).
        User.flush();
        return user;
    }
}
