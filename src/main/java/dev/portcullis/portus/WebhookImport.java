package dev.portcullis.portus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Portus's webhooks, with their headers, in the {@code portus} payload format (the registry's envelope, as Portus
 * relayed it) for the push and delete events Portus sent. Basic credentials become an Authorization header, as
 * Portus sent them. Portus's GET and form-encoded variants have no equivalent: those come over as POSTs of JSON.
 */
final class WebhookImport {

    static final String KIND = "webhooks";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers a webhook of ours may not set (see webhooks/Webhooks). */
    private static final Set<String> RESERVED = Set.of("host", "content-type", "content-length", "connection",
            "transfer-encoding", "expect", "upgrade", "te", "trailer", "keep-alive", "proxy-connection",
            "idempotency-key");

    private final ImportRun run;
    private final Map<Long, Map<String, String>> headers = new LinkedHashMap<>();

    WebhookImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read("webhook headers", "SELECT webhook_id, name, value FROM webhook_headers ORDER BY id", rs ->
                headers.computeIfAbsent(rs.getLong("webhook_id"), k -> new LinkedHashMap<>())
                        .put(rs.getString("name"), rs.getString("value")));
        run.read(KIND, """
                SELECT id, namespace_id, url, username, password, request_method, content_type, enabled, name
                FROM webhooks ORDER BY id""", this::webhook);
    }

    private void webhook(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String name = UserImport.truncate(rs.getString("name"), 100);
        Long namespace = run.mapping.ours(NamespaceImport.KIND, rs.getLong("namespace_id"));
        if (namespace == null) {
            run.report.skipped(KIND);
            return;
        }
        if (run.mapping.has(KIND, id)) {
            run.report.unchanged(KIND);
            return;
        }
        String url = rs.getString("url");
        if (!httpUrl(url)) {
            conflict(id, name, "the URL '" + url + "' is not an http(s) URL", "not imported");
            return;
        }
        Map<String, String> custom = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : headers.getOrDefault(id, Map.of()).entrySet()) {
            String lower = h.getKey() == null ? "" : h.getKey().toLowerCase(Locale.ROOT);
            if (lower.isEmpty() || RESERVED.contains(lower) || lower.startsWith("x-portcullis-")
                    || h.getValue() == null) {
                run.report.conflict(KIND, name, "the header '" + h.getKey() + "' cannot be set here",
                        "left out");
            } else {
                custom.put(h.getKey(), h.getValue());
            }
        }
        String user = UserImport.blankToNull(rs.getString("username"));
        String password = UserImport.blankToNull(rs.getString("password"));
        if (user != null && password != null) {
            custom.putIfAbsent("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (rs.getInt("request_method") == 0 || rs.getInt("content_type") == 1) {
            run.report.conflict(KIND, name, "Portus sent it as GET or form-encoded",
                    "imported: deliveries here are POSTs of JSON");
        }
        String secret = HexFormat.of().formatHex(UserImport.randomBytes(32));
        long ours = run.insert("""
                INSERT INTO webhooks (namespace_id, name, url, events, format, enabled, headers, secret, created_by)
                VALUES (?, ?, ?, ?, 'portus', ?, ?, ?, 'portus-import')""", namespace, name, url,
                String.join(",", List.of("push", "delete")), rs.getBoolean("enabled"), json(custom), secret);
        run.mapping.record(KIND, id, ours, "created");
        run.report.created(KIND);
    }

    private void conflict(long id, String name, String problem, String resolution) throws SQLException {
        run.report.conflict(KIND, name, problem, resolution);
        run.mapping.record(KIND, id, null, "skipped");
        run.report.skipped(KIND);
    }

    private static boolean httpUrl(String url) {
        try {
            URI u = URI.create(url);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String json(Map<String, String> headers) {
        try {
            return headers.isEmpty() ? null : JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
