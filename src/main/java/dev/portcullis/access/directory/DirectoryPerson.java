package dev.portcullis.access.directory;

import java.util.Set;

/**
 * A person as the directory or the identity provider describes them.
 *
 * @param externalId their identity there: an LDAP DN, an OpenID Connect subject
 * @param username   the account name here (lower-cased)
 * @param groups     their groups, each by every name it answers to (lower-cased name, normalized DN)
 */
public record DirectoryPerson(String externalId, String username, String email, String displayName,
        Set<String> groups) {
}
