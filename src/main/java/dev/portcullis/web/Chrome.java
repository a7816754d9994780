package dev.portcullis.web;

import java.util.List;

/**
 * What every page's frame shows: the title, the active section, who is signed in, and the one-time messages
 * of the previous action.
 *
 * @param nav the section highlighted in the navigation: dashboard, explore, namespaces, teams, why, admin, profile
 */
public record Chrome(String title, String nav, String user, boolean admin, List<Flash> flashes) {

    /** A one-time message: {@code kind} is {@code ok} or {@code error}. */
    public record Flash(String kind, String text) {
    }

    public boolean signedIn() {
        return user != null;
    }
}
