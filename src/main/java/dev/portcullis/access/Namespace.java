package dev.portcullis.access;

import dev.portcullis.access.policy.NamespaceFacts;
import dev.portcullis.access.policy.Visibility;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;
import org.hibernate.annotations.Generated;

/** The first path component of repository names, and who may use it. */
@Entity
@Table(name = "namespaces")
public class Namespace extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;

    @Enumerated(EnumType.STRING)
    public NamespaceFacts.Kind kind;

    /** The user of a personal namespace. */
    @ManyToOne
    @JoinColumn(name = "owner_user_id")
    public User owner;

    /** The team owning a team namespace. */
    @ManyToOne
    @JoinColumn(name = "team_id")
    public Team team;

    @Enumerated(EnumType.STRING)
    public Visibility visibility;

    public String description;

    @Generated // the database's default, read back so that a 201 shows what a GET shows
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<Namespace> findByName(String name) {
        return find("name", name).firstResultOptional();
    }

    public static Namespace ofTeam(String name, Team team, Visibility visibility, String description) {
        Namespace ns = new Namespace();
        ns.name = name;
        ns.kind = NamespaceFacts.Kind.TEAM;
        ns.team = team;
        ns.visibility = visibility;
        ns.description = description;
        return ns;
    }

    public static Namespace personal(User user) {
        Namespace ns = new Namespace();
        ns.name = user.username;
        ns.kind = NamespaceFacts.Kind.PERSONAL;
        ns.owner = user;
        ns.visibility = Visibility.PRIVATE;
        return ns;
    }
}
