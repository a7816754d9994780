package dev.portcullis.access.policy;

/** A subject's role in the team that owns a namespace; the owner of a personal namespace is its OWNER. */
public enum Role {
    OWNER,
    CONTRIBUTOR,
    VIEWER
}
