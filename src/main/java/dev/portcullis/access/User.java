package dev.portcullis.access;

import dev.portcullis.access.policy.Subject;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.Generated;

/** An account: a person, or a bot that authenticates only with application tokens. */
@Entity
@Table(name = "users")
public class User extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String username;
    public String email;

    @Column(name = "display_name")
    public String displayName;

    /** bcrypt; null for bots, which have no password. */
    @Column(name = "password_hash")
    public String passwordHash;

    /** Who holds the password: here (local), the LDAP directory, the OpenID Connect provider. */
    @Enumerated(EnumType.STRING)
    public AccountSource source = AccountSource.LOCAL;

    /** The account's identity at its source: an LDAP DN, an OpenID Connect subject; null for local accounts. */
    @Column(name = "external_id")
    public String externalId;

    /** Disabled by a sync because the directory no longer finds the person; the directory may enable it again. */
    @Column(name = "disabled_by_directory")
    public boolean disabledByDirectory;

    public boolean admin;
    public boolean enabled = true;
    public boolean bot;

    /** Web sessions opened in another epoch are over (see {@link SessionTicket}). */
    @Column(name = "session_epoch")
    public int sessionEpoch;

    @Generated // the database's default, read back so that a 201 shows what a GET shows
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<User> findByUsername(String username) {
        return find("username", username).firstResultOptional();
    }

    public static boolean anyEnabledAdmin() {
        return count("admin = true and enabled = true") > 0;
    }

    public Subject subject() {
        return new Subject(username, admin, enabled, bot, Subject.TokenRestriction.NONE);
    }
}
