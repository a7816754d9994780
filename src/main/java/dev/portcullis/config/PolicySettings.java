package dev.portcullis.config;

/**
 * The operator's choices the rules depend on (Portus's settings worth keeping), as one immutable value.
 *
 * @param anonymousPull         whether public namespaces may be pulled without signing in
 * @param pushPolicy            who may push besides admins
 * @param contributorsMayDelete whether contributors, not only owners, may delete
 * @param teamCreation          who may create teams: {@code EVERYONE} or {@code ADMINS}
 * @param namespaceCreation     who may create namespaces: {@code OWNERS} (of the team) or {@code ADMINS}
 * @param visibilityChange      who may change a namespace's visibility: {@code OWNERS} or {@code ADMINS}
 */
public record PolicySettings(boolean anonymousPull, PushPolicy pushPolicy, boolean contributorsMayDelete,
        Who teamCreation, Who namespaceCreation, Who visibilityChange) {

    public static final PolicySettings DEFAULTS = new PolicySettings(
            true, PushPolicy.ALLOW_TEAMS, false, Who.EVERYONE, Who.OWNERS, Who.OWNERS);

    public enum PushPolicy {
        /** owners and contributors of team namespaces, and users in their personal namespace */
        ALLOW_TEAMS,
        /** users in their personal namespace only */
        ALLOW_PERSONAL,
        /** admins only */
        ADMIN_ONLY
    }

    /** Who may do a management action besides admins (who always may). */
    public enum Who {
        /** every signed-in user */
        EVERYONE,
        /** owners of the team concerned */
        OWNERS,
        /** admins only */
        ADMINS
    }
}
