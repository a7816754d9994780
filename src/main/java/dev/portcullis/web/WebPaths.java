package dev.portcullis.web;

/** Which requests are the web UI's: everything but the JSON API, the registry's endpoints and operators' /q/. */
final class WebPaths {

    private WebPaths() {
    }

    static boolean isPage(String path) {
        return path != null && !(path.startsWith("/api/") || path.startsWith("/v2/") || path.equals("/v2")
                || path.startsWith("/q/"));
    }
}
