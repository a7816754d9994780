package dev.portcullis.testsupport;

import dev.portcullis.core.Counts;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import javax.sql.DataSource;

/** What tests read back from MariaDB to check what the service stored. */
public final class Rows {

    static final Duration AWAIT = Duration.ofSeconds(30);

    private Rows() {
    }

    /** The first column of the first row, e.g. of a {@code COUNT(*)}, with {@code args} bound in order. */
    public static long count(Connection connection, String sql, Object... args) throws SQLException {
        return Counts.of(connection, sql, args);
    }

    /**
     * The count once it satisfies {@code wanted}, or the last one seen when 30 s pass first: what the registry
     * notifies arrives on its own schedule. The caller asserts on what comes back.
     */
    public static long await(DataSource dataSource, LongPredicate wanted, String sql, Object... args)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        long count = count(dataSource, sql, args);
        while (!wanted.test(count) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            count = count(dataSource, sql, args);
        }
        return count;
    }

    /** Fails unless the count comes to {@code expected} within 30 s; {@code context} says what else to show. */
    public static void awaitExactly(DataSource dataSource, long expected, Supplier<String> context, String sql,
            Object... args) throws SQLException, InterruptedException {
        long actual = await(dataSource, n -> n == expected, sql, args);
        if (actual != expected) {
            throw new AssertionError(sql + ": " + actual + " rows, not " + expected + "\n" + context.get());
        }
    }

    public static long count(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            return count(connection, sql, args);
        }
    }
}
