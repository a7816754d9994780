package dev.portcullis.registry;

import java.sql.SQLException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the sink has kept of the registry's notifications, as the registry's status shows it (the sink counts). */
public interface EventLog {

    /** Events stored, and events parked because they could not be read. */
    @Schema(name = "EventCounts")
    record Counts(long stored, long parked) {
    }

    Counts counts() throws SQLException;
}
