package dev.portcullis.portus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One import's state: the read-only connection to Portus, our connection (one transaction for the whole run), the
 * mapping, the report, and what the steps learn for the later ones (Portus ids to our names).
 */
final class ImportRun {

    private static final Logger LOG = Logger.getLogger(ImportRun.class);

    /** A Portus row read: its columns by name, as the step's SELECT named them. */
    interface RowReader {
        void row(ResultSet rs) throws SQLException;
    }

    final Connection portus;
    final Connection ours;
    /** Which Portus (see {@link PortusSource#identity}). */
    final String source;
    final Mapping mapping;
    final ImportReport report;
    private final int progressEvery;

    /** Portus user id to our username (imported or linked). */
    final Map<Long, String> usernames = new HashMap<>();
    /** Portus personal namespace id (users.namespace_id) to its Portus user id. */
    final Map<Long, Long> personalNamespaces = new HashMap<>();
    /** Portus namespace id to our namespace name; the global one maps to {@code _global}. */
    final Map<Long, String> namespaces = new HashMap<>();
    /** Portus team id to our team name, for non-hidden teams that came over. */
    final Map<Long, String> teams = new HashMap<>();
    /** Portus repository id to its full name here ({@code ns/name}, or {@code name} in the global namespace). */
    final Map<Long, String> repositories = new HashMap<>();
    /** Portus tag id to {name, digest}, for the activities that name a tag. */
    final Map<Long, String[]> tags = new HashMap<>();

    ImportRun(Connection portus, Connection ours, ImportReport report, int progressEvery) throws SQLException {
        this.portus = portus;
        this.ours = ours;
        this.source = PortusSource.identity(portus);
        this.mapping = new Mapping(ours, source);
        this.report = report;
        this.progressEvery = Math.max(1, progressEvery);
    }

    /** Streams a Portus query, logging progress every N rows. */
    void read(String kind, String sql, RowReader reader) throws SQLException {
        int n = 0;
        try (Statement s = portus.createStatement()) {
            s.setFetchSize(progressEvery);
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    reader.row(rs);
                    if (++n % progressEvery == 0) {
                        LOG.infof("Portus import: %d %s read", n, kind);
                    }
                }
            }
        }
        mapping.flush();
        LOG.infof("Portus import: %s done, %d read", kind, n);
    }

    /** An INSERT on our side; the generated id. */
    long insert(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            bind(s, args);
            s.executeUpdate();
            try (ResultSet keys = s.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    int update(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement(sql)) {
            bind(s, args);
            return s.executeUpdate();
        }
    }

    /** The first column of the first row of a query on our side, or null. */
    Object one(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement(sql)) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getObject(1) : null;
            }
        }
    }

    /** Our row's columns, or null when there is none. */
    Object[] row(String sql, Object... args) throws SQLException {
        try (PreparedStatement s = ours.prepareStatement(sql)) {
            bind(s, args);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Object[] row = new Object[rs.getMetaData().getColumnCount()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                return row;
            }
        }
    }

    static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            s.setObject(i + 1, a instanceof Instant at ? Timestamp.from(at) : a);
        }
    }

    /** A short, stable tag of the source for ids of ours that name Portus rows (activities' event ids). */
    String sourceTag() {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(source.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Portus's DATETIME (written by Rails in UTC) as an instant; now when Portus left it empty. */
    static Timestamp time(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return Timestamp.from(t == null ? Instant.now() : t.toInstant(ZoneOffset.UTC));
    }
}
