package dev.portcullis.events;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Whatever must follow the events stored for the first time in the same commit as they are (the webhooks'
 * outbox): called inside the catalog writer's transaction, on its one thread, so it must be quick and touch
 * nothing but the database. Implemented above this floor; the sink finds it through CDI.
 */
public interface EventOutbox {

    /** @param fresh the delivery's events new to us, in the order they happened */
    void stored(Connection connection, List<RegistryEvent> fresh) throws SQLException;
}
