package dev.portcullis.token;

import dev.portcullis.access.User;
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

/** An OAuth2 refresh token (docker's "identity token"): only its hash is stored. */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "token_hash", columnDefinition = "binary(32)")
    public byte[] tokenHash;

    @ManyToOne
    @JoinColumn(name = "user_id")
    public User user;

    public String service;

    /** The application token this refresh token was got with, if any: it keeps that token's limits. */
    @Column(name = "application_token_id")
    public Long applicationTokenId;

    @Column(name = "client_id")
    public String clientId;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;
}
