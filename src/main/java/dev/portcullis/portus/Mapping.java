package dev.portcullis.portus;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The table portus_imported (V20): which of our rows each Portus row became. Read whole at the start (a few
 * hundred thousand rows at most), written in multi-row statements, and only where something is new, so a second
 * run over the same Portus writes nothing.
 */
final class Mapping {

    static final int ROWS = 500;

    private record Row(String kind, long portusId, Long ourId, String outcome) {
    }

    private final Connection ours;
    private final String source;
    private final Map<String, Map<Long, Row>> known = new HashMap<>();
    private final List<Row> pending = new ArrayList<>();

    /** @param source which Portus (see {@link PortusSource#identity}): two of them number their rows alike */
    Mapping(Connection ours, String source) throws SQLException {
        this.ours = ours;
        this.source = source;
        try (PreparedStatement s = ours.prepareStatement(
                "SELECT kind, portus_id, our_id, outcome FROM portus_imported WHERE source = ?")) {
            s.setString(1, source);
            read(s);
        }
    }

    private void read(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(3);
                Long ourId = rs.wasNull() ? null : id; // right after reading it: wasNull is of the last column read
                Row row = new Row(rs.getString(1), rs.getLong(2), ourId, rs.getString(4));
                known.computeIfAbsent(row.kind(), k -> new HashMap<>()).put(row.portusId(), row);
            }
        }
    }

    /** Whether an earlier run brought this row over (or decided to leave it). */
    boolean has(String kind, long portusId) {
        return known.getOrDefault(kind, Map.of()).containsKey(portusId);
    }

    /** Our id for the Portus row, null when unknown or when it became nothing of ours. */
    Long ours(String kind, long portusId) {
        Row row = known.getOrDefault(kind, Map.of()).get(portusId);
        return row == null ? null : row.ourId();
    }

    /** What an earlier run decided for the row (created, linked, skipped, ...), or null. */
    String outcome(String kind, long portusId) {
        Row row = known.getOrDefault(kind, Map.of()).get(portusId);
        return row == null ? null : row.outcome();
    }

    /** Records what the row became; written with the next flush, and only when it differs from what is known. */
    void record(String kind, long portusId, Long ourId, String outcome) throws SQLException {
        Row row = new Row(kind, portusId, ourId, outcome);
        Row before = known.computeIfAbsent(kind, k -> new HashMap<>()).put(portusId, row);
        if (before != null && Objects.equals(before.ourId(), ourId) && before.outcome().equals(outcome)) {
            return;
        }
        pending.add(row);
        if (pending.size() >= ROWS) {
            flush();
        }
    }

    void flush() throws SQLException {
        if (pending.isEmpty()) {
            return;
        }
        StringBuilder sql = new StringBuilder("INSERT INTO portus_imported (source, kind, portus_id, our_id, outcome)"
                + " VALUES ");
        for (int i = 0; i < pending.size(); i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)");
        }
        sql.append(" ON DUPLICATE KEY UPDATE our_id = VALUES(our_id), outcome = VALUES(outcome)");
        try (PreparedStatement s = ours.prepareStatement(sql.toString())) {
            int p = 1;
            for (Row row : pending) {
                s.setString(p++, source);
                s.setString(p++, row.kind());
                s.setLong(p++, row.portusId());
                s.setObject(p++, row.ourId());
                s.setString(p++, row.outcome());
            }
            s.executeUpdate();
        }
        pending.clear();
    }
}
