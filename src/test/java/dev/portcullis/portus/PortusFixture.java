package dev.portcullis.portus;

import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.MariaDbTestResource;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A Portus 2.4 database in the tests' MariaDB server: Portus's own schema (src/test/resources/portus/schema.sql)
 * and rows as Portus writes them: Devise's bcrypt ({@code $2a$10$}, cost 10 as its initializer sets it) of the
 * password, application tokens as {@code BCrypt::Engine.hash_secret(plain, salt)}, the enums as the models number
 * them, a hidden team per personal namespace, the internal user "portus".
 */
final class PortusFixture {

    static final String ALICE_PASSWORD = "alice-old-password";
    /** Devise.friendly_token: 20 URL-safe characters. */
    static final String ALICE_TOKEN = "Xy3_kP9zQm2vLr8sTn4w";
    static final String CI_TOKEN = "Ci7-token-Ab12Cd34Ef";

    final String p;
    final String database;
    private final MariaDbServer server;

    /** In the @QuarkusTest's MariaDB. */
    PortusFixture(String prefix) {
        this(prefix, MariaDbTestResource.server());
    }

    PortusFixture(String prefix, MariaDbServer server) {
        this.p = prefix;
        this.database = "portus_" + prefix;
        this.server = server;
    }

    String url() {
        return server.serverJdbcUrl() + database;
    }

    void create() throws SQLException, IOException {
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            c.setCatalog(database);
            String schema;
            try (InputStream in = PortusFixture.class.getResourceAsStream("/portus/schema.sql")) {
                schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            rows(c);
        }
    }

    private void rows(Connection c) throws SQLException {
        // Each fixture a Portus of its own, as two Portus instances would be: their ids start at 1 alike.
        exec(c, "INSERT INTO registries (id, name, hostname, created_at, updated_at, use_ssl) VALUES"
                + " (1, 'registry', ?, NOW(), NOW(), 0)", p + ".registry.test:5000");
        // Teams: hidden ones for the global namespace and for each personal namespace, one real team.
        exec(c, "INSERT INTO teams (id, name, created_at, updated_at, hidden) VALUES (1, 'portus_global_team_1',"
                + " NOW(), NOW(), 1), (2, 'portus', NOW(), NOW(), 1)");
        String[] people = {"alice", "bob", "carol", "erin_x", "ldapdan"};
        for (int i = 0; i < people.length; i++) {
            exec(c, "INSERT INTO teams (id, name, created_at, updated_at, hidden) VALUES (?, ?, NOW(), NOW(), 1)",
                    10 + i, p + people[i]);
        }
        exec(c, "INSERT INTO teams (id, name, created_at, updated_at, hidden, description) VALUES"
                + " (20, ?, NOW(), NOW(), 0, 'Developers')", p + "dev");
        exec(c, "INSERT INTO teams (id, name, created_at, updated_at, hidden) VALUES (21, 'admin', NOW(), NOW(), 1)");
        // Namespaces: visibility private 0, protected 1, public 2.
        exec(c, "INSERT INTO namespaces (id, name, created_at, updated_at, team_id, registry_id, global, visibility)"
                + " VALUES (1, 'registry.test:5000', NOW(), NOW(), 1, 1, 1, 1),"
                + " (2, 'portus', NOW(), NOW(), 2, 1, 0, 0)");
        for (int i = 0; i < people.length; i++) {
            exec(c, "INSERT INTO namespaces (id, name, created_at, updated_at, team_id, registry_id, global,"
                    + " visibility, description) VALUES (?, ?, NOW(), NOW(), ?, 1, 0, 0, ?)", 3 + i, p + people[i],
                    10 + i, "This personal namespace belongs to " + p + people[i] + ".");
        }
        exec(c, "INSERT INTO namespaces (id, name, created_at, updated_at, team_id, registry_id, global, visibility,"
                + " description) VALUES (9, ?, NOW(), NOW(), 20, 1, 0, 0, 'Our images'),"
                + " (10, ?, NOW(), NOW(), 20, 1, 0, 2, NULL), (11, ?, NOW(), NOW(), 1, 1, 0, 0, NULL),"
                + " (12, 'admin', NOW(), NOW(), 21, 1, 0, 0, NULL)", p + "dev", p + "pub", p + "orphan");
        String hash = BcryptUtil.bcryptHash(ALICE_PASSWORD, 10);
        String other = BcryptUtil.bcryptHash("someone-elses-password", 10);
        String users = "INSERT INTO users (id, username, email, encrypted_password, created_at, updated_at, admin,"
                + " enabled, ldap_name, namespace_id, display_name, bot) VALUES (?, ?, ?, ?, NOW(), NOW(), ?, 1, ?, ?,"
                + " ?, ?)";
        exec(c, users, 1, "portus", "portus@portus.com", other, 1, null, 2, null, 0);
        exec(c, users, 2, p + "alice", p + "alice@example.com", hash, 0, null, 3, "Alice", 0);
        exec(c, users, 3, p + "bob", p + "bob@example.com", other, 0, null, 4, null, 0);
        exec(c, users, 4, p + "carol", p + "carol@example.com", other, 1, null, 5, null, 0);
        exec(c, users, 5, p + "Erin..X", p + "erin@example.com", other, 0, null, 6, null, 0);
        exec(c, users, 6, p + "ldapdan", p + "dan@example.com", other, 0, p + "ldapdan", 7, null, 0);
        exec(c, users, 7, p + "ci", null, "", 0, null, null, null, 1);
        exec(c, users, 8, "admin", "admin@portus.example", other, 1, null, 12, null, 0);
        // Roles: viewer 0, contributor 1, owner 2.
        String member = "INSERT INTO team_users (user_id, team_id, created_at, updated_at, role) VALUES"
                + " (?, ?, NOW(), NOW(), ?)";
        for (int i = 0; i < people.length; i++) {
            exec(c, member, 2 + i, 10 + i, 2);
        }
        exec(c, member, 2, 20, 2);
        exec(c, member, 3, 20, 0);
        exec(c, member, 4, 20, 1);
        exec(c, "INSERT INTO repositories (id, name, namespace_id, created_at, updated_at) VALUES"
                + " (1, 'app', 9, NOW(), NOW()), (2, 'web', 10, NOW(), NOW()), (3, ?, 1, NOW(), NOW()),"
                + " (4, 'tool', 3, NOW(), NOW())", p + "box");
        String tag = "INSERT INTO tags (id, name, repository_id, created_at, updated_at, user_id, digest, username)"
                + " VALUES (?, ?, ?, NOW(), NOW(), ?, ?, ?)";
        exec(c, tag, 1, "1.0", 1, 2, "sha256:" + "a".repeat(64), null);
        exec(c, tag, 2, "latest", 2, 4, "sha256:" + "b".repeat(64), null);
        exec(c, tag, 3, "latest", 3, null, "sha256:" + "c".repeat(64), "gone-user");
        exec(c, tag, 4, "v1", 4, 2, "sha256:" + "d".repeat(64), null);
        exec(c, tag, 5, "ancient", 1, 2, null, null);
        exec(c, "INSERT INTO stars (user_id, repository_id, created_at, updated_at) VALUES (3, 1, NOW(), NOW())");
        exec(c, "INSERT INTO comments (body, repository_id, created_at, updated_at, user_id) VALUES"
                + " ('nice', 1, NOW(), NOW(), 3)");
        String token = "INSERT INTO application_tokens (application, token_hash, token_salt, user_id)"
                + " VALUES (?, ?, ?, ?)";
        String aliceHash = BcryptUtil.bcryptHash(ALICE_TOKEN, 10);
        exec(c, token, "laptop", aliceHash, aliceHash.substring(0, 29), 2);
        String ciHash = BcryptUtil.bcryptHash(CI_TOKEN, 10);
        exec(c, token, "jenkins", ciHash, ciHash.substring(0, 29), 7);
        // request_method GET 0 / POST 1, content_type application/json 0.
        exec(c, "INSERT INTO webhooks (id, namespace_id, url, username, password, request_method, content_type,"
                + " enabled, created_at, updated_at, name) VALUES (1, 9, 'http://127.0.0.1:9/hook', 'hook', 'hookpw',"
                + " 1, 0, 0, NOW(), NOW(), 'ci hook')");
        exec(c, "INSERT INTO webhook_headers (webhook_id, name, value, created_at, updated_at) VALUES"
                + " (1, 'X-Team', 'dev', NOW(), NOW())");
        String activity = "INSERT INTO activities (trackable_id, trackable_type, owner_id, owner_type, `key`,"
                + " parameters, recipient_id, recipient_type, created_at, updated_at) VALUES (?, ?, ?, 'User', ?, ?,"
                + " ?, ?, NOW() - INTERVAL 30 DAY, NOW())";
        exec(c, activity, 1, "Repository", 2, "repository.push", "--- {}\n", 1, "Tag");
        exec(c, activity, 10, "Namespace", 2, "namespace.change_visibility",
                "---\n:visibility: visibility_public\n", null, null);
        exec(c, activity, 20, "Team", 2, "team.add_member", "---\n:role: viewer\n", 3, "User");
        exec(c, activity, 1, "Repository", 3, "repository.star", "--- {}\n", null, null);
    }

    static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            s.executeUpdate();
        }
    }
}
