package dev.portcullis.access;

/** Who asks: an authenticated, enabled account, or nobody ({@link #ANONYMOUS}). */
public record Subject(String name, boolean admin) {

    public static final Subject ANONYMOUS = new Subject("", false);

    public boolean anonymous() {
        return name.isEmpty();
    }
}
