package dev.portcullis.testsupport;

import java.sql.SQLException;
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
