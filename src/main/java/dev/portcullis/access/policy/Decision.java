package dev.portcullis.access.policy;

import java.util.Map;

/**
 * The outcome for one scope: the granted scope (requested ∩ allowed, maybe without actions) and, for each
 * requested action, the rule that allowed or denied it, in words.
 */
public record Decision(Scope granted, Map<String, String> reasons) {
}
