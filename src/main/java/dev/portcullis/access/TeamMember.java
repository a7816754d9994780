package dev.portcullis.access;

import dev.portcullis.access.policy.Role;
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

/** A user's role in a team. */
@Entity
@Table(name = "team_members")
public class TeamMember extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "team_id")
    public Team team;

    @ManyToOne(optional = false)
    @JoinColumn(name = "user_id")
    public User user;

    @Enumerated(EnumType.STRING)
    public Role role;

    /** Made by the directory's groups (a sync may take it away again), not by an owner. */
    @Column(name = "from_directory")
    public boolean fromDirectory;

    @Generated // the database's default, read back so that a 201 shows what a GET shows
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<TeamMember> of(Team team, String username) {
        return find("team = ?1 and user.username = ?2", team, username).firstResultOptional();
    }

    public static Role roleOf(Team team, String username) {
        return username == null || username.isEmpty() ? null : of(team, username).map(m -> m.role).orElse(null);
    }

    public static long owners(Team team) {
        return count("team = ?1 and role = ?2", team, Role.OWNER);
    }
}
