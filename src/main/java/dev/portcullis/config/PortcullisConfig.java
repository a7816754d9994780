package dev.portcullis.config;

import dev.portcullis.core.Secret;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Everything an operator sets, under {@code portcullis.*} (env {@code PORTCULLIS_*}). */
@ConfigMapping(prefix = "portcullis")
public interface PortcullisConfig {

    /** Where generated state (the signing key when none is given) is kept. */
    @WithDefault("data")
    Path dataDir();

    Admin admin();

    Registry registry();

    Token token();

    Events events();

    Access access();

    Delete delete();

    Metrics metrics();

    Tokens tokens();

    Login login();

    Signup signup();

    Webhooks webhooks();

    interface Webhooks {
        /**
         * Whether webhooks may target loopback, link-local, private (RFC 1918), unique-local, multicast and
         * unspecified addresses. Off: such URLs are refused when a webhook is saved, and again at delivery time
         * against the address the host name resolves to then (DNS rebinding).
         */
        @WithDefault("false")
        boolean allowPrivateTargets();

        /** How long a delivery may take to connect. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** How long a delivery may wait for the receiver's answer, once connected. */
        @WithDefault("10s")
        Duration requestTimeout();

        /** Attempts per delivery; after the last failed one the delivery is marked failed and the next one goes. */
        @WithDefault("8")
        int maxAttempts();

        /** Wait after the first failed attempt; doubled per attempt (with jitter) up to {@link #maxBackoff()}. */
        @WithDefault("10s")
        Duration backoff();

        /** Longest wait between two attempts of one delivery. */
        @WithDefault("1h")
        Duration maxBackoff();

        /** Failed deliveries in a row after which a webhook is disabled (its owners see why). */
        @WithDefault("5")
        int disableAfter();

        /** How long finished deliveries and their log are kept. */
        @WithDefault("14d")
        Duration keep();

        /** How often each replica looks for deliveries that are due. */
        @WithDefault("1s")
        Duration pollEvery();

        /** Deliveries one replica sends at the same time (to different webhooks: each webhook's go in order). */
        @WithDefault("4")
        int concurrency();
    }

    Ldap ldap();

    /** Web UI sign-in through an OpenID Connect provider. */
    Oidc oidc();

    Directory directory();

    Portus portus();

    interface Admin {
        /** Created at start when no admin exists; an existing admin is never overwritten. */
        Optional<String> username();

        /** Password of that admin; required together with the username. */
        Optional<Secret> password();

        /** Whether an admin is configured here (then it, not the first account signed up, is the first admin). */
        default boolean configured() {
            return username().isPresent() && password().isPresent();
        }
    }

    interface Signup {
        /**
         * Whether anyone who reaches the web UI may create an account at {@code /signup}: a person without
         * privileges, under the same rules as an admin's {@code POST /api/v1/users}. Off: only admins create accounts.
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * Whether the first account signed up becomes admin, while there is nobody yet (no person's account and no
         * admin; bots that are not admins do not count). Ignored when {@code portcullis.admin.*} configures an admin.
         */
        @WithDefault("false")
        boolean firstUserAdmin();
    }

    interface Registry {
        /** The registry's {@code auth.token.service}; every token carries it as {@code aud}. */
        String service();

        /** The registry's base URL, for calls Portcullis makes to it. */
        Optional<URI> url();

        /** How often new digests' details are fetched from the registry. */
        @WithDefault("10s")
        String detailsEvery();

        /** How often the picture is reconciled with the registry's catalog. */
        @WithDefault("15m")
        String reconcileEvery();
    }

    interface Token {
        /** {@code iss} of every token: the registry's {@code auth.token.issuer}. */
        String issuer();

        /** PEM private key (PKCS#8, PKCS#1 or SEC1). Unset: a key is generated once into the data dir. */
        Optional<Path> keyFile();

        /** PEM certificate chain of that key, leaf first. */
        Optional<Path> certificateFile();

        /** Lifetime of a registry token; clients clamp anything under 60 s. */
        @WithDefault("5M")
        Duration expiration();

        /** Which key id goes into {@code kid}: what distribution 2.x or 3.x looks keys up by. */
        @WithDefault("libtrust")
        KidFormat kidFormat();
    }

    interface Events {
        /** Shared secret the registry sends as {@code Authorization: Bearer <token>}. */
        Secret token();

        /**
         * How long an accepted delivery may expect to wait for its commit. When the events already accepted would
         * take longer to write (at the rate the writers are achieving), a delivery is refused at once with 503 and
         * the registry retries it, instead of being answered after the registry's own timeout (1 s by default).
         */
        @WithDefault("1s")
        Duration maxWait();
    }

    interface Access {
        /** Whether public namespaces may be pulled without signing in. */
        @WithDefault("true")
        boolean anonymousPull();

        /** Who may push besides admins: allow-teams, allow-personal or admin-only. */
        @WithDefault("allow-teams")
        PolicySettings.PushPolicy pushPolicy();

        /** Who may create teams: everyone or admins. */
        @WithDefault("everyone")
        PolicySettings.Who teamCreation();

        /** Who may create namespaces: owners (of the team it will belong to) or admins. */
        @WithDefault("owners")
        PolicySettings.Who namespaceCreation();

        /** Who may change a namespace's visibility: owners or admins. */
        @WithDefault("owners")
        PolicySettings.Who visibilityChange();
    }

    interface Delete {
        /** Whether contributors, not only owners, may delete images. */
        @WithDefault("false")
        boolean contributors();
    }

    interface Login {
        /**
         * Failed sign-ins one client address may make in 15 minutes before it is slowed down. Loose, because
         * NATs and CI runners put many users behind one address; raise it where even more share one.
         */
        @WithDefault("50")
        int freeFailuresPerAddress();
    }

    interface Tokens {
        /**
         * Key of the HMAC that application tokens are stored under. Unset: generated once into the data dir
         * (every replica must share it: set it from a Secret when running several).
         */
        Optional<Secret> hashKey();
    }

    interface Metrics {
        /**
         * How many registry namespaces get a label value of their own on the per-namespace push and pull
         * counters; every further namespace counts under {@code _other}. Bounds those series per replica.
         */
        @WithDefault("20")
        int namespaceLabels();

        /** How often the repository, tag, user and team gauges are counted again in the database. */
        @WithDefault("60s")
        String countsEvery();
    }

    /** The access settings as the pure policy takes them. */
    default PolicySettings policySettings() {
        Access a = access();
        return new PolicySettings(a.anonymousPull(), a.pushPolicy(), delete().contributors(),
                a.teamCreation(), a.namespaceCreation(), a.visibilityChange());
    }

    enum KidFormat {
        /** distribution 2.x: libtrust fingerprint of the SubjectPublicKeyInfo. */
        LIBTRUST,
        /** distribution 3.x: RFC 7638 JWK thumbprint. */
        RFC7638
    }
}
