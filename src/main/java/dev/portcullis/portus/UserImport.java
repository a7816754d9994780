package dev.portcullis.portus;

import dev.portcullis.access.Users;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Portus's users: people (with their personal namespace here, named after them) and bots. Devise's bcrypt hash
 * comes over as it is (the sign-in replaces it by ours); LDAP accounts (ldap_name set) come over as directory
 * accounts without a password, which the directory fills in at their first sign-in. Portus's own user "portus"
 * stays behind.
 */
final class UserImport {

    static final String KIND = "users";
    /** What Devise's bcrypt writes; anything else cannot be verified here. */
    private static final Pattern DEVISE_BCRYPT = Pattern.compile("\\$2a\\$\\d\\d\\$[./A-Za-z0-9]{53}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");

    private final ImportRun run;

    UserImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read(KIND, """
                SELECT id, username, email, encrypted_password, admin, enabled, ldap_name, namespace_id, display_name,
                       bot, created_at
                FROM users ORDER BY id""", this::user);
    }

    private void user(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        String portusName = rs.getString("username");
        long namespaceId = rs.getLong("namespace_id");
        if (!rs.wasNull()) {
            run.personalNamespaces.put(namespaceId, id);
        }
        if ("portus".equals(portusName)) { // Portus's internal account, which it hides everywhere
            run.mapping.record(KIND, id, null, "skipped");
            run.report.skipped(KIND);
            return;
        }
        boolean bot = rs.getBoolean("bot");
        boolean ldap = rs.getString("ldap_name") != null;
        String email = blankToNull(rs.getString("email"));
        String displayName = blankToNull(rs.getString("display_name"));
        boolean admin = rs.getBoolean("admin");
        boolean enabled = rs.getBoolean("enabled");
        Long mapped = run.mapping.ours(KIND, id);
        if (mapped != null) {
            refresh(id, mapped, email, displayName, admin, enabled);
            return;
        }
        String name = Names.ours(portusName, Users.MAX_USERNAME);
        if (name == null) {
            skip(id, portusName, "the name breaks this registry's name grammar and cannot be repaired",
                    "not imported: create the account here under another name");
            return;
        }
        if (!name.equals(portusName)) {
            run.report.conflict(KIND, portusName, "the name breaks this registry's name grammar",
                    "imported as '" + name + "': the user signs in with that name");
        }
        Object[] existing = run.row("SELECT id, email FROM users WHERE username = ?", name);
        if (existing != null) {
            link(id, portusName, name, ((Number) existing[0]).longValue(), (String) existing[1], email);
            return;
        }
        if (run.one("SELECT id FROM namespaces WHERE name = ?", name) != null
                || run.one("SELECT id FROM teams WHERE name = ?", name) != null) {
            skip(id, portusName, "the name '" + name + "' is a namespace or team here",
                    "not imported: rename one of them and run the import again");
            return;
        }
        if (email != null && (email.length() > 320 || !EMAIL.matcher(email).matches())) {
            run.report.conflict(KIND, portusName, "the email '" + email + "' is not an email address here",
                    "imported without an email");
            email = null;
        }
        if (email != null && run.one("SELECT username FROM users WHERE LOWER(email) = ?",
                email.toLowerCase(Locale.ROOT)) instanceof String other) {
            run.report.conflict(KIND, portusName, "the email " + email + " is also " + other + "'s here",
                    "imported without an email");
            email = null;
        }
        String hash = bot || ldap ? null : rs.getString("encrypted_password");
        if (hash != null && !DEVISE_BCRYPT.matcher(hash).matches()) {
            if (!hash.isEmpty()) {
                run.report.conflict(KIND, portusName, "the password hash is not Devise's bcrypt",
                        "imported without a password: an admin sets a new one");
            }
            hash = null;
        }
        String ldapName = rs.getString("ldap_name");
        if (ldap && !ldapName.equalsIgnoreCase(name)) {
            run.report.conflict(KIND, portusName, "Portus knew the directory's name '" + ldapName + "'",
                    "imported as the directory account '" + name + "': the directory must know that name");
        }
        // The LDAP name is kept as the account's identity at its source until the first sign-in writes the DN.
        long ours = run.insert("""
                INSERT INTO users (username, email, display_name, password_hash, admin, enabled, bot, created_at,
                  source, external_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", name, email, truncate(displayName, 255), hash, admin,
                enabled, bot, ImportRun.time(rs, "created_at"), ldap ? "LDAP" : "LOCAL", ldap ? ldapName : null);
        if (!bot) { // the personal namespace, as Users makes it; NamespaceImport brings Portus's visibility
            run.insert("INSERT INTO namespaces (name, kind, owner_user_id, visibility) VALUES (?, 'PERSONAL', ?,"
                    + " 'PRIVATE')", name, ours);
        }
        run.usernames.put(id, name);
        run.mapping.record(KIND, id, ours, "created");
        run.report.created(KIND);
    }

    /** Imported before: what Portus may have changed since (email, display name, admin, enabled). */
    private void refresh(long id, long ours, String email, String displayName, boolean admin, boolean enabled)
            throws SQLException {
        Object[] row = run.row("SELECT username, email, display_name, admin, enabled FROM users WHERE id = ?", ours);
        if (row == null) { // deleted here since: that is the admin's decision
            run.report.skipped(KIND);
            return;
        }
        run.usernames.put(id, (String) row[0]);
        if ("linked".equals(outcome(id))) {
            run.report.unchanged(KIND);
            return;
        }
        boolean same = Objects.equals(row[1], email) && Objects.equals(row[2], truncate(displayName, 255))
                && bool(row[3]) == admin && bool(row[4]) == enabled;
        if (same) {
            run.report.unchanged(KIND);
            return;
        }
        run.update("UPDATE users SET email = ?, display_name = ?, admin = ?, enabled = ? WHERE id = ?", email,
                truncate(displayName, 255), admin, enabled, ours);
        run.report.changed(KIND);
    }

    /** A name on both sides: the same person only when the emails agree. */
    private void link(long id, String portusName, String name, long ours, String ourEmail, String email)
            throws SQLException {
        if (email != null && email.equalsIgnoreCase(ourEmail)) {
            run.report.conflict(KIND, portusName, "'" + name + "' exists here with the same email",
                    "linked to it: its teams from Portus are added, its password and flags here are kept");
            run.usernames.put(id, name);
            run.mapping.record(KIND, id, ours, "linked");
            run.report.unchanged(KIND);
            return;
        }
        skip(id, portusName, "'" + name + "' exists here as another account (the emails differ)",
                "not imported: rename one of them and run the import again");
    }

    private String outcome(long id) {
        return run.mapping.outcome(KIND, id);
    }

    private void skip(long id, String portusName, String problem, String resolution) throws SQLException {
        run.report.conflict(KIND, portusName, problem, resolution);
        run.mapping.record(KIND, id, null, "skipped");
        run.report.skipped(KIND);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    static boolean bool(Object o) {
        return o instanceof Boolean b ? b : o instanceof Number n && n.intValue() != 0;
    }

    static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
