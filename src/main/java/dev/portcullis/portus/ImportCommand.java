package dev.portcullis.portus;

import dev.portcullis.core.Refusal;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code import-portus --from <jdbc url> --user <name> [--password-file <file>] [--dry-run]}: the import as a
 * command of the packaged application. The password is never an argument (other users of the host see those):
 * a file, or the environment variable {@code PORTUS_DB_PASSWORD}.
 */
final class ImportCommand {

    static final String NAME = "import-portus";
    static final String USAGE = "usage: " + NAME + " --from jdbc:mariadb://host:3306/portus_production --user portus"
            + " [--password-file FILE] [--dry-run]   (else the password is read from PORTUS_DB_PASSWORD)";

    private ImportCommand() {
    }

    /** The exit code: 0 imported, 1 refused (bad arguments, unreachable or not a Portus database). */
    static int run(PortusImport importer, String[] args, Map<String, String> env, PrintStream out) {
        String from = null;
        String user = null;
        String password = env.get("PORTUS_DB_PASSWORD");
        boolean dryRun = false;
        try {
            for (int i = 1; i < args.length; i++) {
                switch (args[i]) {
                    case "--from" -> from = args[++i];
                    case "--user" -> user = args[++i];
                    case "--password-file" -> password = Files.readString(Path.of(args[++i])).strip();
                    case "--dry-run" -> dryRun = true;
                    default -> throw Refusal.invalid("unknown argument " + args[i]);
                }
            }
            ImportReport report = importer.run(new PortusSource(from, user, password), dryRun);
            out.println(report.summary());
            report.conflicts.forEach(c -> out.printf("  %s '%s': %s; %s%n", c.kind(), c.portus(), c.problem(),
                    c.resolution()));
            if (report.conflictsNotListed > 0) {
                out.printf("  ... and %d more conflicts%n", report.conflictsNotListed);
            }
            return 0;
        } catch (ArrayIndexOutOfBoundsException e) {
            out.println(USAGE);
            return 1;
        } catch (Refusal e) {
            out.println(NAME + ": " + e.detail());
            out.println(USAGE);
            return 1;
        } catch (IOException e) {
            out.println(NAME + ": cannot read the password file: " + e.getMessage());
            return 1;
        }
    }
}
