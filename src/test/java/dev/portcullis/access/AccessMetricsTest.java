package dev.portcullis.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The user and team gauges are counted on a schedule, not per scrape; once counted they match the database. */
@QuarkusTest
class AccessMetricsTest {

    @Inject
    MeterRegistry meters;

    @Inject
    AccessMetrics metrics;

    @Inject
    AgroalDataSource dataSource;

    long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void usersAndTeamsMatchTheDatabaseOnceCounted() throws Exception {
        TestUsers.create("gauge");
        metrics.count();
        double users = meters.get("portcullis.users").gauge().value();
        assertEquals(count("SELECT COUNT(*) FROM users"), users);
        assertEquals(count("SELECT COUNT(*) FROM teams"), meters.get("portcullis.teams").gauge().value());

        TestUsers.create("gauge");
        metrics.count();
        assertEquals(users + 1, meters.get("portcullis.users").gauge().value());
    }
}
