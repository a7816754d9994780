package dev.portcullis.webhooks;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP POST of a delivery with the JDK's client: connect and request timeouts, redirects never followed (a
 * 3xx is a failure: a receiver that moved says so to its owners, and a redirect cannot lead past the target
 * check), only the first bytes of the answer kept for the log.
 */
public final class Sender {

    static final int KEPT_RESPONSE = 2048;

    /** What was sent (the log's copy of the headers hides custom header values) and what came back. */
    public record Outcome(Map<String, String> loggedHeaders, Integer status, String response, String error) {

        public boolean delivered() {
            return status != null && status >= 200 && status < 300;
        }
    }

    private final HttpClient client;
    private final Duration requestTimeout;

    public Sender(Duration connectTimeout, Duration requestTimeout) {
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.requestTimeout = requestTimeout;
    }

    /**
     * @param own the headers Portcullis sets (logged as they are)
     * @param custom the webhook's own headers (their values may be credentials: logged as ***)
     */
    public Outcome post(String url, Map<String, String> own, Map<String, String> custom, byte[] body) {
        Map<String, String> logged = new LinkedHashMap<>(own);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        own.forEach(request::header);
        custom.forEach((name, value) -> {
            request.header(name, value);
            logged.put(name, "***");
        });
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(KEPT_RESPONSE), StandardCharsets.UTF_8);
            }
            return new Outcome(logged, response.statusCode(), answer, null);
        } catch (IOException | IllegalArgumentException e) {
            return new Outcome(logged, null, null, e.getClass().getSimpleName().replace("Exception", "")
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(logged, null, null, "interrupted");
        }
    }
}
