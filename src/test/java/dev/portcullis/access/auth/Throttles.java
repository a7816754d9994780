package dev.portcullis.access.auth;

import dev.portcullis.access.epoch.AccessEpoch;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;

/** Throttles as a replica runs them, each with its own cache, keyed by the failures' count read from its node. */
final class Throttles {

    private Throttles() {
    }

    static LoginThrottle replica(DataSource node, SecretHasher keys, Clock clock, LoginThrottle.Limits limits) {
        return new LoginThrottle(node, keys, clock, limits, () -> failuresEpoch(node), null);
    }

    static long failuresEpoch(DataSource node) {
        try (Connection c = node.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT epoch FROM access_epoch WHERE id = 2");
                ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : AccessEpoch.UNKNOWN;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a hand-made change of {@code login_failures} must be followed by, as the throttle's own writes are. */
    static void raiseFailures(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE access_epoch SET epoch = epoch + 1 WHERE id = 2")) {
            s.executeUpdate();
        }
    }
}
