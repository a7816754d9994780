package dev.portcullis.core;

/**
 * A {@code LIKE} pattern that finds a text anywhere, the text's own {@code %} and {@code _} taken literally. Use
 * it as {@code column LIKE ? ESCAPE '!'}.
 */
public final class Like {

    public static final String ESCAPE = "ESCAPE '!'";

    private Like() {
    }

    public static String containing(String text) {
        return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
    }
}
