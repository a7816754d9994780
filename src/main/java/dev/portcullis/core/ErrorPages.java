package dev.portcullis.core;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;

/**
 * The web UI's face of {@link ErrorMapper}: errors on its pages answered as pages (or as the redirects a page
 * makes: to sign in, back to a refused form). Implemented where the pages live, so that this floor needs none.
 */
public interface ErrorPages {

    /** Whether the request is one of the UI's pages. */
    boolean serves(String path);

    Response render(Failure failure, Throwable error, HttpServerRequest request);
}
