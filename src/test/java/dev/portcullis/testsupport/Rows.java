package dev.portcullis.testsupport;

import dev.portcullis.core.Counts;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** What tests read back from MariaDB to check what the service stored. */
public final class Rows {

    private Rows() {
    }

    /** The first column of the first row, e.g. of a {@code COUNT(*)}, with {@code args} bound in order. */
    public static long count(Connection connection, String sql, Object... args) throws SQLException {
        return Counts.of(connection, sql, args);
    }

    public static long count(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return count(connection, sql, args);
        }
    }
}
