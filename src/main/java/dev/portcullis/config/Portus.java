package dev.portcullis.config;

import dev.portcullis.core.Secret;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** Importing a Portus database, and signing in with the passwords it kept. */
public interface Portus {
    /**
     * Portus's Devise pepper ({@code config.pepper} in its Devise initializer), when it set one: Devise hashed
     * {@code password + pepper}, so imported passwords verify only with it. Unset: Devise's default, no pepper.
     */
    Optional<Secret> pepper();

    /** How many rows of one kind the importer reads between two progress lines in the log. */
    @WithDefault("1000")
    int progressEvery();
}
