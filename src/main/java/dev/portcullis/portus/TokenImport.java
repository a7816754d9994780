package dev.portcullis.portus;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * Portus's application tokens. Portus kept {@code BCrypt::Engine.hash_secret(plain, token_salt)}, a whole bcrypt
 * string (app/models/application_token.rb): verifiable, not reversible, so the token comes over as a legacy token
 * that the sign-in checks with bcrypt (access/auth/LegacyTokens). Its keyed hash, which no secret has, is random.
 */
final class TokenImport {

    static final String KIND = "tokens";
    private static final Pattern BCRYPT = Pattern.compile("\\$2a\\$\\d\\d\\$[./A-Za-z0-9]{53}");

    private final ImportRun run;

    TokenImport(ImportRun run) {
        this.run = run;
    }

    void run() throws SQLException {
        run.read(KIND, "SELECT id, application, token_hash, user_id FROM application_tokens ORDER BY id",
                this::token);
    }

    private void token(ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        Long user = run.mapping.ours(UserImport.KIND, rs.getLong("user_id"));
        String application = rs.getString("application");
        if (user == null || "linked".equals(run.mapping.outcome(UserImport.KIND, rs.getLong("user_id")))) {
            // A linked account keeps the credentials it has here: a token from Portus would be a new way in.
            run.mapping.record(KIND, id, null, "skipped");
            run.report.skipped(KIND);
            return;
        }
        if (run.mapping.has(KIND, id)) {
            run.report.unchanged(KIND);
            return;
        }
        String hash = rs.getString("token_hash");
        if (hash == null || !BCRYPT.matcher(hash).matches()) {
            run.report.conflict(KIND, application, "the token's hash is not bcrypt", "not imported");
            run.mapping.record(KIND, id, null, "skipped");
            run.report.skipped(KIND);
            return;
        }
        String name = UserImport.truncate(application == null || application.isBlank() ? "portus" : application, 100);
        long ours = run.insert("INSERT INTO application_tokens (user_id, name, token_hash, legacy_hash)"
                + " VALUES (?, ?, ?, ?)", user, name, UserImport.randomBytes(32), hash);
        run.mapping.record(KIND, id, ours, "created");
        run.report.created(KIND);
    }
}
