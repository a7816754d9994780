package dev.portcullis.access.policy;

/** Who may pull from a namespace besides its members and admins. */
public enum Visibility {
    /** members and admins only */
    PRIVATE,
    /** every signed-in user */
    PROTECTED,
    /** anyone, anonymous callers included */
    PUBLIC
}
