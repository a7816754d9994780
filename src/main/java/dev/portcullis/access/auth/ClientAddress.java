package dev.portcullis.access.auth;

import io.vertx.ext.web.RoutingContext;

/** The caller's address as the brute-force throttle counts it. */
final class ClientAddress {

    private ClientAddress() {
    }

    static String of(RoutingContext context) {
        if (context == null || context.request().remoteAddress() == null) {
            return null;
        }
        return context.request().remoteAddress().hostAddress();
    }
}
