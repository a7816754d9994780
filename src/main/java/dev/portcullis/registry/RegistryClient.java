package dev.portcullis.registry;

import dev.portcullis.access.policy.Scope;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.token.TokenIssuer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Calls the registry's API with tokens Portcullis mints for itself (subject {@link Subject#INTERNAL}, an
 * admin): manifests and config blobs for details, the catalog and tag lists for reconciliation, deletes.
 *
 * @see <a href="https://distribution.github.io/distribution/spec/api/">HTTP API V2</a>
 */
@ApplicationScoped
public class RegistryClient {

    static final String MANIFEST_TYPES = String.join(", ",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json");
    static final int MAX_BODY = 4 * 1024 * 1024;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Inject
    PortcullisConfig config;

    @Inject
    TokenIssuer tokens;

    /** 1 after an answer below 500, 0 after none or a 5xx, NaN before the first call. */
    private volatile double reachability = Double.NaN;
    /** When the registry last answered ({@link System#nanoTime()}); 0 before it ever did. */
    private volatile long lastAnswer;

    /** A manifest as the registry serves it. */
    public record Manifest(String mediaType, String digest, byte[] body) {
    }

    /** The registry could not be asked or answered with an error: nothing may be concluded from it. */
    public static class RegistryUnavailable extends Exception {
        public RegistryUnavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The registry refuses deletes: {@code storage.delete.enabled} is off. */
    public static class DeleteDisabled extends Exception {
        public DeleteDisabled() {
            super("the registry does not allow deletes: set storage.delete.enabled: true in its config",
                    null, false, false);
        }
    }

    public boolean configured() {
        return config.registry().url().isPresent();
    }

    public Optional<URI> url() {
        return config.registry().url();
    }

    /** {@code GET /v2/} with a token: the registry is up and trusts our tokens. */
    public boolean reachable() {
        try {
            return send(request("/v2/", Set.of()).GET().build()).statusCode() == 200;
        } catch (RegistryUnavailable e) {
            return false;
        }
    }

    /** The manifest, or empty when the registry positively says it does not exist. */
    public Optional<Manifest> manifest(String repository, String reference) throws RegistryUnavailable {
        HttpResponse<byte[]> answer = send(request("/v2/" + repository + "/manifests/" + reference,
                Set.of(pull(repository))).header("Accept", MANIFEST_TYPES).GET().build());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        expect(answer, 200);
        return Optional.of(new Manifest(answer.headers().firstValue("Content-Type").orElse(null),
                answer.headers().firstValue("Docker-Content-Digest").orElse(null), answer.body()));
    }

    /** The digest a tag points at ({@code HEAD}), or empty when the tag is gone. */
    public Optional<String> digestOf(String repository, String tag) throws RegistryUnavailable {
        HttpResponse<byte[]> answer = send(request("/v2/" + repository + "/manifests/" + tag,
                Set.of(pull(repository))).header("Accept", MANIFEST_TYPES)
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
        if (answer.statusCode() == 404) {
            return Optional.empty();
        }
        expect(answer, 200);
        return Optional.of(answer.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new RegistryUnavailable("no Docker-Content-Digest for " + repository + ":" + tag)));
    }

    public byte[] blob(String repository, String digest) throws RegistryUnavailable {
        HttpResponse<byte[]> answer = send(request("/v2/" + repository + "/blobs/" + digest,
                Set.of(pull(repository))).GET().build());
        expect(answer, 200);
        return answer.body();
    }

    /** Every repository name, following the {@code Link} header page by page. */
    public List<String> catalog() throws RegistryUnavailable {
        return pages("/v2/_catalog?n=500", Set.of("registry:catalog:*"), "repositories");
    }

    /** Every tag of a repository, or empty when the registry says the repository is unknown. */
    public Optional<List<String>> tags(String repository) throws RegistryUnavailable {
        try {
            return Optional.of(pages("/v2/" + repository + "/tags/list?n=1000", Set.of(pull(repository)), "tags"));
        } catch (NotFound e) {
            return Optional.empty();
        }
    }

    /** Deletes a manifest by digest, and with it every tag on that digest. */
    public void deleteManifest(String repository, String digest) throws RegistryUnavailable, DeleteDisabled {
        HttpResponse<byte[]> answer = send(request("/v2/" + repository + "/manifests/" + digest,
                Set.of("repository:" + repository + ":delete")).DELETE().build());
        if (answer.statusCode() == 405) {
            throw new DeleteDisabled();
        }
        if (answer.statusCode() != 404) {
            expect(answer, 202);
        }
    }

    private List<String> pages(String first, Set<String> scopes, String field) throws RegistryUnavailable {
        List<String> all = new ArrayList<>();
        String path = first;
        for (int page = 0; path != null; page++) {
            if (page > 10_000) {
                throw new RegistryUnavailable("the registry's pagination does not end");
            }
            HttpResponse<byte[]> answer = send(request(path, scopes).GET().build());
            if (answer.statusCode() == 404) {
                throw new NotFound();
            }
            expect(answer, 200);
            try {
                all.addAll(JsonLists.strings(answer.body(), field));
            } catch (IOException e) {
                throw new RegistryUnavailable(e.getMessage());
            }
            path = answer.headers().firstValue("Link").map(RegistryClient::nextPath).orElse(null);
        }
        return all;
    }

    static String nextPath(String link) {
        Matcher m = NEXT_LINK.matcher(link);
        if (!m.find()) {
            return null;
        }
        URI next = URI.create(m.group(1));
        return next.getRawPath() + (next.getRawQuery() == null ? "" : "?" + next.getRawQuery());
    }

    private HttpRequest.Builder request(String path, Set<String> scopes) throws RegistryUnavailable {
        URI base = config.registry().url()
                .orElseThrow(() -> new RegistryUnavailable("PORTCULLIS_REGISTRY_URL is not set"));
        List<Scope> requested = Scope.parseAll(List.copyOf(scopes));
        String token = tokens.issue(Subject.INTERNAL, requested).jwt();
        return HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws RegistryUnavailable {
        try {
            HttpResponse<byte[]> answer = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            answered(answer.statusCode());
            if (answer.body() != null && answer.body().length > MAX_BODY) {
                throw new RegistryUnavailable("answer larger than " + MAX_BODY + " bytes");
            }
            return answer;
        } catch (IOException e) {
            answered(0);
            throw new RegistryUnavailable("registry unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailable("interrupted");
        }
    }

    /** Whether the registry answered the last call (1), or not (0); NaN before the first. */
    public double reachability() {
        return reachability;
    }

    /** How long since the registry last answered; {@link Long#MAX_VALUE} when it never did. */
    public long idleNanos() {
        long last = lastAnswer;
        return last == 0 ? Long.MAX_VALUE : System.nanoTime() - last;
    }

    /** The registry answered with {@code status}, or could not be asked ({@code status} 0). */
    private void answered(int status) {
        boolean up = status > 0 && status < 500;
        reachability = up ? 1 : 0;
        if (up) {
            lastAnswer = Math.max(1, System.nanoTime());
        }
    }

    private static void expect(HttpResponse<byte[]> answer, int status) throws RegistryUnavailable {
        if (answer.statusCode() != status) {
            throw new RegistryUnavailable("registry answered " + answer.statusCode() + " to "
                    + answer.request().method() + " " + answer.request().uri().getPath());
        }
    }

    private static String pull(String repository) {
        return "repository:" + repository + ":pull";
    }

    private static final class NotFound extends RegistryUnavailable {
        NotFound() {
            super("not found");
        }
    }
}
