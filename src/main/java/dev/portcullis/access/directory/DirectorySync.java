package dev.portcullis.access.directory;

import dev.portcullis.access.AccountSource;
import dev.portcullis.access.auth.VerifiedDirectoryPasswords;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Every {@code portcullis.directory.sync-every}: each replica forgets the directory passwords it verified (so a
 * changed or revoked one is asked again), and the replica holding the lease checks every LDAP account against the
 * directory: gone or disabled people are disabled here (sign-in, sessions and tokens stop), the others get their
 * groups' teams. A directory that cannot be reached changes nothing: nobody is disabled because of an outage.
 */
@ApplicationScoped
public class DirectorySync {

    private static final Logger LOG = Logger.getLogger(DirectorySync.class);

    /** What one run did. */
    public record Outcome(int checked, int disabled, boolean completed) {
    }

    @Inject
    PortcullisConfig config;

    @Inject
    LdapSignIn ldap;

    @Inject
    DirectoryAccounts accounts;

    @Inject
    SyncLease lease;

    @Inject
    VerifiedDirectoryPasswords verified;

    @Scheduled(every = "${portcullis.directory.sync-every}", delayed = "${portcullis.directory.sync-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        verified.forgetAll();
        if (ldap.directory().isPresent() && lease.acquire(config.directory().syncEvery())) {
            run();
        }
    }

    /** One sync of every LDAP account, now (the schedule's, or a test's). */
    public Outcome run() {
        verified.forgetAll();
        Optional<LdapDirectory> directory = ldap.directory();
        if (directory.isEmpty()) {
            return new Outcome(0, 0, true);
        }
        int checked = 0;
        int disabled = 0;
        try {
            for (Object[] account : accounts.accounts(AccountSource.LDAP)) {
                long id = (Long) account[0];
                Optional<DirectoryPerson> person = directory.get().lookup((String) account[1]);
                if (person.isPresent()) {
                    accounts.refresh(id, person.get());
                } else if (accounts.gone(id)) {
                    disabled++;
                }
                checked++;
            }
        } catch (Refusal.Unavailable e) {
            LOG.warnf("directory sync stopped after %d accounts: %s", checked, e.detail());
            return new Outcome(checked, disabled, false);
        }
        LOG.debugf("directory sync: %d accounts checked, %d disabled", checked, disabled);
        return new Outcome(checked, disabled, true);
    }
}
