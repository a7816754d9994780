package dev.portcullis.access;

import dev.portcullis.access.policy.Subject;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.hibernate.annotations.Generated;

/** A named secret a user (or a bot) logs in with instead of a password; only its keyed hash is stored. */
@Entity
@Table(name = "application_tokens")
public class ApplicationToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "user_id")
    public User user;

    public String name;

    @Column(name = "token_hash", columnDefinition = "binary(32)")
    public byte[] tokenHash;

    @Column(name = "read_only")
    public boolean readOnly;

    /** Comma-separated namespace names the token is limited to; null for all. */
    public String namespaces;

    @Generated // the database's default, read back so that a 201 shows what a GET shows
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public Set<String> namespaceSet() {
        return namespaces == null || namespaces.isEmpty()
                ? Set.of() : new TreeSet<>(Arrays.asList(namespaces.split(",")));
    }

    public Subject.TokenRestriction restriction() {
        return new Subject.TokenRestriction(readOnly, namespaceSet());
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
