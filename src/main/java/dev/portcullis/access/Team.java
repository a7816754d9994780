package dev.portcullis.access;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Generated;
import java.time.Instant;
import java.util.Optional;

/** A group of users that owns namespaces. */
@Entity
@Table(name = "teams")
public class Team extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String name;
    public String description;

    @Generated // the database's default, read back so that a 201 shows what a GET shows
    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<Team> findByName(String name) {
        return find("name", name).firstResultOptional();
    }
}
