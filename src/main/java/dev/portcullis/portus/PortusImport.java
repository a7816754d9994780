package dev.portcullis.portus;

import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Imports a Portus 2.4 database (docs/adr/0012-importing-portus.md): reads it read-only, writes our tables in one
 * transaction, committed at the end or, for a dry run, rolled back, so either everything of a run is there or
 * nothing is; the mapping table makes the next run skip what is there. One import at a time, across replicas
 * (a named lock of the database). The access caches drop after a commit.
 */
@ApplicationScoped
public class PortusImport {

    private static final Logger LOG = Logger.getLogger(PortusImport.class);
    static final String LOCK = "portcullis.portus-import";

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AccessEpoch epoch;

    @Inject
    PortcullisConfig config;

    public ImportReport run(PortusSource source, boolean dryRun) {
        long started = System.nanoTime();
        ImportReport report = new ImportReport(dryRun);
        LOG.infof("Portus import from %s%s", source, dryRun ? " (dry run)" : "");
        try (Connection portus = source.open(); Connection ours = dataSource.getConnection()) {
            lock(ours);
            try {
                ours.setAutoCommit(false);
                try {
                    ImportRun run = new ImportRun(portus, ours, report, config.portus().progressEvery());
                    steps(run);
                    run.mapping.flush();
                    if (dryRun) {
                        ours.rollback();
                    } else {
                        ours.commit();
                    }
                } catch (SQLException | RuntimeException e) {
                    ours.rollback();
                    throw e;
                } finally {
                    ours.setAutoCommit(true);
                    portus.rollback();
                }
            } finally {
                unlock(ours);
            }
        } catch (SQLException e) {
            LOG.warnf("Portus import failed, nothing written: %s", e.getMessage());
            throw Refusal.invalid("the import stopped and wrote nothing: " + e.getMessage()
                    + " (is this a Portus 2.4 database?)");
        }
        if (!dryRun && report.writes() > 0) {
            epoch.raiseAccess(); // after the commit: replicas drop cached accounts, tokens and namespaces
        }
        report.durationMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(report.summary());
        return report;
    }

    private static void steps(ImportRun run) throws SQLException {
        new UserImport(run).run();
        new TeamImport(run).run();
        new NamespaceImport(run).run();
        new CatalogImport(run).run();
        new TokenImport(run).run();
        new WebhookImport(run).run();
        new ActivityImport(run).run();
    }

    private static void lock(Connection ours) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement("SELECT GET_LOCK(?, 0)")) {
            s.setString(1, LOCK);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw Refusal.conflict("another Portus import is running");
                }
            }
        }
    }

    private static void unlock(Connection ours) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement("SELECT RELEASE_LOCK(?)")) {
            s.setString(1, LOCK);
            s.executeQuery().close();
        }
    }
}
