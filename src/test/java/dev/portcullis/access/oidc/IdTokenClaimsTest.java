package dev.portcullis.access.oidc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.access.directory.DirectoryPerson;
import dev.portcullis.config.Oidc;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The person an ID token names, through the configured claim names; one case per rule of {@link IdTokenClaims}. */
class IdTokenClaimsTest {

    /** The defaults of {@link Oidc}, with the username and groups claims given. */
    static Oidc settings(String usernameClaim, String groupsClaim) {
        return new Oidc() {
            public boolean enabled() {
                return true;
            }

            public String providerName() {
                return "Keycloak";
            }

            public String usernameClaim() {
                return usernameClaim;
            }

            public String emailClaim() {
                return "email";
            }

            public String displayNameClaim() {
                return "name";
            }

            public String groupsClaim() {
                return groupsClaim;
            }

            public Optional<String> allowedGroup() {
                return Optional.empty();
            }
        };
    }

    static final Oidc DEFAULTS = settings("preferred_username", "groups");

    @Test
    void theConfiguredClaimsMakeThePersonWithIssuerAndSubjectAsItsId() {
        Map<String, Object> claims = Map.of("iss", "https://idp.example.org/realms/c", "sub", "1234",
                "preferred_username", "Olivia", "email", "olivia@example.org", "name", "Olivia Example",
                "groups", Set.of("Devs", "/registry-users"));
        DirectoryPerson person = IdTokenClaims.person(claims::get, DEFAULTS).orElseThrow();
        assertEquals(new DirectoryPerson("https://idp.example.org/realms/c#1234", "olivia", "olivia@example.org",
                "Olivia Example", Set.of("devs", "registry-users")), person);
    }

    @Test
    void otherClaimNamesAreRead() {
        Map<String, Object> claims = Map.of("sub", "1", "upn", "oscar", "roles",
                Json.createArrayBuilder().add("admins").add("").build());
        DirectoryPerson person = IdTokenClaims.person(claims::get, settings("upn", "roles")).orElseThrow();
        assertEquals("oscar", person.username());
        assertEquals(Set.of("admins"), person.groups(), "a JSON array; blank names are left out");
    }

    @Test
    void aSingleGroupAsAStringCounts() {
        Map<String, Object> claims = Map.of("sub", "1", "preferred_username", "otto", "groups", "devs");
        assertEquals(Set.of("devs"), IdTokenClaims.person(claims::get, DEFAULTS).orElseThrow().groups());
    }

    @Test
    void withoutGroupsThePersonHasNone() {
        Map<String, Object> claims = Map.of("sub", "1", "preferred_username", "otto");
        assertTrue(IdTokenClaims.person(claims::get, DEFAULTS).orElseThrow().groups().isEmpty());
    }

    @Test
    void aTokenWithoutUsernameOrSubjectNamesNobody() {
        assertTrue(IdTokenClaims.person(Map.<String, Object>of("sub", "1")::get, DEFAULTS).isEmpty());
        assertTrue(IdTokenClaims.person(Map.<String, Object>of("preferred_username", "x")::get, DEFAULTS).isEmpty());
        assertTrue(IdTokenClaims.person(Map.<String, Object>of("sub", "1", "preferred_username", " ")::get, DEFAULTS)
                .isEmpty());
        assertEquals(List.of(), List.copyOf(IdTokenClaims.groups(null)));
    }
}
