package dev.portcullis.portus;

import dev.portcullis.access.epoch.AccessEpoch;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import dev.portcullis.registry.CatalogWriter;
import dev.portcullis.registry.Lease;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Imports a Portus 2.4 database (docs/adr/0012-importing-portus.md): reads it read-only, writes our tables in one
 * transaction, committed at the end or, for a dry run, rolled back, so either everything of a run is there or
 * nothing is (the catalog, planned in it, is written by the one catalog writer just before that commit); the mapping table makes the next run skip what is there. One import at a time, across replicas
 * (a lease, Galera-safe, unlike GET_LOCK). The access caches drop after a commit.
 */
@ApplicationScoped
public class PortusImport {

    private static final Logger LOG = Logger.getLogger(PortusImport.class);
    static final String LEASE = "portus-import";
    /** Longer than any import (the Portus takes seconds); a crashed run's lease runs out by then. */
    static final Duration LEASE_FOR = Duration.ofMinutes(30);

    @Inject
    AgroalDataSource dataSource;

    @Inject
    AccessEpoch epoch;

    @Inject
    PortcullisConfig config;

    @Inject
    Lease lease;

    @Inject
    CatalogWriter catalogWriter;

    public ImportReport run(PortusSource source, boolean dryRun) {
        long started = System.nanoTime();
        ImportReport report = new ImportReport(dryRun);
        LOG.infof("Portus import from %s%s", source, dryRun ? " (dry run)" : "");
        try {
            if (!lease.acquire(LEASE, LEASE_FOR)) {
                throw Refusal.conflict("another Portus import is running");
            }
        } catch (SQLException e) {
            throw Refusal.unavailable("cannot take the import's lease: " + e.getMessage());
        }
        try {
            importAll(source, dryRun, report);
        } finally {
            release();
        }
        if (!dryRun && report.writes() > 0) {
            epoch.raiseAccess(); // after the commit: replicas drop cached accounts, tokens and namespaces
        }
        report.durationMillis = (System.nanoTime() - started) / 1_000_000;
        LOG.info(report.summary());
        return report;
    }

    private void importAll(PortusSource source, boolean dryRun, ImportReport report) {
        try (Connection portus = source.open(); Connection ours = dataSource.getConnection()) {
            ours.setAutoCommit(false);
            try {
                ImportRun run = new ImportRun(portus, ours, report, config.portus().progressEvery());
                CatalogImport catalog = steps(run);
                if (dryRun) {
                    ours.rollback();
                } else {
                    catalog.write(catalogWriter); // committed by the catalog writer, before ours
                    run.mapping.flush();
                    ours.commit();
                }
            } catch (SQLException | RuntimeException e) {
                ours.rollback();
                throw e;
            } finally {
                ours.setAutoCommit(true);
                portus.rollback();
            }
        } catch (SQLException e) {
            LOG.warnf("Portus import failed, nothing written: %s", e.getMessage());
            throw Refusal.invalid("the import stopped and wrote nothing: " + e.getMessage()
                    + " (is this a Portus 2.4 database?)");
        }
    }

    /** Every step in the import's transaction; the catalog's is only planned there (see {@link CatalogImport}). */
    private static CatalogImport steps(ImportRun run) throws SQLException {
        new UserImport(run).run();
        new TeamImport(run).run();
        new NamespaceImport(run).run();
        CatalogImport catalog = new CatalogImport(run);
        catalog.run();
        new TokenImport(run).run();
        new WebhookImport(run).run();
        new ActivityImport(run).run();
        run.mapping.flush();
        return catalog;
    }

    private void release() {
        try {
            lease.release(LEASE);
        } catch (SQLException e) {
            LOG.warnf("cannot release the import's lease (it runs out in %s): %s", LEASE_FOR, e.getMessage());
        }
    }
}
