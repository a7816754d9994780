package dev.portcullis.registry;

import dev.portcullis.core.Conflicts;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** A named lease in the database: with several replicas, one at a time runs a job. */
@ApplicationScoped
public class Lease {

    /** This process, as lease holder. */
    private final String me = UUID.randomUUID().toString();

    @Inject
    AgroalDataSource dataSource;

    /**
     * Takes (or renews) the lease for {@code ttl} unless another live holder has it. The write and the read go
     * through one connection, so the read sees the write even when connections are spread over several nodes. On
     * Galera two replicas taking it at once on two nodes certify against each other: the loser's write is rolled
     * back (1213), which answers "not yours" — the winner holds it, and the loser asks again on its next run.
     */
    public boolean acquire(String name, Duration ttl) throws SQLException {
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
                    ON DUPLICATE KEY UPDATE
                      holder = IF(expires_at < ? OR holder = VALUES(holder), VALUES(holder), holder),
                      expires_at = IF(holder = VALUES(holder), VALUES(expires_at), expires_at)""")) {
                s.setString(1, name);
                s.setString(2, me);
                s.setTimestamp(3, Timestamp.from(now.plus(ttl)));
                s.setTimestamp(4, Timestamp.from(now));
                s.executeUpdate();
            } catch (SQLException e) {
                if (Conflicts.isConflict(e)) {
                    return false;
                }
                throw e;
            }
            try (PreparedStatement s = c.prepareStatement("SELECT holder FROM leases WHERE name = ?")) {
                s.setString(1, name);
                try (var rs = s.executeQuery()) {
                    return rs.next() && me.equals(rs.getString(1));
                }
            }
        }
    }

    public void release(String name) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("DELETE FROM leases WHERE name = ? AND holder = ?")) {
            s.setString(1, name);
            s.setString(2, me);
            s.executeUpdate();
        }
    }
}
