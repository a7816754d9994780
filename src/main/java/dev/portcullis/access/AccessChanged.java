package dev.portcullis.access;

/**
 * A change to users, teams, members, namespaces or tokens, fired as a CDI event inside the changing
 * transaction; the activity feed records it in the same commit.
 *
 * @param namespace  the namespace concerned, if any (readers of that namespace see the activity)
 * @param team       the team concerned, if any (its members see the activity)
 * @param targetUser the user concerned, if any (that user sees the activity)
 */
public record AccessChanged(String action, String actor, String namespace, String team, String targetUser,
        String detail) {
}
