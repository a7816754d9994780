package dev.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.mariadb.jdbc.MariaDbDataSource;

/** The project's Flyway migrations on a database outside Quarkus, and plain data sources for tests without it. */
public final class Schema {

    private Schema() {
    }

    /** Runs every migration of {@code db/migration} on {@code jdbcUrl}, as the application does at start. */
    public static void migrate(String jdbcUrl) {
        Flyway.configure().dataSource(jdbcUrl, MariaDbServer.USERNAME, MariaDbServer.PASSWORD)
                .locations("classpath:db/migration").load().migrate();
    }

    /**
     * The highest migration version in the sources (not {@code target/}, which may keep a renamed migration's old
     * copy): what a database migrated by this build reports last.
     */
    public static String latestVersion() {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*\\.sql"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max()
                    .orElseThrow(() -> new IllegalStateException("no migrations")) + "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connector/J's own data source (a new connection per call): enough for tests of one class. */
    public static DataSource dataSource(String jdbcUrl) {
        try {
            MariaDbDataSource ds = new MariaDbDataSource(jdbcUrl);
            ds.setUser(MariaDbServer.USERNAME);
            ds.setPassword(MariaDbServer.PASSWORD);
            return ds;
        } catch (SQLException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
