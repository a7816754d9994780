package dev.portcullis.webhooks;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a webhook may be sent: the registry's three activities, the access changes owners care about, and the
 * ping a webhook's owner asks for. Each has the name a webhook subscribes with and its CloudEvents type.
 */
public enum EventType {
    PUSH("push", "dev.portcullis.artifact.pushed"),
    PULL("pull", "dev.portcullis.artifact.pulled"),
    DELETE("delete", "dev.portcullis.artifact.deleted"),
    MEMBER_ADDED("member.added", "dev.portcullis.access.member.added"),
    MEMBER_REMOVED("member.removed", "dev.portcullis.access.member.removed"),
    MEMBER_ROLE_CHANGED("member.role_changed", "dev.portcullis.access.member.role_changed"),
    VISIBILITY_CHANGED("visibility.changed", "dev.portcullis.access.visibility.changed"),
    TOKEN_CREATED("token.created", "dev.portcullis.access.token.created"),
    TOKEN_REVOKED("token.revoked", "dev.portcullis.access.token.revoked"),
    /** Never subscribed to: sent when an owner tests a webhook. */
    PING("ping", "dev.portcullis.webhook.ping");

    private final String wire;
    private final String cloudEventType;

    EventType(String wire, String cloudEventType) {
        this.wire = wire;
        this.cloudEventType = cloudEventType;
    }

    /** The name in a webhook's {@code events} and in the delivery log. */
    public String wire() {
        return wire;
    }

    public String cloudEventType() {
        return cloudEventType;
    }

    public boolean registryEvent() {
        return this == PUSH || this == PULL || this == DELETE;
    }

    public static Optional<EventType> ofWire(String name) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(name)).findFirst();
    }

    /**
     * The event an access change of the feed (its action and detail, see {@code access.AccessChanged}) is sent
     * as, if any: member and token changes, and a namespace update that changed its visibility.
     */
    public static Optional<EventType> ofAccessChange(String action, String detail) {
        return Optional.ofNullable(switch (action) {
            case "member.add" -> MEMBER_ADDED;
            case "member.remove" -> MEMBER_REMOVED;
            case "member.update" -> MEMBER_ROLE_CHANGED;
            case "token.create" -> TOKEN_CREATED;
            case "token.revoke" -> TOKEN_REVOKED;
            case "namespace.update" -> detail != null && detail.contains("visibility=") ? VISIBILITY_CHANGED : null;
            default -> null;
        });
    }
}
