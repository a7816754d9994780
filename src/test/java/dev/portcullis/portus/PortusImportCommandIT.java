package dev.portcullis.portus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.testsupport.FreePort;
import dev.portcullis.testsupport.MariaDbServer;
import dev.portcullis.testsupport.PackagedJar;
import dev.portcullis.testsupport.Rows;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
        List<String> cmd = new java.util.ArrayList<>(List.of("import-portus"));
        cmd.addAll(List.of(args));
        Process process = jar(cmd, log, FreePort.next());
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "import-portus did not end");
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    /** The packaged application with the server's settings and these arguments. */
    static Process jar(List<String> args, Path log, int managementPort) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Xmx256m", "-jar",
                PackagedJar.APP.toAbsolutePath().toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("QUARKUS_DATASOURCE_JDBC_URL", database.jdbcUrl());
        pb.environment().put("QUARKUS_DATASOURCE_USERNAME", database.username());
        pb.environment().put("QUARKUS_DATASOURCE_PASSWORD", database.password());
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(FreePort.next()));
        pb.environment().put("QUARKUS_MANAGEMENT_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
        pb.environment().put("PORTCULLIS_REGISTRY_SERVICE", "registry.test");
        pb.environment().put("PORTCULLIS_DATA_DIR", work.resolve("data").toAbsolutePath().toString());
        pb.environment().put("PORTCULLIS_EVENTS_TOKEN", "portus-it-events-secret"); // the server's settings
        pb.environment().put("PORTCULLIS_ADMIN_USERNAME", "admin"); // Portus's own "admin" then conflicts
        pb.environment().put("PORTCULLIS_ADMIN_PASSWORD", "admin-password");
        pb.environment().put("PORTUS_DB_PASSWORD", "");
        return pb.start();
    }

    @Test
    void withoutACommandItIsTheServer() throws Exception {
        int management = FreePort.next();
        Path log = work.resolve("server.log");
        Process server = jar(List.of(), log, management);
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + management
                    + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build();
            int status = 0;
            for (int i = 0; i < 300 && status != 200 && server.isAlive(); i++) {
                try {
                    status = http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                } catch (java.io.IOException notYet) {
                    Thread.sleep(200);
                }
            }
            int answered = status;
            assertEquals(200, answered, () -> "the server is not ready: " + read(log));
            assertTrue(server.isAlive(), "the server keeps running after it is ready");
        } finally {
            server.destroy();
            assertTrue(server.waitFor(60, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        }
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
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
