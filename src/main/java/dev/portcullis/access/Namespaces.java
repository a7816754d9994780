package dev.portcullis.access;

import dev.portcullis.access.policy.ManagementPolicy;
import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.NamespaceFacts.Kind;
import dev.portcullis.access.policy.RepositoryName;
import dev.portcullis.access.policy.Subject;
import dev.portcullis.access.policy.Visibility;
import dev.portcullis.core.MergePatch;
import dev.portcullis.core.Pagination;
import dev.portcullis.core.Refusal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Namespaces: personal, team-owned and the global one, with their visibility. */
@ApplicationScoped
public class Namespaces {

    public static final Set<String> PATCHABLE = Set.of("description", "visibility", "team");

    @Inject
    AccessService access;

    @Inject
    Event<AccessChanged> changes;

    @Inject
    Event<NamespaceRemoval> removals;

    /** A namespace with the facts about it, as one subject sees it. */
    public record Seen(Namespace namespace, NamespaceFacts facts) {
    }

    @Transactional
    public Namespace create(Subject actor, String name, String teamName, Visibility visibility, String description) {
        if (!RepositoryName.isComponent(name)) {
            throw Refusal.invalid("namespace names follow the registry's name grammar: lowercase letters"
                    + " and digits separated by '.', '_', '__' or '-'");
        }
        if (teamName == null) {
            throw Refusal.invalid("team is required: new namespaces belong to a team");
        }
        Team team = Team.findByName(teamName).orElseThrow(() -> Refusal.invalid("no team '" + teamName + "'"));
        if (!ManagementPolicy.mayCreateNamespace(actor, TeamMember.roleOf(team, actor.name()), access.settings())) {
            throw Refusal.forbidden("only owners of team '" + teamName + "' and admins may create its namespaces");
        }
        Teams.checkDescription(description);
        if (Namespace.findByName(name).isPresent() || User.findByUsername(name).isPresent()) {
            throw Refusal.conflict("the namespace '" + name + "' exists");
        }
        Namespace ns = Namespace.ofTeam(name, team, visibility == null ? Visibility.PRIVATE : visibility, description);
        ns.persist();
        Namespace.flush();
        changes.fire(new AccessChanged("namespace.create", actor.name(), name, teamName, null,
                ns.visibility.name().toLowerCase()));
        return ns;
    }

    /** A namespace the subject may see; 404 for the others, so private names do not leak. */
    @Transactional
    public Seen visible(Subject subject, String name) {
        Namespace ns = Namespace.findByName(name).orElse(null);
        NamespaceFacts facts = ns == null ? null : access.facts(subject, name);
        if (ns == null || !ManagementPolicy.maySeeNamespace(subject, facts, access.settings())) {
            throw Refusal.notFound("no namespace '" + name + "'");
        }
        return new Seen(ns, facts);
    }

    /** Only those the subject may see, in name order, keyset-paginated. */
    @Transactional
    public Pagination.Page<Seen> list(Subject subject, String afterName, int limit) {
        List<Seen> visible = new ArrayList<>();
        String after = afterName;
        // Fetch in batches: most namespaces are visible to most callers, so this rarely loops.
        while (visible.size() <= limit) {
            List<Namespace> batch = Namespace.find("name > ?1 order by name", after).page(0, limit + 1).list();
            if (batch.isEmpty()) {
                break;
            }
            Map<String, NamespaceFacts> facts = access.facts(subject, batch.stream().map(n -> n.name).toList());
            for (Namespace ns : batch) {
                if (ManagementPolicy.maySeeNamespace(subject, facts.get(ns.name), access.settings())) {
                    visible.add(new Seen(ns, facts.get(ns.name)));
                }
            }
            if (batch.size() <= limit) {
                break;
            }
            after = batch.get(batch.size() - 1).name;
        }
        return Pagination.page(visible, limit, s -> s.namespace().name);
    }

    @Transactional
    public Seen update(Subject actor, String name, MergePatch patch) {
        Seen seen = visible(actor, name);
        Namespace ns = seen.namespace();
        if (!ManagementPolicy.mayEditNamespace(actor, seen.facts())) {
            throw Refusal.forbidden("only owners and admins may change namespace '" + name + "'");
        }
        List<String> changed = new ArrayList<>();
        if (patch.has("description")) {
            Teams.checkDescription(patch.text("description"));
            ns.description = patch.text("description");
            changed.add("description");
        }
        if (patch.has("visibility")) {
            Visibility visibility = parseVisibility(patch.text("visibility"));
            if (!ManagementPolicy.mayChangeVisibility(actor, seen.facts(), access.settings())) {
                throw Refusal.forbidden("changing visibility is for admins on this registry");
            }
            if (ns.kind == Kind.GLOBAL && visibility == Visibility.PRIVATE) {
                throw Refusal.invalid("the global namespace cannot be private");
            }
            ns.visibility = visibility;
            changed.add("visibility=" + visibility.name().toLowerCase());
        }
        if (patch.has("team")) {
            if (ns.kind != Kind.TEAM) {
                throw Refusal.invalid("only team namespaces move between teams");
            }
            String teamName = patch.text("team");
            Team target = teamName == null ? null : Team.findByName(teamName).orElse(null);
            if (target == null) {
                throw Refusal.invalid("no team '" + teamName + "'");
            }
            if (!ManagementPolicy.mayMoveNamespace(actor, seen.facts(), TeamMember.roleOf(target, actor.name()))) {
                throw Refusal.forbidden("moving a namespace needs ownership of both teams");
            }
            ns.team = target;
            changed.add("team=" + teamName);
        }
        changes.fire(new AccessChanged("namespace.update", actor.name(), name, ns.team == null ? null : ns.team.name,
                null, String.join(",", changed)));
        return new Seen(ns, access.facts(actor, name));
    }

    /**
     * Deletes a team's namespace, or the personal namespace an account left behind (admins only). Never one that
     * still holds images: the catalog refuses ({@link NamespaceRemoval}), so a freed name hands nothing over.
     */
    @Transactional
    public void delete(Subject actor, String name) {
        Seen seen = visible(actor, name);
        Namespace ns = seen.namespace();
        boolean orphan = ns.kind == Kind.PERSONAL && ns.owner == null;
        if (ns.kind != Kind.TEAM && !orphan) {
            throw Refusal.conflict("personal namespaces and the global namespace cannot be deleted");
        }
        if (!ManagementPolicy.mayEditNamespace(actor, seen.facts())) {
            throw Refusal.forbidden("only owners and admins may delete namespace '" + name + "'");
        }
        removals.fire(new NamespaceRemoval(name));
        String team = ns.team == null ? null : ns.team.name;
        ns.delete();
        changes.fire(new AccessChanged("namespace.delete", actor.name(), name, team, null, null));
        // After the feed's entry of the delete, which goes with what came before.
        Namespace.getEntityManager().createNativeQuery("""
                INSERT INTO released_names (name, released_at) VALUES (?1, CURRENT_TIMESTAMP(6))
                ON DUPLICATE KEY UPDATE released_at = CURRENT_TIMESTAMP(6)""").setParameter(1, name).executeUpdate();
    }

    public static Visibility parseVisibility(String text) {
        if (text != null) {
            for (Visibility v : Visibility.values()) {
                if (v.name().equalsIgnoreCase(text)) {
                    return v;
                }
            }
        }
        throw Refusal.invalid("visibility must be one of private, protected, public");
    }
}
