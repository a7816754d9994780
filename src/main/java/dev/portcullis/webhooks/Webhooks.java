package dev.portcullis.webhooks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.access.AccessService;
import dev.portcullis.access.Namespace;
import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.config.PortcullisConfig;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Webhooks as their owners manage them: a namespace's owners (and admins) manage its webhooks, admins the global
 * ones. Anyone else is told there is no such webhook (404), whether it exists or not: ids do not enumerate.
 */
@ApplicationScoped
public class Webhooks {

    public static final Set<String> PATCHABLE = Set.of("name", "url", "events", "format", "enabled", "headers",
            "secret");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    /** Headers the sender sets itself, or that the HTTP client must own. */
    private static final Set<String> RESERVED = Set.of("host", "content-type", "content-length", "connection",
            "transfer-encoding", "expect", "upgrade", "te", "trailer", "keep-alive", "proxy-connection");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a new webhook is made of; null events: push only; null format: cloudevents; null secret: generated. */
    public record Spec(String namespace, String name, String url, List<String> events, String format,
            Boolean enabled, Map<String, String> headers, String secret) {
    }

    @Inject
    AccessService access;

    @Inject
    PortcullisConfig config;

    @Inject
    ObjectMapper json;

    @Transactional
    public Webhook create(Subject actor, Spec spec) {
        Webhook w = new Webhook();
        if (spec.namespace() == null) {
            if (!ManagementPolicy.actsAsAdmin(actor)) {
                throw Refusal.forbidden("only admins manage global webhooks");
            }
        } else {
            Namespace ns = Namespace.findByName(spec.namespace()).orElse(null);
            if (ns == null || !mayManage(actor, ns)) {
                throw Refusal.notFound("no namespace '" + spec.namespace() + "' whose webhooks you manage");
            }
            w.namespace = ns;
        }
        w.name = name(spec.name());
        w.url = url(spec.url());
        w.events = events(spec.events() == null ? List.of(EventType.PUSH.wire()) : spec.events());
        w.format = format(spec.format() == null ? Format.CLOUDEVENTS.wire() : spec.format());
        w.enabled = spec.enabled() == null || spec.enabled();
        w.headers = headers(spec.headers());
        w.secret = spec.secret() == null ? HexFormat.of().formatHex(randomBytes()) : secret(spec.secret());
        w.createdBy = actor.name();
        w.persist();
        Webhook.flush();
        return w;
    }

    /** The global webhooks (admins) or those of one namespace (its owners). */
    @Transactional
    public List<Webhook> list(Subject actor, String namespace) {
        if (namespace == null) {
            if (!ManagementPolicy.actsAsAdmin(actor)) {
                throw Refusal.forbidden("only admins see the global webhooks; name a namespace");
            }
            return Webhook.list("namespace is null order by id");
        }
        Namespace ns = Namespace.findByName(namespace).orElse(null);
        if (ns == null || !mayManage(actor, ns)) {
            throw Refusal.notFound("no namespace '" + namespace + "' whose webhooks you manage");
        }
        return Webhook.list("namespace = ?1 order by id", ns);
    }

    /** A webhook the actor manages; 404 for any other id. */
    @Transactional
    public Webhook managed(Subject actor, long id) {
        Webhook w = Webhook.findById(id);
        if (w == null || !(w.namespace == null ? ManagementPolicy.actsAsAdmin(actor) : mayManage(actor, w.namespace))) {
            throw Refusal.notFound("no webhook " + id);
        }
        return w;
    }

    @Transactional
    public Webhook update(Subject actor, long id, dev.portcullis.core.MergePatch patch, Map<String, String> headers,
            List<String> events) {
        Webhook w = managed(actor, id);
        if (patch.has("name")) {
            w.name = name(patch.text("name"));
        }
        if (patch.has("url")) {
            w.url = url(patch.text("url"));
        }
        if (patch.has("events")) {
            w.events = events(events == null ? List.of() : events);
        }
        if (patch.has("format")) {
            w.format = format(patch.text("format"));
        }
        if (patch.has("headers")) {
            w.headers = headers(headers);
        }
        if (patch.has("secret")) {
            w.secret = secret(patch.text("secret"));
        }
        if (patch.has("enabled")) {
            boolean enabled = patch.bool("enabled");
            if (enabled && !w.enabled) {
                // Turned on again by an owner: the failures that disabled it are behind it.
                w.consecutiveFailures = 0;
                w.disabledReason = null;
            }
            w.enabled = enabled;
        }
        return w;
    }

    @Transactional
    public void delete(Subject actor, long id) {
        managed(actor, id).delete();
    }

    public Map<String, String> headerMap(Webhook w) {
        if (w.headers == null) {
            return Map.of();
        }
        try {
            return json.readValue(w.headers, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored headers are not JSON", e);
        }
    }

    /** A namespace's webhooks: its owners (of the team, or the personal namespace's user) and admins. */
    private boolean mayManage(Subject actor, Namespace ns) {
        NamespaceFacts facts = access.facts(actor, ns.name);
        return ManagementPolicy.mayEditNamespace(actor, facts);
    }

    private static String name(String name) {
        if (name == null || name.isBlank() || name.length() > 100) {
            throw Refusal.invalid("name is required, 1 to 100 characters");
        }
        return name;
    }

    private String url(String url) {
        if (url == null || url.length() > 2048) {
            throw Refusal.invalid("url is required, up to 2048 characters");
        }
        TargetGuard.refused(url, config.webhooks().allowPrivateTargets()).ifPresent(why -> {
            throw Refusal.invalid("url refused: " + why);
        });
        return url;
    }

    private static String events(List<String> events) {
        Set<String> names = new LinkedHashSet<>();
        for (String e : events) {
            EventType type = e == null ? null : EventType.ofWire(e).orElse(null);
            if (type == null || type == EventType.PING) {
                List<String> known = new ArrayList<>();
                for (EventType t : EventType.values()) {
                    if (t != EventType.PING) {
                        known.add(t.wire());
                    }
                }
                throw Refusal.invalid("unknown event '" + e + "'; known: " + known);
            }
            names.add(type.wire());
        }
        if (names.isEmpty()) {
            throw Refusal.invalid("events must name at least one event");
        }
        return String.join(",", names);
    }

    private static String format(String format) {
        return Format.ofWire(format == null ? "" : format).map(Format::wire)
                .orElseThrow(() -> Refusal.invalid("format must be cloudevents or portus"));
    }

    private String headers(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        if (headers.size() > 20) {
            throw Refusal.invalid("at most 20 custom headers");
        }
        for (Map.Entry<String, String> h : headers.entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!HEADER_NAME.matcher(h.getKey()).matches() || RESERVED.contains(name)
                    || name.startsWith("x-portcullis-") || name.equals("idempotency-key")) {
                throw Refusal.invalid("header '" + h.getKey() + "' cannot be set");
            }
            String value = h.getValue();
            if (value == null || value.length() > 4096 || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                throw Refusal.invalid("header '" + h.getKey() + "' needs a value of printable characters");
            }
        }
        try {
            return json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String secret(String secret) {
        if (secret == null || secret.length() < 16 || secret.length() > 255) {
            throw Refusal.invalid("secret must be 16 to 255 characters");
        }
        return secret;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return b;
    }
}
