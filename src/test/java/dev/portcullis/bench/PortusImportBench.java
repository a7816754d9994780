package dev.portcullis.bench;

import dev.portcullis.portus.ImportReport;
import dev.portcullis.portus.PortusImport;
import dev.portcullis.portus.PortusSource;
import dev.portcullis.testsupport.MariaDbTestResource;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The issue's Portus of 1,000 users, 200 teams, 2,000 namespaces, 20,000 tags and 100,000 activities: a dry run, a
 * real run and a second run, each timed, with the heap's peak during each. Run with {@code bench/portus.sh}.
 */
@QuarkusTest
class PortusImportBench {

    static final int USERS = Integer.getInteger("bench.users", 1_000);
    static final int TEAMS = 200;
    static final int TEAM_NAMESPACES = 1_000; // plus one personal namespace per user: 2,000
    static final int TAGS_PER_REPOSITORY = 10; // one repository per namespace: 20,000 tags
    static final int ACTIVITIES = 100_000;

    @Inject
    PortusImport importer;

    @Test
    void importTheIssuesPortus() throws Exception {
        String p = "pb" + System.nanoTime() % 100_000 + "x";
        String database = "portus_" + p;
        long made = System.nanoTime();
        fill(database, p);
        System.out.printf(Locale.ROOT, "%ncase          seconds  heap peak MB   (Portus made in %.1f s)%n",
                (System.nanoTime() - made) / 1e9);
        PortusSource source = new PortusSource(MariaDbTestResource.server().serverJdbcUrl() + database, "root", "");
        run("dry run", source, true);
        run("real run", source, false);
        ImportReport again = run("second run", source, false);
        System.out.printf(Locale.ROOT, "second run writes: %d%n", again.writes());
    }

    private ImportReport run(String name, PortusSource source, boolean dryRun) {
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(m -> m.getType() == MemoryType.HEAP).toList();
        long before = heap.stream().mapToLong(m -> m.getUsage().getUsed()).sum();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long started = System.nanoTime();
        ImportReport report = importer.run(source, dryRun);
        double seconds = (System.nanoTime() - started) / 1e9;
        long peak = heap.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum();
        System.out.printf(Locale.ROOT, "case %-10s %7.1f  %6d (%d before)%n", name, seconds, peak >> 20,
                before >> 20);
        System.out.println(report.summary().lines().map(l -> "case   " + l).reduce("", (a, b) -> a + b + "\n"));
        return report;
    }

    private static void fill(String database, String p) throws Exception {
        try (Connection c = MariaDbTestResource.server().connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            c.setCatalog(database);
            String schema;
            try (InputStream in = PortusImportBench.class.getResourceAsStream("/portus/schema.sql")) {
                schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            for (String statement : schema.replaceAll("(?m)^--.*$", "").split(";\\s*\\n")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
            String hash = BcryptUtil.bcryptHash("bench-password", 10);
            String token = BcryptUtil.bcryptHash("bench-token-0123456", 10);
            s.execute("INSERT INTO registries VALUES (1, 'r', '" + p + ".registry.test:5000', NOW(), NOW(), 0, NULL)");
            s.execute("INSERT INTO teams (id, name, created_at, updated_at, hidden) VALUES (1, 'portus_global_team_1',"
                    + " NOW(), NOW(), 1)");
            s.execute("INSERT INTO namespaces (id, name, created_at, updated_at, team_id, registry_id, global,"
                    + " visibility) VALUES (1, 'registry.test:5000', NOW(), NOW(), 1, 1, 1, 1)");
            Rows rows = new Rows(c);
            for (int u = 1; u <= USERS; u++) { // personal: hidden team 1000+u, namespace 1+u
                rows.add("teams (id, name, created_at, updated_at, hidden)", 1000 + u, p + "u" + u, "NOW()", "NOW()", 1);
                rows.add("namespaces (id, name, created_at, updated_at, team_id, registry_id, global, visibility)",
                        1 + u, p + "u" + u, "NOW()", "NOW()", 1000 + u, 1, 0, 0);
                rows.add("users (id, username, email, encrypted_password, created_at, updated_at, namespace_id)",
                        u, p + "u" + u, p + "u" + u + "@example.com", hash, "NOW()", "NOW()", 1 + u);
                rows.add("team_users (user_id, team_id, created_at, updated_at, role)", u, 1000 + u, "NOW()",
                        "NOW()", 2);
                rows.add("application_tokens (application, token_hash, token_salt, user_id)", "ci", token,
                        token.substring(0, 29), u);
            }
            for (int t = 1; t <= TEAMS; t++) {
                rows.add("teams (id, name, created_at, updated_at, hidden)", 10 + t, p + "t" + t, "NOW()", "NOW()", 0);
                for (int m = 0; m < 5; m++) {
                    rows.add("team_users (user_id, team_id, created_at, updated_at, role)", (t * 5 + m) % USERS + 1,
                            10 + t, "NOW()", "NOW()", m % 3);
                }
            }
            for (int n = 1; n <= TEAM_NAMESPACES; n++) {
                rows.add("namespaces (id, name, created_at, updated_at, team_id, registry_id, global, visibility)",
                        10_000 + n, p + "n" + n, "NOW()", "NOW()", 10 + (n % TEAMS) + 1, 1, 0, n % 3);
            }
            int repository = 0;
            int tag = 0;
            List<Integer> namespaceIds = new ArrayList<>();
            for (int u = 1; u <= USERS; u++) {
                namespaceIds.add(1 + u);
            }
            for (int n = 1; n <= TEAM_NAMESPACES; n++) {
                namespaceIds.add(10_000 + n);
            }
            for (int ns : namespaceIds) {
                repository++;
                rows.add("repositories (id, name, namespace_id, created_at, updated_at)", repository, "app", ns,
                        "NOW()", "NOW()");
                for (int t = 0; t < TAGS_PER_REPOSITORY; t++) {
                    tag++;
                    rows.add("tags (id, name, repository_id, created_at, updated_at, user_id, digest)", tag, "v" + t,
                            repository, "NOW()", "NOW()", repository % USERS + 1,
                            String.format(Locale.ROOT, "sha256:%064x", tag));
                }
            }
            for (int a = 1; a <= ACTIVITIES; a++) {
                int t = a % tag + 1;
                rows.add("activities (trackable_id, trackable_type, owner_id, owner_type, `key`, parameters,"
                        + " recipient_id, recipient_type, created_at, updated_at)", (t - 1) / TAGS_PER_REPOSITORY + 1,
                        "Repository", a % USERS + 1, "User", a % 10 == 0 ? "repository.delete" : "repository.push",
                        "--- {}\n", t, "Tag", "NOW()", "NOW()");
            }
            rows.flush();
        }
    }

    /** Multi-row INSERTs per table, 1,000 rows each; "NOW()" is the function, everything else a parameter. */
    static final class Rows {
        private final Connection c;
        private String table;
        private final List<Object[]> pending = new ArrayList<>();

        Rows(Connection c) {
            this.c = c;
        }

        void add(String table, Object... values) throws Exception {
            if (!table.equals(this.table) || pending.size() >= 1_000) {
                flush();
                this.table = table;
            }
            pending.add(values);
        }

        void flush() throws Exception {
            if (pending.isEmpty()) {
                return;
            }
            StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
            for (int r = 0; r < pending.size(); r++) {
                sql.append(r == 0 ? "(" : ", (");
                Object[] row = pending.get(r);
                for (int i = 0; i < row.length; i++) {
                    sql.append(i == 0 ? "" : ", ").append("NOW()".equals(row[i]) ? "NOW()" : "?");
                }
                sql.append(')');
            }
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                int i = 1;
                for (Object[] row : pending) {
                    for (Object v : row) {
                        if (!"NOW()".equals(v)) {
                            s.setObject(i++, v);
                        }
                    }
                }
                s.executeUpdate();
            }
            pending.clear();
        }
    }
}
