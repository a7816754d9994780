package dev.portcullis.core;

/**
 * The three faces the service shows, told apart by path: the registry's endpoints ({@code /v2/...}: the token
 * endpoint and the sink, in the registry's protocol), the JSON API ({@code /api/...}) with the operators'
 * {@code /q/...}, and the web UI's pages (everything else).
 */
public final class Faces {

    private Faces() {
    }

    public static boolean isRegistry(String path) {
        return path != null && (path.startsWith("/v2/") || path.equals("/v2"));
    }

    public static boolean isPage(String path) {
        return path != null && !(isRegistry(path) || path.startsWith("/api/") || path.startsWith("/q/"));
    }
}
