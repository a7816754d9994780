package dev.portcullis.config;

import dev.portcullis.core.Secret;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Sign-in against the company's LDAP directory (search, then bind as the user found). Off unless
 * {@code portcullis.ldap.enabled}; local accounts go on working either way.
 */
public interface Ldap {
    /** Whether directory passwords are accepted for names that are not local accounts. */
    @WithDefault("false")
    boolean enabled();

    /** {@code ldap://host:389} (with {@link #startTls()} for TLS) or {@code ldaps://host:636}. */
    Optional<URI> url();

    /** Upgrade {@code ldap://} connections to TLS with the StartTLS operation before anything is sent. */
    @WithDefault("false")
    boolean startTls();

    /** PEM CA certificates the directory's certificate must chain to; unset: the JVM's trust store. */
    Optional<Path> caFile();

    /** The service account that searches for people and groups (never a person's own). */
    Optional<String> bindDn();

    /** Its password. */
    Optional<Secret> bindPassword();

    /** Where people are searched (subtree). */
    Optional<String> userBaseDn();

    /**
     * Finds the person signing in; {@code {0}} is the name typed, escaped per RFC 4515. Only people this filter
     * finds may sign in: add a clause to leave disabled ones out, e.g. {@code (!(pwdAccountLockedTime=*))}.
     */
    @WithDefault("(&(objectClass=inetOrgPerson)(uid={0}))")
    String userFilter();

    /** The attribute that holds the account name (lower-cased; it must follow the registry's name grammar). */
    @WithDefault("uid")
    String usernameAttribute();

    @WithDefault("mail")
    String emailAttribute();

    @WithDefault("displayName")
    String displayNameAttribute();

    /** Where groups are searched (subtree); unset: no group is read, no team is synced. */
    Optional<String> groupBaseDn();

    /** Finds a person's groups; {@code {0}} is the person's DN, escaped per RFC 4515. */
    @WithDefault("(&(objectClass=groupOfNames)(member={0}))")
    String groupFilter();

    /** The attribute that names a group in {@code portcullis.directory.teams} (the DN matches too). */
    @WithDefault("cn")
    String groupNameAttribute();

    /** How long connecting may take before the directory counts as down (503 on {@code /v2/token}). */
    @WithDefault("2s")
    Duration connectTimeout();

    /** How long one operation may wait for the directory's answer before it counts as down. */
    @WithDefault("3s")
    Duration responseTimeout();

    /** Service-account connections kept open. */
    @WithDefault("4")
    int poolSize();
}
