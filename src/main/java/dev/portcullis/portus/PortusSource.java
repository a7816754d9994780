package dev.portcullis.portus;

import dev.portcullis.core.Refusal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Where the Portus database is: a MariaDB/MySQL JDBC URL and an account that can read it. The connection is
 * read-only (the server refuses writes in it) and one transaction: every table is read from the same snapshot.
 */
public record PortusSource(String url, String user, String password) {

    public PortusSource {
        if (url == null || !url.startsWith("jdbc:mariadb://") && !url.startsWith("jdbc:mysql://")) {
            throw Refusal.invalid("url must be a jdbc:mariadb:// (or jdbc:mysql://) URL of Portus's database");
        }
        if (url.toLowerCase(java.util.Locale.ROOT).contains("allowlocalinfile")) {
            throw Refusal.invalid("url must not set allowLocalInfile: the importer only reads");
        }
        if (user == null || user.isBlank()) {
            throw Refusal.invalid("user is required");
        }
    }

    /** The password never appears in logs or answers. */
    @Override
    public String toString() {
        return "PortusSource[" + url + " as " + user + "]";
    }

    /**
     * Which Portus this is, for the mapping: the host name of the registry it fronted (its first registries row; a
     * Portus never set up has none and imports next to nothing).
     */
    static String identity(Connection portus) throws SQLException {
        try (Statement s = portus.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT hostname FROM registries ORDER BY id LIMIT 1")) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    Connection open() {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password == null ? "" : password);
        // A server may ask the client for a local file (LOAD DATA LOCAL): never ours, whatever server this is.
        props.setProperty("allowLocalInfile", "false");
        if (url.startsWith("jdbc:mysql:")) {
            props.setProperty("permitMysqlScheme", "true");
        }
        try {
            // The driver itself, not DriverManager: the application's class loader may not be the one it scans.
            Connection c = new org.mariadb.jdbc.Driver().connect(url, props);
            if (c == null) {
                throw Refusal.invalid("the MariaDB driver does not take this url");
            }
            c.setReadOnly(true);
            // Said to the server as well, whatever the driver makes of the flag: it refuses every write.
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException e) {
            throw Refusal.invalid("cannot connect to the Portus database: " + e.getMessage());
        }
    }
}
