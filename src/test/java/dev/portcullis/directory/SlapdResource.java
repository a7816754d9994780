package dev.portcullis.directory;

import dev.portcullis.testsupport.Slapd;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * The company directory for {@link LdapProfile}: Debian's slapd with people and groups, reached with StartTLS and
 * trusted through the test CA's certificate only, searched by a read-only service account.
 */
public class SlapdResource implements QuarkusTestResourceLifecycleManager {

    public static final String PASSWORD = "directory-password";
    private static volatile Slapd slapd;

    static final String PEOPLE = Slapd.person("alice", PASSWORD, "alice@example.org", "Alice Liddell")
            + Slapd.person("bob", PASSWORD, "bob@example.org", "Bob Builder")
            + Slapd.person("carol", PASSWORD, "carol@example.org", "Carol")
            + Slapd.person("dora", PASSWORD, "dora@example.org", "Dora")
            + Slapd.person("erin", PASSWORD, "erin@example.org", "Erin")
            + Slapd.person("frank", PASSWORD, "frank@example.org", "Frank")
            + Slapd.person("grace", PASSWORD, "grace@example.org", "Grace from the directory")
            + Slapd.person("heidi", PASSWORD, "heidi@example.org", "Heidi")
            + Slapd.person("ivan", PASSWORD, "ivan@example.org", "Ivan")
            + Slapd.person("judy", PASSWORD, "judy@example.org", "Judy")
            + Slapd.group("devs", "alice", "carol")
            + Slapd.group("leads", "bob")
            + Slapd.group("viewers", "bob")
            + Slapd.group("portcullis-admins", "dora");

    @Override
    public Map<String, String> start() {
        Slapd started = Slapd.start(PEOPLE);
        slapd = started;
        Map<String, String> config = new HashMap<>();
        config.put("portcullis.ldap.enabled", "true");
        config.put("portcullis.ldap.url", started.url());
        config.put("portcullis.ldap.start-tls", "true");
        config.put("portcullis.ldap.ca-file", started.caFile().toString());
        config.put("portcullis.ldap.bind-dn", Slapd.READER_DN);
        config.put("portcullis.ldap.bind-password", Slapd.READER_PASSWORD);
        config.put("portcullis.ldap.user-base-dn", Slapd.PEOPLE);
        // People marked disabled in the directory are left out, as a filter on an account-lock attribute would.
        config.put("portcullis.ldap.user-filter", "(&(objectClass=inetOrgPerson)(uid={0})(!(description=disabled)))");
        config.put("portcullis.ldap.group-base-dn", Slapd.GROUPS);
        config.put("portcullis.ldap.connect-timeout", "1s");
        config.put("portcullis.ldap.response-timeout", "1s");
        config.put("portcullis.directory.teams[0].group", "devs");
        config.put("portcullis.directory.teams[0].team", "developers");
        config.put("portcullis.directory.teams[0].role", "contributor");
        config.put("portcullis.directory.teams[1].group", "CN=Leads," + Slapd.GROUPS);
        config.put("portcullis.directory.teams[1].team", "developers");
        config.put("portcullis.directory.teams[1].role", "owner");
        config.put("portcullis.directory.teams[2].group", "viewers");
        config.put("portcullis.directory.teams[2].team", "readers");
        config.put("portcullis.directory.teams[2].role", "viewer");
        config.put("portcullis.directory.admin-group", "portcullis-admins");
        // The tests run the sync themselves, when they need it.
        config.put("portcullis.directory.sync-every", "1h");
        return config;
    }

    @Override
    public void stop() {
        Slapd running = slapd;
        slapd = null;
        if (running != null) {
            running.close();
        }
    }

    static Slapd slapd() {
        return slapd;
    }
}
