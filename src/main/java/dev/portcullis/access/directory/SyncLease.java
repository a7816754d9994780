package dev.portcullis.access.directory;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;

/**
 * Which replica syncs directory accounts: the holder of the one row of {@code directory_sync}, taken by a single
 * conditional UPDATE (free, expired, or already ours) so that of two replicas asking at once exactly one changes the
 * row. The database's clock decides expiry, so replicas' clocks need not agree.
 */
@ApplicationScoped
public class SyncLease {

    private final String me = UUID.randomUUID().toString();

    @Inject
    AgroalDataSource dataSource;

    /** Takes or renews the lease for {@code ttl}; false while another live replica holds it. */
    public boolean acquire(Duration ttl) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE directory_sync SET holder = ?, expires_at = UTC_TIMESTAMP(6) + INTERVAL ? MICROSECOND,
                  last_run_at = UTC_TIMESTAMP(6)
                WHERE id = 1 AND (holder IS NULL OR holder = ? OR expires_at < UTC_TIMESTAMP(6))""")) {
            s.setString(1, me);
            s.setLong(2, ttl.toNanos() / 1000);
            s.setString(3, me);
            return s.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new PersistenceException("cannot take the directory sync lease", e);
        }
    }
}
