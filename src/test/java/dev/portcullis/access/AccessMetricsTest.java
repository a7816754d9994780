package dev.portcullis.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.portcullis.core.CountedGauges;
import dev.portcullis.testsupport.Rows;
import dev.portcullis.testsupport.TestUsers;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The user and team gauges are counted on a schedule, not per scrape; once counted they match the database. */
@QuarkusTest
class AccessMetricsTest {

    @Inject
    MeterRegistry meters;

    @Inject
    CountedGauges gauges;

    @Inject
    AgroalDataSource dataSource;

    long count(String sql) throws Exception {
        return Rows.count(dataSource, sql);
    }

    @Test
    void usersAndTeamsMatchTheDatabaseOnceCounted() throws Exception {
        TestUsers.create("gauge");
        gauges.count();
        double users = meters.get("portcullis.users").gauge().value();
        assertEquals(count("SELECT COUNT(*) FROM users"), users);
        assertEquals(count("SELECT COUNT(*) FROM teams"), meters.get("portcullis.teams").gauge().value());

        TestUsers.create("gauge");
        gauges.count();
        assertEquals(users + 1, meters.get("portcullis.users").gauge().value());
    }
}
