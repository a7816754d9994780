package dev.portcullis.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * docs/adr/0011: during a rolling upgrade the previous release runs against the schema the new one migrated, so a
 * migration only expands. A statement the previous release would trip over (dropping or renaming what it reads,
 * a NOT NULL it does not fill) belongs to a later "contract" migration and says so in a {@code -- contract:}
 * comment naming the release that stopped using it.
 */
class MigrationCompatibilityTest {

    private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");
    private static final List<Pattern> BREAKS_THE_PREVIOUS_RELEASE = Stream.of(
            "\\bDROP\\s+(COLUMN|TABLE)\\b",
            "\\bRENAME\\s+(COLUMN|TABLE|TO)\\b",
            "\\bCHANGE\\s+(COLUMN\\s+)?`?\\w+`?\\s+`?\\w+",
            "\\bMODIFY\\b[^;]*\\bNOT\\s+NULL\\b",
            "\\bADD\\s+(COLUMN\\s+)?[^;]*\\bNOT\\s+NULL\\b(?![^;,]*\\bDEFAULT\\b)")
            .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE)).toList();

    @Test
    void everyMigrationIsCompatibleWithTheReleaseBefore() throws Exception {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(MIGRATIONS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".sql")).sorted().toList()) {
                problems.addAll(problems(f.getFileName().toString(), Files.readString(f)));
            }
        }
        assertEquals(List.of(), problems);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ALTER TABLE users DROP COLUMN email                      | true",
        "DROP TABLE activities                                    | true",
        "ALTER TABLE users RENAME COLUMN email TO mail             | true",
        "RENAME TABLE users TO accounts                           | true",
        "ALTER TABLE users CHANGE email mail VARCHAR(255)         | true",
        "ALTER TABLE users MODIFY email VARCHAR(255) NOT NULL     | true",
        "ALTER TABLE users ADD COLUMN locale VARCHAR(8) NOT NULL  | true",
        "ALTER TABLE users ADD COLUMN locale VARCHAR(8) NOT NULL DEFAULT 'en' | false",
        "ALTER TABLE users ADD COLUMN locale VARCHAR(8) NULL      | false",
        "ALTER TABLE tokens MODIFY expires_at DATETIME(6) NULL    | false",
        "CREATE TABLE t (id BIGINT NOT NULL PRIMARY KEY)          | false",
        "CREATE INDEX ix ON users (email)                         | false",
    })
    void theRuleTellsExpandFromContract(String statement, boolean breaks) {
        assertEquals(breaks, !problems("V99__x.sql", statement + ";").isEmpty(), statement);
        assertFalse(breaks && !problems("V99__x.sql", "-- contract: unused since 0.3\n" + statement + ";").isEmpty(),
                "a contract comment marks it as meant");
    }

    /** Statements of one migration that break the release before, unless a contract comment precedes them. */
    static List<String> problems(String file, String sql) {
        List<String> out = new ArrayList<>();
        for (String statement : sql.split(";")) {
            boolean contract = statement.contains("-- contract:"); // a comment before a statement is part of it
            String code = statement.replaceAll("(?m)--.*$", "");
            for (Pattern p : BREAKS_THE_PREVIOUS_RELEASE) {
                Matcher m = p.matcher(code);
                if (m.find() && !contract) {
                    out.add(file + ": " + code.strip().replaceAll("\\s+", " "));
                    break;
                }
            }
        }
        return out;
    }
}
