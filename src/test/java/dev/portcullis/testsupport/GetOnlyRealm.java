package dev.portcullis.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A token realm in front of Portcullis that knows only the GET form of the token protocol, as older token
 * servers (and proxies that pass only GET) do: a {@code POST} is answered 404, a {@code GET} is passed to
 * Portcullis's {@code /v2/token} with its query and {@code Authorization} header and answered with what Portcullis
 * said. containerd tries the OAuth2 POST form first and falls back to GET on 404, so a registry whose realm is
 * this one shows that fallback working against the real token endpoint. Counts both kinds of request.
 */
public final class GetOnlyRealm implements AutoCloseable {

    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI target;
    private final AtomicInteger posts = new AtomicInteger();
    private final AtomicInteger gets = new AtomicInteger();

    private GetOnlyRealm(URI target) throws IOException {
        this.target = target;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/token", this::handle);
        server.start();
    }

    /** Passes GETs to {@code portcullisTokenUrl} (e.g. {@code http://127.0.0.1:8081/v2/token}). */
    public static GetOnlyRealm start(String portcullisTokenUrl) {
        try {
            return new GetOnlyRealm(URI.create(portcullisTokenUrl));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the GET-only realm", e);
        }
    }

    /** The realm for the registry's {@code auth.token.realm}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v2/token";
    }

    public int posts() {
        return posts.get();
    }

    public int gets() {
        return gets.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            if (!"GET".equals(exchange.getRequestMethod())) {
                posts.incrementAndGet();
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            gets.incrementAndGet();
            HttpResponse<byte[]> answer = forward(exchange);
            if (answer == null) {
                exchange.sendResponseHeaders(502, -1);
                return;
            }
            answer.headers().firstValue("Content-Type")
                    .ifPresent(type -> exchange.getResponseHeaders().add("Content-Type", type));
            answer.headers().allValues("WWW-Authenticate")
                    .forEach(value -> exchange.getResponseHeaders().add("WWW-Authenticate", value));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        }
    }

    /** The same GET, to Portcullis; null when interrupted. */
    private HttpResponse<byte[]> forward(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getRawQuery();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30)).GET();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
