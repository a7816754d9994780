package dev.portcullis.events;

import dev.portcullis.core.Counts;
import dev.portcullis.registry.EventLog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;

/** The sink's own tables, counted for the registry's status. */
@ApplicationScoped
public class EventLogCounts implements EventLog {

    @Inject
    AgroalDataSource dataSource;

    @Override
    public Counts counts() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return new Counts(dev.portcullis.core.Counts.of(c, "SELECT COUNT(*) FROM registry_events"),
                    dev.portcullis.core.Counts.of(c, "SELECT COUNT(*) FROM parked_events"));
        }
    }
}
