package dev.portcullis.portus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.Rows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar quarkus-run.jar import-portus …} as an operator runs it: the packaged application migrates its
 * database, imports (dry, then for real, then again), prints the report and exits with 0; the password comes from
 * the environment and never appears in the output.
 */
class PortusImportCommandIT {

    static MariaDbServer database;
    static Path work;

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.isRegularFile(PackagedJar.APP), PackagedJar.APP + " is built by mvn package");
        database = MariaDbServer.start();
        work = Files.createDirectories(Path.of("target/portus-it/" + UUID.randomUUID().toString().substring(0, 8)));
    }

    @AfterAll
    static void stop() {
        if (database != null) {
            database.stop();
        }
    }

    record Run(int exit, String output) {
    }

    static Run command(String... args) throws Exception {
        Path log = work.resolve("run-" + System.nanoTime() + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-jar",
                PackagedJar.APP.toAbsolutePath().toString(), "import-portus"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        pb.environment().put("QUARKUS_DATASOURCE_USERNAME", database.username());
        pb.environment().put("QUARKUS_DATASOURCE_PASSWORD", database.password());
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(FreePort.next()));
        pb.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(FreePort.next()));
        pb.environment().put("PORTCULLIS_REGISTRY_SERVICE", "registry.test");
        pb.environment().put("PORTCULLIS_DATA_DIR", work.resolve("data").toAbsolutePath().toString());
        pb.environment().put("PORTCULLIS_EVENTS_TOKEN", "portus-it-events-secret"); // the server's settings
        pb.environment().put("PORTCULLIS_ADMIN_USERNAME", "admin"); // Portus's own "admin" then conflicts
        pb.environment().put("PORTCULLIS_ADMIN_PASSWORD", "admin-password");
        pb.environment().put("PORTUS_DB_PASSWORD", "");
        Process process = pb.start();
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "import-portus did not end");
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void importsAndExits() throws Exception {
        PortusFixture portus = new PortusFixture("pc" + System.nanoTime() % 100_000 + "x", database);
        portus.create();

        Run dry = command("--from", portus.url(), "--user", "root", "--dry-run");
        assertEquals(0, dry.exit(), dry.output());
        assertTrue(dry.output().contains("dry run, rolled back") && dry.output().contains("users        created 6"),
                dry.output());
        try (Connection c = database.connect()) {
            assertEquals(0, Rows.count(c, "SELECT COUNT(*) FROM users WHERE username LIKE ?", portus.p + "%"));
        }

        Run real = command("--from", portus.url(), "--user", "root");
        assertEquals(0, real.exit(), real.output());
        assertTrue(real.output().contains("users        created 6"), real.output());
        assertTrue(real.output().contains("erin_x"), "the conflicts are printed: " + real.output());
        try (Connection c = database.connect()) {
            assertEquals(6, Rows.count(c, "SELECT COUNT(*) FROM users WHERE username LIKE ?", portus.p + "%"));
        }

        Run again = command("--from", portus.url(), "--user", "root");
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.output().contains("users        created 0, changed 0, unchanged 6"), again.output());

        Run refused = command("--from", "http://portus.example/", "--user", "root");
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("usage: import-portus"), refused.output());
    }
}
