package dev.portcullis.access.directory;

import dev.portcullis.access.AccountSource;
import dev.portcullis.access.auth.PasswordDirectory;
import dev.portcullis.config.PortcullisConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Directory passwords for the token endpoint, the API's HTTP Basic and the sign-in form: the LDAP directory checks
 * the password, {@link DirectoryAccounts} makes or updates the account. Off unless {@code portcullis.ldap.enabled}.
 */
@ApplicationScoped
public class LdapSignIn implements PasswordDirectory {

    @Inject
    PortcullisConfig config;

    @Inject
    DirectoryAccounts accounts;

    @Inject
    MeterRegistry meters;

    private volatile LdapDirectory directory;

    void onStart(@Observes StartupEvent start) {
        if (config.ldap().enabled()) {
            directory = new LdapDirectory(config.ldap());
            FunctionCounter.builder("portcullis.directory.binds", directory, LdapDirectory::binds)
                    .description("binds to the LDAP directory as a person (decoys for unknown names included)")
                    .register(meters);
        }
    }

    void onStop(@Observes ShutdownEvent stop) {
        if (directory != null) {
            directory.close();
        }
    }

    @Override
    public boolean enabled() {
        return directory != null;
    }

    @Override
    public OptionalLong signIn(String username, String password) {
        Optional<DirectoryPerson> person = directory.authenticate(username, password);
        if (person.isEmpty()) {
            return OptionalLong.empty();
        }
        return accounts.signedIn(AccountSource.LDAP, person.get()).map(OptionalLong::of).orElse(OptionalLong.empty());
    }

    /** The directory client, while LDAP is on (for the sync). */
    Optional<LdapDirectory> directory() {
        return Optional.ofNullable(directory);
    }
}
