package dev.portcullis.config;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** What directory and identity-provider accounts become here: teams from groups, admins, the sync. */
public interface Directory {
    /** Group to team mappings, applied on every directory sign-in and at every sync. */
    List<GroupTeam> teams();

    /** Members of this group (name or DN, as in {@link GroupTeam#group()}) are admins here; others are not. */
    Optional<String> adminGroup();

    /**
     * How often directory accounts are checked against the directory (one replica at a time): gone or
     * disabled people lose their sign-in and tokens, groups become memberships. Also how long a verified
     * directory password is trusted without a bind (at most 5 minutes).
     */
    @WithDefault("5m")
    Duration syncEvery();

    /** One mapping: members of {@code group} are members of {@code team} with {@code role}. */
    interface GroupTeam {
        /** The group's name ({@code cn}), DN, or an OpenID Connect groups claim's value; compared ignoring case. */
        String group();

        /** The team; created (without owners) at the first sync or sign-in that needs it. */
        String team();

        /** owner, contributor or viewer. */
        @WithDefault("viewer")
        String role();
    }
}
