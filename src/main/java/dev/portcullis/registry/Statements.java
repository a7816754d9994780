package dev.portcullis.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** Prepared statements on one connection, as the {@link Catalog}'s writes use them. */
final class Statements {

    private final Connection connection;

    Statements(Connection connection) {
        this.connection = connection;
    }

    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = prepare(sql, args)) {
            return s.executeUpdate();
        }
    }

    PreparedStatement prepare(String sql, Object... args) throws SQLException {
        PreparedStatement s = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** One statement run for each row of arguments, sent together. */
    void batch(String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        if (rows.size() == 1) {
            update(sql, rows.get(0));
            return;
        }
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    s.setObject(i + 1, row[i]);
                }
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** {@code n} rows of placeholders for a multi-row {@code VALUES}. */
    static String rows(String row, int n) {
        return String.join(", ", Collections.nCopies(n, row));
    }
}
