package dev.portcullis.access.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The principal a web session cookie holds: written and read back, anything else is no session. */
class SessionTicketTest {

    @Test
    void aTicketReadsBackAsWritten() {
        SessionTicket ticket = new SessionTicket("alice.b-c__d", 42);
        assertEquals("alice.b-c__d#42", ticket.principal());
        assertEquals(ticket, SessionTicket.parse(ticket.principal()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice", "#3", "alice#", "alice#x", "alice#99999999999", ""})
    void anythingElseIsNoTicket(String principal) {
        assertNull(SessionTicket.parse(principal));
    }

    @Test
    void noPrincipalIsNoTicket() {
        assertNull(SessionTicket.parse(null));
    }
}
